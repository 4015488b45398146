/** What a command may touch outside itself: streams and environment, injected so tests can run main() in-process. */
import type { Readable, Writable } from 'node:stream';
import { isatty } from 'node:tty';

/**
 * SIGINT/SIGTERM. By default a signal ends the process at once (as usual for a CLI). A command
 * that has something to clean up (roll back a create, abort multipart uploads) calls handle():
 * the first signal then aborts `signal` and the command finishes its cleanup; a second signal
 * still ends the process at once.
 */
export interface Interrupts {
  readonly signal: AbortSignal;
  handle(): void;
}

export interface CliIo {
  stdout: Writable;
  stderr: Writable;
  stdin: Readable;
  env: Record<string, string | undefined>;
  /** stderr is a terminal: progress bars and prompts are allowed. */
  stderrIsTTY: boolean;
  stdinIsTTY: boolean;
  interrupts: Interrupts;
}

/** All of stdin as text (for `--policy -`, `--password -`). */
export async function readStdinText(io: Pick<CliIo, 'stdin'>): Promise<string> {
  let text = '';
  for await (const chunk of io.stdin) text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
  return text;
}

/** Exit codes for a run ended by a signal, as shells report them (128 + signal number). */
export const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

export function processIo(): CliIo {
  const controller = new AbortController();
  let handled = false;
  const onSignal = (name: keyof typeof SIGNAL_EXIT_CODES) => {
    if (!handled || controller.signal.aborted) process.exit(SIGNAL_EXIT_CODES[name]);
    process.stderr.write(`interrupted (${name}): cleaning up; press Ctrl-C again to stop at once\n`);
    controller.abort(name);
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    // process.stdin builds a stream when first touched: only commands that read it pay for that.
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    stderrIsTTY: Boolean(process.stderr.isTTY),
    stdinIsTTY: isatty(0),
    interrupts: {
      signal: controller.signal,
      handle: () => {
        handled = true;
      },
    },
  };
}
