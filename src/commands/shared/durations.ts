/** --duration, for the commands that make temporary credentials or a role session. */
import { UsageError } from '../../errors';
import { MAX_SESSION_SECONDS, MIN_SESSION_SECONDS } from '../../policies/iam-limits';

/** `15m`, `1h`, `3600s` or bare seconds, from 15 minutes to 12 hours. */
export function parseDuration(value: string): number {
  const m = /^(\d+)([smh]?)$/.exec(value.trim());
  const seconds = m ? Number(m[1]) * ({ '': 1, s: 1, m: 60, h: 3600 } as const)[m[2] as '' | 's' | 'm' | 'h'] : NaN;
  if (!Number.isSafeInteger(seconds) || seconds < MIN_SESSION_SECONDS || seconds > MAX_SESSION_SECONDS) {
    throw new UsageError(
      `--duration ${value} is not a duration from 15m to 12h: give seconds (3600), or minutes or hours with a unit (15m, 1h, 12h)`,
    );
  }
  return seconds;
}
