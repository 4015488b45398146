import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { downloadToFile, keyTarget } from '../../../src/services/objects/download';
import { folderGlob as globToRegExp } from '../../../src/services/transfer/globs';
import { awsError } from '../support/aws-error';
import { runCli } from '../support/run-cli';

const s3 = mockClient(S3Client);
afterEach(() => s3.reset());
const body = (text: string | Buffer) => ({ Body: Readable.from([Buffer.from(text)]) as never });
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'dl-'));

describe('keyTarget: the path traversal guard', () => {
  const dir = '/data/out';
  test.each([
    ['a.txt', '/data/out/a.txt'],
    ['a/b/c.txt', '/data/out/a/b/c.txt'],
    ['a/./b', '/data/out/a/b'],
    ['a//b', '/data/out/a/b'],
    ['..a/b..', '/data/out/..a/b..'],
    ['a\\b.txt', '/data/out/a\\b.txt'],
  ])('%s is written to %s', (key, expected) => {
    expect(keyTarget(dir, key)).toEqual({ kind: 'file', path: expected });
  });
  test.each([
    ['../x', /'\.\.' segment/],
    ['a/../../x', /'\.\.' segment/],
    ['a/../b', /'\.\.' segment/],
    ['..', /'\.\.' segment/],
    ['/etc/passwd', /absolute path/],
    ['\\etc\\passwd', /absolute path/],
    ['C:\\x', /absolute path/],
    ['c:x', /absolute path/],
    ['a\\..\\..\\x', /'\.\.' segment/],
    ['.', /outside the directory/],
    ['./', null],
    ['a\0b', /not a usable file name/],
  ])('%s is refused', (key, reason) => {
    const t = keyTarget(dir, key);
    if (reason === null) expect(t).toEqual({ kind: 'folder' });
    else expect(t).toMatchObject({ kind: 'refused', reason: expect.stringMatching(reason) });
  });
  test.each(['folder/', 'a/b/', '../'])('%s is a folder marker, skipped', (key) => expect(keyTarget(dir, key)).toEqual({ kind: 'folder' }));
});

test('globToRegExp', () => {
  const m = (g: string, k: string) => globToRegExp(g).test(k);
  expect(m('*.csv', 'a.csv')).toBe(true);
  expect(m('*.csv', 'd/a.csv')).toBe(false);
  expect(m('**/*.csv', 'a.csv')).toBe(true);
  expect(m('**/*.csv', 'd/e/a.csv')).toBe(true);
  expect(m('d/**', 'd/e/f')).toBe(true);
  expect(m('file?.txt', 'file1.txt')).toBe(true);
  expect(m('file[12].txt', 'file3.txt')).toBe(false);
  expect(m('file[!12].txt', 'file3.txt')).toBe(true);
  expect(m('a.b(c)+', 'a.b(c)+')).toBe(true);
  expect(m('a.b', 'axb')).toBe(false);
});

test('downloadToFile: a failing stream leaves no file and no temporary file', async () => {
  const dir = tmp();
  const broken = new Readable({
    read() {
      this.push(Buffer.from('half'));
      this.destroy(new Error('connection reset'));
    },
  });
  s3.on(GetObjectCommand).resolves({ Body: broken as never });
  await expect(downloadToFile(new S3Client({}), { bucket: 'bkt', key: 'k' }, path.join(dir, 'f'))).rejects.toThrow(/connection reset/);
  expect(fs.readdirSync(dir)).toEqual([]);
});

test('get-objects: traversal keys refused and reported, the rest downloaded, exit 1, nothing outside DIR', async () => {
  const base = tmp();
  const dir = path.join(base, 'out');
  s3.on(ListObjectsV2Command).resolves({
    Contents: ['../evil.txt', 'a/../../evil2.txt', '/etc/passwd', 'C:\\x', 'folder/', 'ok/a.txt', 'ok/./b.txt'].map((Key) => ({
      Key,
      Size: 1,
    })),
  });
  s3.on(GetObjectCommand).callsFake((input: { Key: string }) => body(`body of ${input.Key}`));
  const r = await runCli(['get-objects', 'bkt', '-o', dir, '--concurrency', '2']);
  expect(r.code).toBe(1);
  const errors = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
  expect(errors).toEqual([
    "error: s3://bkt/../evil.txt: refused, a '..' segment (path traversal): not written",
    "error: s3://bkt/a/../../evil2.txt: refused, a '..' segment (path traversal): not written",
    'error: s3://bkt//etc/passwd: refused, an absolute path (path traversal): not written',
    'error: s3://bkt/C:\\x: refused, an absolute path (path traversal): not written',
    'error: 4 of 7 object(s) not downloaded (4 refused): see the messages above',
  ]);
  expect(fs.readFileSync(path.join(dir, 'ok', 'a.txt'), 'utf8')).toBe('body of ok/a.txt');
  expect(fs.readFileSync(path.join(dir, 'ok', 'b.txt'), 'utf8')).toBe('body of ok/./b.txt');
  expect(fs.readdirSync(base)).toEqual(['out']);
  expect(
    s3
      .commandCalls(GetObjectCommand)
      .map((c) => c.args[0].input.Key)
      .sort(),
  ).toEqual(['ok/./b.txt', 'ok/a.txt']);
});

test('get-objects: a symbolic link inside DIR that leads out is refused', async () => {
  const base = tmp();
  const dir = path.join(base, 'out');
  fs.mkdirSync(path.join(base, 'elsewhere'));
  fs.mkdirSync(dir);
  fs.symlinkSync(path.join(base, 'elsewhere'), path.join(dir, 'link'));
  s3.on(GetObjectCommand).callsFake(() => body('x'));
  const r = await runCli(['get-objects', 'bkt', 'link/x.txt', 'fine.txt', '-o', dir]);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/link\/x\.txt: refused, .* through a symbolic link \(path traversal\)/);
  expect(fs.readdirSync(path.join(base, 'elsewhere'))).toEqual([]);
  expect(fs.readFileSync(path.join(dir, 'fine.txt'), 'utf8')).toBe('x');
});

test('get-objects: existing files are kept without --force (exit 1), replaced with it; one failure does not stop the rest', async () => {
  const dir = tmp();
  fs.writeFileSync(path.join(dir, 'a.txt'), 'old');
  s3.on(GetObjectCommand).callsFake((input: { Key: string }) => body(`new ${input.Key}`));
  s3.on(GetObjectCommand, { Key: 'gone.txt' }).rejects(
    Object.assign(awsError('NoSuchKey', 403, 'The specified key does not exist.'), { $metadata: { httpStatusCode: 404 } }),
  );
  const r = await runCli(['get-objects', 'bkt', 'a.txt', 'gone.txt', 'b.txt', '-o', dir]);
  expect(r.code).toBe(1);
  expect(fs.readFileSync(path.join(dir, 'a.txt'), 'utf8')).toBe('old');
  expect(fs.readFileSync(path.join(dir, 'b.txt'), 'utf8')).toBe('new b.txt');
  expect(r.stderr).toMatch(/a\.txt already exists: not replaced \(add --force to replace it\)/);
  expect(r.stderr).toMatch(/error: s3:\/\/bkt\/gone\.txt: The specified key does not exist \(NoSuchKey/);
  const forced = await runCli(['get-objects', 'bkt', 'a.txt', '-o', dir, '--force']);
  expect(forced.code).toBe(0);
  expect(fs.readFileSync(path.join(dir, 'a.txt'), 'utf8')).toBe('new a.txt');
});

test('get-objects --glob filters the listing within folders; keys and --prefix together are a usage error', async () => {
  const dir = tmp();
  s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: 'r/a.csv' }, { Key: 'r/b.txt' }, { Key: 'r/s/c.csv' }] });
  s3.on(GetObjectCommand).callsFake(() => body('x'));
  const r = await runCli(['get-objects', 'bkt', '--prefix', 'r', '--glob', 'r/*.csv', '-o', dir]);
  expect(r.code).toBe(0);
  expect(s3.commandCalls(ListObjectsV2Command)[0]!.args[0].input.Prefix).toBe('r/');
  expect(s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input.Key)).toEqual(['r/a.csv']);
  expect((await runCli(['get-objects', 'bkt', 'k', '--prefix', 'r/'])).code).toBe(2);
});

test('get-object: binary bytes to stdout unchanged', async () => {
  const bytes = Buffer.from([0, 255, 10, 13, 0x80, 0xfe]);
  s3.on(GetObjectCommand).resolves(body(bytes));
  const chunks: Buffer[] = [];
  const { fakeIo } = await import('../support/fake-io');
  const { main } = await import('../../../src/cli');
  const f = fakeIo({ AWS_ACCESS_KEY_ID: 'A', AWS_SECRET_ACCESS_KEY: 'B' });
  f.io.stdout.on('data', (c: Buffer) => chunks.push(c));
  expect(await main(['get-object', 'bkt', 'k.bin'], f.io)).toBe(0);
  expect(Buffer.concat(chunks)).toEqual(bytes);
});
