/**
 * Several --prefix folders in one policy (s3-credentials issue 56). Each folder is normalized as
 * a single one is (prefix.ts), so each still ends in '/' and 'a/' never reaches 'a-evil/'. The
 * template is filled once per folder and the results are folded into one document, so that the
 * folders share one ListBucket statement rather than costing one each against the 2,048-character
 * budget of a user's inline policies.
 */
import type { PolicyDocument, Statement } from './documents';
import { normalizePrefix } from './prefix';

export interface NormalizedPrefixes {
  /** The distinct folders, each ending in '/', in the order given; none inside another. */
  prefixes: string[];
  /** Things the user should know (a slash added, a folder dropped as covered by another). */
  notices: string[];
}

/**
 * The folders to grant. A repeated folder is kept once, and a folder inside another given folder
 * is dropped with a notice: the outer grant covers it, and keeping it would only spend characters.
 */
export function normalizePrefixes(raws: readonly string[]): NormalizedPrefixes {
  const notices: string[] = [];
  const all: string[] = [];
  for (const raw of raws) {
    const { prefix, notice } = normalizePrefix(raw);
    if (notice) notices.push(notice);
    if (!all.includes(prefix)) all.push(prefix);
  }
  const prefixes = all.filter((p) => {
    const outer = all.find((o) => o !== p && p.startsWith(o));
    if (outer) notices.push(`prefix ${p} is inside ${outer}, which already covers it; granted ${outer} only`);
    return !outer;
  });
  return { prefixes, notices };
}

/**
 * Only s3:prefix under StringLike / StringEquals is folded. s3:prefix holds one value per request,
 * and for a single-valued key a list of values matches if any one does, so two statements that
 * differ only in that list grant together exactly what one statement with both lists grants. A
 * negated operator (StringNotLike) or a multi-valued key would not add up that way.
 */
const FOLDABLE_OPERATORS = ['StringLike', 'StringEquals'];
const FOLDABLE_KEY = 's3:prefix';

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sorted((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** The statement with its one foldable condition list taken out, as a comparable key; undefined if it has none. */
function foldKey(s: Statement): { key: string; operator: string; values: unknown[] } | undefined {
  const condition = s.Condition ?? {};
  const found = FOLDABLE_OPERATORS.filter((op) => condition[op]?.[FOLDABLE_KEY] !== undefined);
  if (found.length !== 1) return undefined;
  const operator = found[0]!;
  const value = condition[operator]![FOLDABLE_KEY]!;
  const { [FOLDABLE_KEY]: _taken, ...restOfOperator } = condition[operator]!;
  const rest = { ...s, Condition: { ...condition, [operator]: restOfOperator } };
  return { key: `${operator}\n${JSON.stringify(sorted(rest))}`, operator, values: Array.isArray(value) ? value : [value] };
}

/**
 * The statements of several documents (one template filled per folder) with those that differ only
 * in their s3:prefix values folded into one statement listing all the values. Everything else is
 * left as it is, for mergePolicies to combine by Resource.
 */
export function foldPrefixConditions(documents: readonly PolicyDocument[]): PolicyDocument[] {
  const folded = new Map<string, { statement: Statement; operator: string; values: unknown[] }>();
  return documents.map((doc) => ({
    ...doc,
    Statement: doc.Statement.flatMap((s) => {
      const k = foldKey(s);
      if (!k) return [s];
      const existing = folded.get(k.key);
      if (!existing) {
        const statement = structuredClone(s);
        folded.set(k.key, { statement, operator: k.operator, values: [...k.values] });
        return [statement];
      }
      for (const v of k.values) if (!existing.values.includes(v)) existing.values.push(v);
      existing.statement.Condition![existing.operator]![FOLDABLE_KEY] = [...existing.values] as string[];
      return [];
    }),
  }));
}
