// Bad input is refused before any AWS call, with words that name it: each case runs the whole
// program (in-process) with every client mocked, and checks that no client was called.
import { IAMClient } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/run-cli';

const iam = mockClient(IAMClient);
const s3 = mockClient(S3Client);
const sts = mockClient(STSClient);
afterEach(() => {
  iam.reset();
  s3.reset();
  sts.reset();
});

const dir = mkdtempSync(join(tmpdir(), 's3share-before-aws-'));
const file = join(dir, 'a.txt');
writeFileSync(file, 'a');

const SECRET = 'P\u00e4ssw\u00f6rd-Secret-123';

test.each([
  ['put-object key with ..', ['put-object', 'bkt', '../a.txt', file], /^error: key '\.\.\/a\.txt' has a '\.' or '\.\.' segment/],
  ['put-object key with a pasted space', ['put-object', 'bkt', ' a.txt', file], /^error: key ' a\.txt' starts with a space/],
  ['share --upload key with //', ['share', 'bkt', 'a//b', '--upload'], /^error: key 'a\/\/b' contains '\/\/'/],
  ['get-object -o empty', ['get-object', 'bkt', 'k', '-o', ''], /^error: --output is empty: give a file to write/],
  ['get-objects -o empty', ['get-objects', 'bkt', '-o', ''], /^error: --output is empty: give the folder to download into/],
  [
    'get-objects key that would leave the folder',
    ['get-objects', 'bkt', 'ok.txt', '../x', '-o', dir],
    /^error: key '\.\.\/x' cannot be written under .*: a '\.\.' segment \(path traversal\)/,
  ],
  ['get-objects absolute key', ['get-objects', 'bkt', '/etc/passwd', '-o', dir], /an absolute path \(path traversal\)/],
  ['delete-user name IAM never gives', ['delete-user', 'alice', 'bad name!'], /^error: user name 'bad name!' contains ' '/],
  ['list-bucket prefix with a pasted space', ['list-bucket', 'bkt', '--prefix', ' alice'], /^error: prefix ' alice' starts with a space/],
  [
    'sync destination with ..',
    ['assume-and-sync', dir, 's3://bkt/../x'],
    /^error: destination folder '\.\.\/x' of s3:\/\/bkt\/\.\.\/x has a '\.'/,
  ],
  ['create --prefix with a trailing space', ['create', 'bkt', '--prefix', 'alice '], /^error: prefix 'alice ' ends with a space/],
])('%s', async (_name, args, expected) => {
  const r = await runCli(args);
  expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: '' });
  expect(r.stderr).toMatch(expected);
  expect([...iam.calls(), ...s3.calls(), ...sts.calls()]).toHaveLength(0);
});

test('a console password outside printable ASCII is refused before AWS, and never echoed', async () => {
  const r = await runCli(['create', 'bkt', '--console', '--password', '-'], { stdin: `${SECRET}\n` });
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^error: the console password from stdin cannot be used: it contains a character outside printable ASCII/);
  expect(r.stderr).not.toContain(SECRET);
  expect(r.stderr).not.toContain('Secret-123');
  expect([...iam.calls(), ...s3.calls(), ...sts.calls()]).toHaveLength(0);
});

test('a console password over 4 KiB on stdin is refused without reading it all', async () => {
  const r = await runCli(['create', 'bkt', '--console', '--password', '-'], { stdin: 'x'.repeat(5000) });
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^error: --password - read more than 4,096 bytes from stdin/);
  expect([...iam.calls(), ...s3.calls(), ...sts.calls()]).toHaveLength(0);
});
