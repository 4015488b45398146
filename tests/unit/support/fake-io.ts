import { PassThrough, Readable } from 'node:stream';
import type { CliIo } from '../../../src/io';

/** An in-memory CliIo: what the CLI wrote is in out() and err(). */
export function fakeIo(env: Record<string, string | undefined> = {}, stdinText = '') {
  const interrupt = new AbortController();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += c));
  stderr.on('data', (c) => (err += c));
  const io: CliIo = {
    stdout,
    stderr,
    stdin: Readable.from([stdinText]),
    env: { HOME: '/nonexistent', AWS_CONFIG_FILE: '/nonexistent/config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/creds', ...env },
    stderrIsTTY: false,
    stdinIsTTY: false,
    interrupts: { signal: interrupt.signal, handle: () => {}, release: () => {} },
  };
  return { io, out: () => out, err: () => err, interrupt: (name = 'SIGINT') => interrupt.abort(name) };
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  stdin?: string;
  /** Which streams are terminals: true for both. */
  tty?: boolean | { stdin?: boolean; stderr?: boolean };
}

/**
 * Runs the real program in-process: cli.ts's main(), with every command, its error mapping and
 * its exit codes, against a fake terminal.
 */
export async function runMain(args: string[], opts: RunOptions = {}) {
  const f = fakeIo(opts.env ?? {}, opts.stdin ?? '');
  const tty = typeof opts.tty === 'object' ? opts.tty : { stdin: !!opts.tty, stderr: !!opts.tty };
  f.io.stdinIsTTY = !!tty.stdin;
  f.io.stderrIsTTY = !!tty.stderr;
  // Loaded here: cli.ts loads every command, which tests of pure modules do not need.
  const { main } = await import('../../../src/cli');
  const code = await main(args, f.io);
  await new Promise((r) => setImmediate(r));
  return { code, stdout: f.out(), stderr: f.err() };
}
