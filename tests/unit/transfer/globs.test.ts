// The two glob dialects: fnmatch sets read as fnmatch reads them, and a pattern that cannot be
// compiled is a usage error (exit 2) naming it, in both.
import { UsageError } from '../../../src/errors';
import { fnmatchGlob, folderGlob } from '../../../src/services/transfer/globs';

describe.each([
  ['folderGlob', folderGlob],
  ['fnmatchGlob', fnmatchGlob],
] as const)('%s', (_name, glob) => {
  const m = (pattern: string, key: string) => glob(pattern).test(key);

  test('a ] first in a set is one of its members', () => {
    expect(m('[]a]x', ']x')).toBe(true);
    expect(m('[]a]x', 'ax')).toBe(true);
    expect(m('[]a]x', 'bx')).toBe(false);
    expect(m('[!]a]x', 'bx')).toBe(true);
    expect(m('[!]a]x', ']x')).toBe(false);
  });

  test('[!...] negates, ranges work, regex characters in a set are literal', () => {
    expect(m('file[!12].txt', 'file3.txt')).toBe(true);
    expect(m('file[!12].txt', 'file1.txt')).toBe(false);
    expect(m('v[0-9].log', 'v7.log')).toBe(true);
    expect(m('[\\^]x', '^x')).toBe(true);
    expect(m('[[]x', '[x')).toBe(true);
  });

  test('an unclosed [ is literal', () => {
    expect(m('a[b', 'a[b')).toBe(true);
  });

  test.each(['[z-a]', 'x[9-0].txt', '[!z-a]'])('%s is a usage error that names the pattern', (pattern) => {
    expect(() => glob(pattern)).toThrow(UsageError);
    expect(() => glob(pattern)).toThrow(`'${pattern}' is not a valid pattern`);
  });
});

test('the dialects differ only in what * and ? may cross', () => {
  expect(folderGlob('*.csv').test('d/a.csv')).toBe(false);
  expect(fnmatchGlob('*.csv').test('d/a.csv')).toBe(true);
  expect(folderGlob('a?b').test('a/b')).toBe(false);
  expect(fnmatchGlob('a?b').test('a/b')).toBe(true);
  expect(folderGlob('**/*.csv').test('d/e/a.csv')).toBe(true);
});
