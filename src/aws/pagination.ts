/**
 * The SDK's paginate* functions yield whole pages, and most callers want one list of what the
 * pages hold (access keys, policy names...): this gathers it, so that loop is not rewritten at
 * every call site.
 */
export async function collectItems<P, T>(pages: AsyncIterable<P>, items: (page: P) => T[] | undefined): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...(items(page) ?? []));
  return out;
}
