import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { registerPutObject, guessContentType } from '../../../src/commands/put-object';
import { Command } from 'commander';
import { PassThrough } from 'node:stream';
import { InterruptedError, UsageError } from '../../../src/errors';
import { fakeIo } from '../support/fake-io';
import { uploadMany } from '../../../src/services/transfer/upload-many';
import { folderKeyName, keyFor, planUploads } from '../../../src/services/objects/upload-plan';
import { awsError } from '../support/aws-error';
import { CREDS, runCli } from '../support/run-cli';

const MiB = 1024 * 1024;
const s3 = mockClient(S3Client);
beforeEach(() => {
  s3.on(PutObjectCommand).callsFake(async (input) => ({ ETag: `"etag-${input.Key}"` }));
});
afterEach(() => s3.reset());

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'put-'));
function tree(root: string, files: Record<string, string>): void {
  for (const [rel, body] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), body);
  }
}
const putKeys = () =>
  s3
    .commandCalls(PutObjectCommand)
    .map((c) => c.args[0].input.Key)
    .sort();

describe('key mapping (as s3-credentials put-objects)', () => {
  test.each([
    ['photos', 'photos'],
    ['photos/', 'photos'],
    ['./photos', 'photos'],
    ['/data/2024/photos//', 'photos'],
    ['a b/ünï cödé', 'ünï cödé'],
    ['.', ''],
    ['./', ''],
  ])('folder %s keeps the name %s as its first segment', (arg, name) => expect(folderKeyName(arg)).toBe(name));

  test('files keep their name; folders their name plus the relative path; --prefix goes first', () => {
    expect(keyFor('docs/a.txt', undefined)).toBe('a.txt');
    expect(keyFor('/abs/my report.pdf', undefined, 'alice/')).toBe('alice/my report.pdf');
    expect(keyFor('photos/', '2024/summer/ß ä.jpg')).toBe('photos/2024/summer/ß ä.jpg');
    expect(keyFor('photos', 'a.jpg', 'alice/')).toBe('alice/photos/a.jpg');
    expect(keyFor('.', 'x/y.txt', 'p/')).toBe('p/x/y.txt');
  });

  test('planUploads walks folders in name order, with sizes; nested, spaces and unicode', async () => {
    const root = tmp();
    tree(root, { 'photos/b.jpg': 'bb', 'photos/a dir/ça va.txt': 'ccc', 'photos/日本/写真.png': 'dddd', 'top.txt': 'x' });
    const plan = await planUploads([path.join(root, 'top.txt'), path.join(root, 'photos')], 'alice/');
    expect(plan.uploads.map((u) => [u.key, u.size])).toEqual([
      ['alice/top.txt', 1],
      ['alice/photos/a dir/ça va.txt', 3],
      ['alice/photos/b.jpg', 2],
      ['alice/photos/日本/写真.png', 4],
    ]);
    expect(plan.bytes).toBe(10);
    expect(plan.uploads[3].path).toBe(path.join(root, 'photos', '日本', '写真.png'));
  });

  test('a missing path, or two files for one key, is a usage error before anything is uploaded', async () => {
    const root = tmp();
    tree(root, { 'a/x.txt': '1', 'b/x.txt': '2' });
    await expect(planUploads([path.join(root, 'nope')])).rejects.toThrow(UsageError);
    await expect(planUploads([path.join(root, 'nope')])).rejects.toThrow(/does not exist/);
    await expect(planUploads([path.join(root, 'a/x.txt'), path.join(root, 'b/x.txt')])).rejects.toThrow(
      /would both be uploaded to the key x\.txt/,
    );
    // The same file named twice is uploaded once.
    const twice = await planUploads([path.join(root, 'a/x.txt'), path.join(root, 'a', '.', 'x.txt')]);
    expect(twice.uploads).toHaveLength(1);
  });
});

describe('put-objects', () => {
  test('uploads files and folders, one record per file (Bucket, Key, Size, ETag), Content-Type from the key', async () => {
    const root = tmp();
    tree(root, { 'site/index.html': '<h1>', 'site/img/logo.png': 'png', 'notes.unknownext': 'n' });
    const r = await runCli(['put-objects', 'web-bucket', path.join(root, 'site'), path.join(root, 'notes.unknownext'), '--prefix', 'v1']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/prefix v1 means the folder v1\//);
    expect(r.stderr).toMatch(/uploaded 3 of 3 file\(s\)/);
    const records = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(records.map((o) => o.Key).sort()).toEqual(['v1/notes.unknownext', 'v1/site/img/logo.png', 'v1/site/index.html']);
    expect(records.find((o) => o.Key === 'v1/site/index.html')).toEqual({
      Bucket: 'web-bucket',
      Key: 'v1/site/index.html',
      Size: 4,
      ETag: '"etag-v1/site/index.html"',
    });
    const types = Object.fromEntries(s3.commandCalls(PutObjectCommand).map((c) => [c.args[0].input.Key, c.args[0].input.ContentType]));
    expect(types).toEqual({
      'v1/site/index.html': 'text/html',
      'v1/site/img/logo.png': 'image/png',
      'v1/notes.unknownext': 'application/octet-stream',
    });
    expect(
      Buffer.from(
        s3.commandCalls(PutObjectCommand).find((c) => c.args[0].input.Key === 'v1/site/index.html')!.args[0].input.Body as Buffer,
      ).toString(),
    ).toBe('<h1>');
  });

  test('--dry-run lists the plan (no ETag) and uploads nothing', async () => {
    const root = tmp();
    tree(root, { 'd/a.txt': 'aa', 'd/sub/b c.txt': 'bbb' });
    const r = await runCli(['put-objects', 'bkt', path.join(root, 'd'), '--dry-run', '--nl']);
    expect(r.code).toBe(0);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([
      { Bucket: 'bkt', Key: 'd/a.txt', Size: 2 },
      { Bucket: 'bkt', Key: 'd/sub/b c.txt', Size: 3 },
    ]);
    expect(r.stderr).toMatch(/dry run, nothing uploaded: 2 file\(s\)/);
    expect(s3.calls()).toHaveLength(0);
  });

  test('a failing file does not stop the others; failures are listed at the end, exit 1', async () => {
    const root = tmp();
    tree(root, { 'd/1.txt': '1', 'd/2.txt': '2', 'd/3.txt': '3', 'd/4.txt': '4' });
    s3.on(PutObjectCommand, { Key: 'd/2.txt' }).rejects(awsError('AccessDenied', 403, 'not allowed to write d/2.txt'));
    const r = await runCli(['put-objects', 'bkt', path.join(root, 'd'), '--nl', '--concurrency', '2']);
    expect(r.code).toBe(1);
    expect(putKeys()).toEqual(['d/1.txt', 'd/2.txt', 'd/3.txt', 'd/4.txt']);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).Key)
        .sort(),
    ).toEqual(['d/1.txt', 'd/3.txt', 'd/4.txt']);
    expect(r.stderr).toMatch(/^error: \S+2\.txt -> s3:\/\/bkt\/d\/2\.txt: .*AccessDenied/m);
    expect(r.stderr).toMatch(/^error: 1 of 4 file\(s\) not uploaded/m);
  });

  test('usage errors (exit 2) before any AWS call: bad bucket, missing path, two files for one key', async () => {
    const root = tmp();
    tree(root, { 'a/x': '1', 'b/x': '2' });
    for (const args of [
      ['put-objects', 'Bad_Bucket', root],
      ['put-objects', 'bkt', path.join(root, 'missing')],
      ['put-objects', 'bkt', path.join(root, 'a/x'), path.join(root, 'b/x')],
      ['put-objects', 'bkt', root, '--prefix', '/abs'],
    ]) {
      const r = await runCli(args);
      expect([args, r.code]).toEqual([args, 2]);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(s3.calls()).toHaveLength(0);
  });

  test('uploadMany: an aborted signal starts nothing and reports aborted', async () => {
    const stop = new AbortController();
    stop.abort('SIGINT');
    const outcomes: unknown[] = [];
    const res = await uploadMany(
      new S3Client({ region: 'us-east-1' }),
      { bucket: 'b', uploads: [{ path: '/nonexistent', key: 'k', size: 1 }], concurrency: 2, signal: stop.signal },
      { outcome: (o) => outcomes.push(o) },
    );
    expect(res).toEqual({ aborted: true });
    expect(outcomes).toEqual([]);
    expect(s3.calls()).toHaveLength(0);
  });
});

describe('put-object', () => {
  test('a file: one PutObject, JSON {Bucket, Key, Size, ETag} on stdout, Content-Type from the key', async () => {
    const file = path.join(tmp(), 'page.bin');
    fs.writeFileSync(file, 'hello');
    const r = await runCli(['put-object', 'bkt', 'www/index.html', file]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ Bucket: 'bkt', Key: 'www/index.html', Size: 5, ETag: '"etag-www/index.html"' });
    const input = s3.commandCalls(PutObjectCommand)[0].args[0].input;
    expect(input).toMatchObject({ Bucket: 'bkt', Key: 'www/index.html', ContentType: 'text/html', ChecksumAlgorithm: 'CRC32' });
    expect(Buffer.from(input.Body as Buffer).toString()).toBe('hello');
  });

  test('Content-Type: --content-type wins; else the key, else the file, else octet-stream', async () => {
    expect(guessContentType('a.css', 'x.png')).toBe('text/css');
    expect(guessContentType('a', 'x.PNG')).toBe('image/png');
    expect(guessContentType('data', undefined)).toBe('application/octet-stream');
    const file = path.join(tmp(), 'x.json');
    fs.writeFileSync(file, '{}');
    const r = await runCli(['put-object', 'bkt', 'k', file, '--content-type', 'text/plain; charset=utf-8', '--nl']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('{"Bucket":"bkt","Key":"k","Size":2,"ETag":"\\"etag-k\\""}\n');
    expect(s3.commandCalls(PutObjectCommand)[0].args[0].input.ContentType).toBe('text/plain; charset=utf-8');
    const guessed = await runCli(['put-object', 'bkt', 'k2', file]);
    expect(guessed.code).toBe(0);
    expect(s3.commandCalls(PutObjectCommand)[1].args[0].input.ContentType).toBe('application/json');
  });

  test("stdin ('-'), small: one PutObject with the bytes", async () => {
    const r = await runCli(['put-object', 'bkt', 'notes.txt', '-'], { stdin: 'from a pipe\n' });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ Key: 'notes.txt', Size: 12 });
    const input = s3.commandCalls(PutObjectCommand)[0].args[0].input;
    expect(Buffer.from(input.Body as Buffer).toString()).toBe('from a pipe\n');
    expect(input.ContentType).toBe('text/plain');
  });

  test('stdin larger than one part: a streamed multipart upload of unknown length, parts in order', async () => {
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'up-1' });
    s3.on(UploadPartCommand).callsFake(async (input) => ({ ETag: `"p${input.PartNumber}"` }));
    s3.on(CompleteMultipartUploadCommand).resolves({ ETag: '"whole-2"' });
    const text = 'a'.repeat(8 * MiB) + 'tail';
    const r = await runCli(['put-object', 'bkt', 'big.log', '-'], { stdin: text });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ Bucket: 'bkt', Key: 'big.log', Size: 8 * MiB + 4, ETag: '"whole-2"' });
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    const parts = s3.commandCalls(UploadPartCommand).map((c) => [c.args[0].input.PartNumber, c.args[0].input.ContentLength]);
    expect(parts.sort()).toEqual([
      [1, 8 * MiB],
      [2, 4],
    ]);
    const complete = s3.commandCalls(CompleteMultipartUploadCommand)[0].args[0].input;
    expect(complete.MultipartUpload?.Parts?.map((p) => p.PartNumber)).toEqual([1, 2]);
    expect(s3.commandCalls(AbortMultipartUploadCommand)).toHaveLength(0);
  });

  test('a refused upload: exit 1, one line with the code', async () => {
    s3.on(PutObjectCommand).rejects(awsError('AccessDenied', 403, 'User is not authorized to perform: s3:PutObject'));
    const r = await runCli(['put-object', 'bkt', 'k', '-'], { stdin: 'x' });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/AccessDenied/);
  });

  test('usage errors (exit 2) before any AWS call: a folder, a missing file, a bad bucket, an empty key', async () => {
    const dir = tmp();
    const file = path.join(dir, 'f.txt');
    fs.writeFileSync(file, 'x');
    const cases: Array<[string[], RegExp]> = [
      [['put-object', 'bkt', 'k', dir], /is a folder: put-object uploads one file; use 's3-share put-objects/],
      [['put-object', 'bkt', 'k', path.join(dir, 'nope')], /does not exist/],
      [['put-object', 'Bad_Bucket', 'k', file], /bucket/i],
      [['put-object', 'bkt', '', file], /the key is empty/],
      [['put-object', 'bkt', 'k'.repeat(1025), file], /at most 1024 bytes/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(s3.calls()).toHaveLength(0);
  });

  test('Ctrl-C while stdin is still open: the multipart upload is aborted on S3, exit 130', async () => {
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: 'up-2' });
    s3.on(UploadPartCommand).callsFake(async (input) => ({ ETag: `"p${input.PartNumber}"` }));
    s3.on(AbortMultipartUploadCommand).resolves({});
    const f = fakeIo(CREDS);
    const stdin = new PassThrough();
    f.io.stdin = stdin;
    stdin.write(Buffer.alloc(8 * MiB + 10, 7)); // one full part, then the writer goes quiet
    const program = new Command('s3-share').exitOverride();
    registerPutObject(program, f.io);
    const run = program.parseAsync(['put-object', 'bkt', 'stream.bin', '-'], { from: 'user' });
    while (s3.commandCalls(UploadPartCommand).length === 0) await new Promise((r) => setTimeout(r, 5));
    f.interrupt('SIGINT');
    const err = await run.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InterruptedError);
    expect((err as InterruptedError).exitCode).toBe(130);
    expect((err as Error).message).toMatch(/multipart upload aborted/);
    expect(s3.commandCalls(AbortMultipartUploadCommand)).toHaveLength(1);
    expect(s3.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0);
    expect(stdin.destroyed).toBe(true);
  });
});
