/** Progress, logs and warnings go to stderr; --silent keeps only errors (which cli.ts prints). */
import type { Writable } from 'node:stream';

export interface Reporter {
  /** A step or progress line. */
  info(message: string): void;
  /** Something the user should know even if nothing failed. */
  warn(message: string): void;
}

export function createReporter(stderr: Writable, opts: { silent?: boolean } = {}): Reporter {
  if (opts.silent) return { info() {}, warn() {} };
  return {
    info: (message) => void stderr.write(message + '\n'),
    warn: (message) => void stderr.write(`warning: ${message}\n`),
  };
}

/** A reporter that drops everything; services take one so they never need to check. */
export const silentReporter: Reporter = { info() {}, warn() {} };
