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
  /** The cleanup is over (or there is nothing left to undo): a signal ends the process at once again. */
  release(): void;
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

/**
 * A stream's text, stopping as soon as it holds more than `limit` bytes (then `tooLarge()` is
 * thrown): a 20 MB file piped by mistake is refused after its first 256 KiB, not read whole. The
 * bytes are decoded once at the end, so a UTF-8 character split across chunks stays whole.
 */
export async function readCapped(stream: AsyncIterable<unknown>, limit: number, tooLarge: () => Error): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Buffer);
    bytes += buffer.length;
    if (bytes > limit) throw tooLarge();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
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
      release: () => {
        handled = false;
      },
    },
  };
}
