/**
 * The two kinds of failure the CLI reports. Both carry a one-line message in the form
 * "<what went wrong>: <what to do>"; cli.ts prefixes "error: " and picks the exit code.
 */

/** The command line (or a file/JSON it names) is wrong. Exit code 2. Raised before any AWS call. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly exitCode = 2;
}

/** An operation failed (AWS refused, the network failed, a resource is missing). Exit code 1. */
export class OperationError extends Error {
  override readonly name = 'OperationError';
  readonly exitCode = 1;
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** The run was stopped by SIGINT/SIGTERM after cleaning up. Exit code 130 or 143, as shells expect. */
export class InterruptedError extends Error {
  override readonly name = 'InterruptedError';
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}
