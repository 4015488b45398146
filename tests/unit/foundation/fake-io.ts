import { PassThrough, Readable } from 'node:stream';
import type { CliIo } from '../../../src/commands/io';

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
    interrupts: { signal: interrupt.signal, handle: () => {} },
  };
  return { io, out: () => out, err: () => err, interrupt: (name = 'SIGINT') => interrupt.abort(name) };
}
