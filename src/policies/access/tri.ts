/**
 * Three-valued logic (Kleene): a statement applies, does not, or cannot be told without a context
 * key this evaluator does not resolve. Unknowns carry the keys, so an answer can name them.
 */
export interface Tri {
  /** undefined: unknown. */
  value: boolean | undefined;
  /** The keys that made it unknown (empty when known). */
  keys: string[];
}

export const TRUE: Tri = { value: true, keys: [] };
export const FALSE: Tri = { value: false, keys: [] };
export const unknown = (...keys: string[]): Tri => ({ value: undefined, keys });
export const known = (b: boolean): Tri => (b ? TRUE : FALSE);

const unknownKeys = (items: readonly Tri[]) => [...new Set(items.filter((t) => t.value === undefined).flatMap((t) => t.keys))];

/** False if any is false; else unknown if any is unknown; else true. */
export function and(...items: Tri[]): Tri {
  if (items.some((t) => t.value === false)) return FALSE;
  const keys = unknownKeys(items);
  return items.some((t) => t.value === undefined) ? unknown(...keys) : TRUE;
}

/** True if any is true; else unknown if any is unknown; else false. */
export function or(...items: Tri[]): Tri {
  if (items.some((t) => t.value === true)) return TRUE;
  const keys = unknownKeys(items);
  return items.some((t) => t.value === undefined) ? unknown(...keys) : FALSE;
}

export function not(item: Tri): Tri {
  return item.value === undefined ? item : known(!item.value);
}
