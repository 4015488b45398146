/**
 * The one reading of a duration, for every flag that takes one (--duration, --expires,
 * --wait-timeout, --connect-timeout, --read-timeout): a number of seconds, or a number with a
 * unit s, m, h or d, in either case, with spaces allowed around it (3600, 15m, 1H, '2 h', 7d).
 * Each flag sets only its bounds, and whether fractions make sense for it.
 */
import { UsageError } from '../../errors';
import { MAX_PRESIGNED_URL_SECONDS, MAX_SESSION_SECONDS, MIN_SESSION_SECONDS } from '../../policies/iam-limits';

const UNIT_SECONDS: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400 };

interface DurationRule {
  flag: string;
  min: number;
  max: number;
  /** The bounds as the user reads them, e.g. 'from 15m to 12h'. */
  range: string;
  /** Fractions of a unit (0.5 for half a second): only for timeouts. */
  fractions?: boolean;
}

/** Seconds, or undefined when the text is not a duration at all. */
function seconds(text: string, fractions: boolean): number | undefined {
  const m = (fractions ? /^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$/i : /^\s*(\d+)\s*([smhd]?)\s*$/i).exec(text);
  if (!m) return undefined;
  const n = Number(m[1]) * UNIT_SECONDS[m[2]!.toLowerCase()]!;
  return Number.isFinite(n) ? n : undefined;
}

/** A commander argument parser for one duration flag. */
export function durationParser(rule: DurationRule): (value: string) => number {
  return (value) => {
    const n = seconds(value, !!rule.fractions);
    if (n === undefined || n < rule.min || n > rule.max) {
      throw new UsageError(
        `${rule.flag} '${value}' is not a duration ${rule.range}: give seconds (3600), or a number with s, m, h or d (15m, 1h, 7d)`,
      );
    }
    return n;
  };
}

/** --duration: a role session, 15 minutes to 12 hours. */
export const parseDuration = durationParser({
  flag: '--duration',
  min: MIN_SESSION_SECONDS,
  max: MAX_SESSION_SECONDS,
  range: 'from 15m to 12h',
});

/** --expires: a presigned URL, 1 second to 7 days. */
export const parseExpires = durationParser({
  flag: '--expires',
  min: 1,
  max: MAX_PRESIGNED_URL_SECONDS,
  range: `from 1s to 7d: presigned URLs live at most 7d (${MAX_PRESIGNED_URL_SECONDS} s)`,
});

/** --wait-timeout: how long to wait for a new key, 1 second to 10 minutes. */
export const parseWaitTimeout = durationParser({ flag: '--wait-timeout', min: 1, max: 600, range: 'from 1s to 10m' });

/** A network timeout flag: 0 (no limit) to an hour, fractions allowed. */
export const timeoutParser = (flag: string) =>
  durationParser({ flag, min: 0, max: 3600, range: 'from 0 (no limit) to 1h', fractions: true });
