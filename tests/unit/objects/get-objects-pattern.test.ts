// get-objects -p/--pattern reads patterns as s3-credentials does (fnmatch: '*' crosses '/'), and
// --glob keeps s3-share's folder-bounded reading. Both filter the listing before any download.
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { runCli } from '../support/run-cli';

const s3 = mockClient(S3Client);
const KEYS = ['top.txt', 'a/b.txt', 'a/b/c.txt', 'a/d.csv', 'notes.txt.bak'];

beforeEach(() => {
  s3.reset();
  s3.on(ListObjectsV2Command).resolves({ Contents: KEYS.map((Key) => ({ Key })) });
  s3.on(GetObjectCommand).callsFake(() => ({ Body: Readable.from([Buffer.from('x')]) as never }));
});

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'pattern-'));
const fetched = () =>
  s3
    .commandCalls(GetObjectCommand)
    .map((c) => c.args[0].input.Key)
    .sort();

test.each([
  [
    ['-p', '*.txt'],
    ['a/b.txt', 'a/b/c.txt', 'top.txt'],
  ],
  [
    ['--pattern', '*.txt'],
    ['a/b.txt', 'a/b/c.txt', 'top.txt'],
  ],
  [
    ['-p', 'a/*'],
    ['a/b.txt', 'a/b/c.txt', 'a/d.csv'],
  ],
  [['-p', 'a/?.txt'], ['a/b.txt']],
  [
    ['-p', '[!a]*'],
    ['notes.txt.bak', 'top.txt'],
  ],
  [['--glob', '*.txt'], ['top.txt']],
  [
    ['--glob', '**/*.txt'],
    ['a/b.txt', 'a/b/c.txt', 'top.txt'],
  ],
  [
    ['--glob', 'a/*'],
    ['a/b.txt', 'a/d.csv'],
  ],
])('get-objects %j downloads %j', async (flags, expected) => {
  const r = await runCli(['get-objects', 'bkt', ...flags, '-o', tmp()]);
  expect(r.code).toBe(0);
  expect(fetched()).toEqual(expected);
});

test('-p and --glob together are a usage error, before any AWS call', async () => {
  const r = await runCli(['get-objects', 'bkt', '-p', '*.txt', '--glob', '*.txt', '-o', tmp()]);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^error: -p\/--pattern and --glob conflict: .*give one of them\n$/);
  expect(s3.calls()).toHaveLength(0);
});

test.each([['-p'], ['--glob']])('%s with a set that runs backwards is a usage error, before any AWS call', async (flag) => {
  const r = await runCli(['get-objects', 'bkt', flag, 'x[z-a]', '-o', tmp()]);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^error: 'x\[z-a\]' is not a valid pattern/);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(s3.calls()).toHaveLength(0);
});

test('-p given twice is refused, not silently narrowed to the last', async () => {
  const r = await runCli(['get-objects', 'bkt', '-p', '*.txt', '-p', '*.csv', '-o', tmp()]);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/-p\/--pattern was given 2 times/);
});
