/** Progress, logs and warnings go to stderr; --silent keeps only errors (which cli.ts prints). */
import { Writable } from 'node:stream';

export interface Reporter {
  /** A step or progress line. */
  info(message: string): void;
  /** Something the user should know even if nothing failed. */
  warn(message: string): void;
}

// C0 controls, DEL, C1 controls, and the Unicode line and paragraph separators: anything that
// could end a line, move the cursor or recolour the terminal. Printable text, é and 日本 included,
// is left alone.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Shows control characters as escapes (a newline as \n, ESC as \x1b), so that a file or key name
 * holding one cannot split a stderr line in two or drive the terminal.
 */
export function escapeControlCharacters(text: string): string {
  return text.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    return NAMED[c] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
  });
}

/** The progress display's "go to the start of the line and erase it". */
const ERASE_LINE = '\r\x1b[K';

/**
 * One write to stderr made safe: every control character is escaped except the line's own
 * ending newline and a leading erase-line of the progress display. Each write is at most one line.
 */
export function escapeStderrWrite(text: string): string {
  const erase = text.startsWith(ERASE_LINE) ? ERASE_LINE : '';
  const end = text.endsWith('\n') && text.length > erase.length ? '\n' : '';
  return erase + escapeControlCharacters(text.slice(erase.length, text.length - end.length)) + end;
}

/**
 * stderr as the CLI's code sees it: every write passes through escapeStderrWrite on its way to
 * `raw`. Writes go straight through (nothing is buffered), so ordering and exit behave as before.
 */
export function escapingStderr(raw: Writable): Writable {
  return new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, done) {
      raw.write(escapeStderrWrite(typeof chunk === 'string' ? chunk : chunk.toString('utf8')));
      done();
    },
  });
}

export function createReporter(stderr: Writable, opts: { silent?: boolean } = {}): Reporter {
  if (opts.silent) return { info() {}, warn() {} };
  return {
    info: (message) => void stderr.write(escapeControlCharacters(message) + '\n'),
    warn: (message) => void stderr.write(`warning: ${escapeControlCharacters(message)}\n`),
  };
}

/** A reporter that drops everything; services take one so they never need to check. */
export const silentReporter: Reporter = { info() {}, warn() {} };
