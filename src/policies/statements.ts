/**
 * Reading policy documents whose shape is not guaranteed: what IAM and S3 return, or what a person
 * wrote by hand. Every reader of stored policies (delete-user's role and folder discovery, the
 * folders a caller may list, the inline size check) goes through these, so a single statement or
 * action given as a bare value instead of a list is read the same way everywhere.
 */

/** A statement's fields as found, none of them trusted to have the documented type. */
export interface StatementFields {
  Sid?: unknown;
  Effect?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Principal?: unknown;
  Condition?: unknown;
}

/** A policy field that may be one value or a list of them, as a list (absent: empty). */
export const asList = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The statements of a document that are objects; anything else yields none. */
export function statementsOf(document: unknown): StatementFields[] {
  if (!document || typeof document !== 'object') return [];
  return asList((document as { Statement?: unknown }).Statement).filter((s): s is StatementFields => !!s && typeof s === 'object');
}

/**
 * IAM returns policy documents URL-encoded: the parsed document, or the text itself when it is
 * not JSON (and not encoded: some endpoints return it plain). Null when there is none.
 */
export function decodePolicyDocument(encoded: string | undefined): unknown {
  if (!encoded) return null;
  let text = encoded;
  try {
    text = decodeURIComponent(encoded);
  } catch {
    // not encoded: read it as it is
  }
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
