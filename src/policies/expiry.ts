/**
 * Expiring access: every Allow that s3-share writes gets `DateLessThan aws:CurrentTime`, so the
 * access stops at that time on AWS's side even if nothing else ever runs again. The same time is
 * recorded in the principal's expires tag (ownership.ts), which later runs read to prune.
 */
import { UsageError } from '../errors';
import type { PolicyDocument, Statement } from './documents';
import { tagTime } from './ownership';

const DAY_MS = 86_400_000;

/**
 * A date as the user writes it: YYYY-MM-DD (the access ends at the start of that day, UTC), a
 * full ISO 8601 time with its zone, or (when `relative` is allowed, for create --expires) a number
 * of days such as 30d; then the time must also be in the future, since a new grant that is already
 * over is a mistake (a list may hold past dates: those clients are pruned). Throws a UsageError
 * naming `what` otherwise.
 */
export function parseExpiry(text: string, what: string, now: Date, relative = false): Date {
  const value = text.trim();
  const days = /^(\d{1,5})d$/i.exec(value);
  if (days && relative) {
    const n = Number(days[1]);
    if (n < 1) throw new UsageError(`${what} ${value} is not in the future: give at least 1d`);
    return new Date(Math.floor(now.getTime() / 1000) * 1000 + n * DAY_MS);
  }
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value)
    ? new Date(`${value}T00:00:00Z`)
    : /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)
      ? new Date(value)
      : undefined;
  // Date rolls 2026-02-31 over to March: a date that does not print back as given does not exist.
  if (!date || Number.isNaN(date.getTime()) || (value.length === 10 && date.toISOString().slice(0, 10) !== value)) {
    const forms = relative
      ? 'YYYY-MM-DD, an ISO 8601 time such as 2026-12-31T18:00:00Z, or a number of days such as 30d'
      : 'YYYY-MM-DD or an ISO 8601 time such as 2026-12-31T18:00:00Z';
    throw new UsageError(`${what} '${value}' is not a date: give ${forms}`);
  }
  if (relative && date.getTime() <= now.getTime()) {
    throw new UsageError(`${what} ${value} is in the past: give a later date, or a number of days such as 30d`);
  }
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

/** The statement with the expiry added to its conditions (Deny statements are left alone). */
function expiring(statement: Statement, at: string): Statement {
  if (statement.Effect !== 'Allow') return statement;
  const condition = { ...(statement.Condition ?? {}) };
  condition.DateLessThan = { ...(condition.DateLessThan ?? {}), 'aws:CurrentTime': at };
  return { ...statement, Condition: condition };
}

/** The document with `DateLessThan aws:CurrentTime` on every Allow; unchanged when `expires` is undefined. */
export function withExpiry(doc: PolicyDocument, expires: Date | undefined): PolicyDocument {
  if (!expires) return doc;
  const at = tagTime(expires);
  return { ...doc, Statement: doc.Statement.map((s) => expiring(s, at)) };
}

/** Whether access that ends at `expires` has ended by `now`. */
export function hasExpired(expires: Date | undefined, now: Date): boolean {
  return !!expires && expires.getTime() <= now.getTime();
}
