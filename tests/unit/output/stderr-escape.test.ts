// Control characters in names reach stderr only as escapes, so every stderr line stays one line
// and no name can drive the terminal; plain text, accents included, is left exactly as it was.
import { PassThrough } from 'node:stream';
import { createReporter, escapeControlCharacters, escapeStderrWrite, escapingStderr } from '../../../src/output/reporter';

describe('escapeControlCharacters', () => {
  it.each([
    ['a\nb.txt', 'a\\nb.txt'],
    ['tab\there', 'tab\\there'],
    ['cr\rlf', 'cr\\rlf'],
    ['\x1b[31mred', '\\x1b[31mred'],
    ['bell\x07 nul\x00 del\x7f c1\x85', 'bell\\x07 nul\\x00 del\\x7f c1\\x85'],
    ['line\u2028sep', 'line\\u2028sep'],
  ])('escapes %j', (raw, shown) => {
    expect(escapeControlCharacters(raw)).toBe(shown);
  });

  it('leaves plain text alone, backslashes and non-ASCII included', () => {
    const plain = 'photos/été 2024/日本 a+b ü.txt C:\\dir\\n-not-a-newline';
    expect(escapeControlCharacters(plain)).toBe(plain);
  });
});

describe('escapeStderrWrite', () => {
  it('keeps the line ending and the progress erase, and escapes everything else', () => {
    expect(escapeStderrWrite('failed: dest/a\nb.txt: boom\n')).toBe('failed: dest/a\\nb.txt: boom\n');
    expect(escapeStderrWrite('\r\x1b[K1/2 files')).toBe('\r\x1b[K1/2 files');
    expect(escapeStderrWrite('\r\x1b[K')).toBe('\r\x1b[K');
    expect(escapeStderrWrite('Delete s3://b/a\x1b]0;x\x07? [y/N] ')).toBe('Delete s3://b/a\\x1b]0;x\\x07? [y/N] ');
    expect(escapeStderrWrite('\n')).toBe('\n');
  });
});

describe('escapingStderr and the reporter', () => {
  const capture = () => {
    const raw = new PassThrough();
    let text = '';
    raw.on('data', (c) => (text += c));
    return { raw, text: () => text };
  };

  it('passes every write through, escaped, in order', () => {
    const { raw, text } = capture();
    const err = escapingStderr(raw);
    err.write('uploaded: a\nb\n');
    err.write(Buffer.from('error: x\ty\n'));
    expect(text()).toBe('uploaded: a\\nb\nerror: x\\ty\n');
  });

  it('escapes what the reporter prints even on a raw stream', () => {
    const { raw, text } = capture();
    const reporter = createReporter(raw);
    reporter.info('deleted: s3://b/evil\nerror: fake');
    reporter.warn('skipped \x1b[2J');
    expect(text()).toBe('deleted: s3://b/evil\\nerror: fake\nwarning: skipped \\x1b[2J\n');
  });
});
