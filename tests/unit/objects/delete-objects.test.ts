import { DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { PassThrough } from 'node:stream';
import { confirmationNeeded } from '../../../src/commands/delete-objects';
import { canAsk, confirm } from '../../../src/output/confirm';
import { UsageError } from '../../../src/errors';
import { runCli } from '../support/run-cli';

const s3 = mockClient(S3Client);
afterEach(() => s3.reset());

function bucketWith(keys: string[]) {
  s3.on(ListObjectsV2Command).callsFake((input: { Prefix?: string; ContinuationToken?: string }) => {
    const matching = keys.filter((k) => k.startsWith(input.Prefix ?? ''));
    const start = Number(input.ContinuationToken ?? 0);
    const page = matching.slice(start, start + 1000);
    const next = start + 1000 < matching.length ? String(start + 1000) : undefined;
    return { Contents: page.map((Key) => ({ Key })), IsTruncated: !!next, NextContinuationToken: next };
  });
  s3.on(DeleteObjectsCommand).callsFake(() => ({ Errors: [] }));
}
const deletedBatches = () => s3.commandCalls(DeleteObjectsCommand).map((c) => c.args[0].input.Delete!.Objects!.map((o) => o.Key));

test('2,500 keys under a folder: three batched calls (1,000, 1,000, 500), never the sibling folder', async () => {
  const keys = Array.from({ length: 2500 }, (_, i) => `alice/${String(i).padStart(5, '0')}`);
  bucketWith([...keys, 'alice-evil/x', 'top.txt']);
  const r = await runCli(['delete-objects', 'bkt', '--prefix', 'alice', '--yes', '--nl']);
  expect(r.code).toBe(0);
  expect(deletedBatches().map((b) => b.length)).toEqual([1000, 1000, 500]);
  expect(deletedBatches().flat()).toEqual(keys);
  const records = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  expect(records).toHaveLength(2500);
  expect(records[0]).toEqual({ Bucket: 'bkt', Key: 'alice/00000' });
  expect(r.stderr).toMatch(/prefix alice means the folder alice\/; added the trailing slash/);
  expect(r.stderr).toMatch(/deleted 2500 of 2500 object\(s\) from s3:\/\/bkt\/alice\/\n$/);
});

test('named keys: deleted without a question, a JSON array; a refused key is an error line and exit 1', async () => {
  bucketWith([]);
  s3.on(DeleteObjectsCommand).resolves({ Errors: [{ Key: 'b', Code: 'AccessDenied', Message: 'Access Denied' }] });
  const r = await runCli(['delete-objects', 'bkt', 'a', 'b', 'a']);
  expect(r.code).toBe(1);
  expect(deletedBatches()).toEqual([['a', 'b']]);
  expect(JSON.parse(r.stdout)).toEqual([{ Bucket: 'bkt', Key: 'a' }]);
  expect(r.stderr).toMatch(/^error: s3:\/\/bkt\/b: access denied: these credentials may not call s3:DeleteObject \(AccessDenied\)$/m);
  expect(r.stderr).toMatch(/^error: 1 of 2 object\(s\) not deleted/m);
});

describe('confirmation', () => {
  test('--prefix off a terminal without --yes: usage error before any AWS call', async () => {
    bucketWith(['alice/1']);
    const r = await runCli(['delete-objects', 'bkt', '--prefix', 'alice/']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: --prefix deletes every object in the folder and this is not a terminal to confirm it: add --yes\n');
    expect(s3.calls()).toHaveLength(0);
  });

  test('on a terminal: asks with the count; y deletes', async () => {
    bucketWith(['alice/1', 'alice/2']);
    const r = await runCli(['delete-objects', 'bkt', '--prefix', 'alice/'], { tty: true, stdin: 'y\n' });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/Delete 2 object\(s\) under s3:\/\/bkt\/alice\/ \(alice\/1, alice\/2\)\? \[y\/N\] /);
    expect(deletedBatches()).toEqual([['alice/1', 'alice/2']]);
  });

  test.each(['n\n', '\n', '', 'yess\n'])('on a terminal: %j is no, nothing deleted, exit 1', async (answer) => {
    bucketWith(['alice/1']);
    const r = await runCli(['delete-objects', 'bkt', '--prefix', 'alice/'], { tty: true, stdin: answer });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: not confirmed: nothing was deleted\n$/);
    expect(deletedBatches()).toEqual([]);
  });

  test('--dry-run: the keys, no question, nothing deleted', async () => {
    bucketWith(['alice/1', 'alice/2']);
    const r = await runCli(['delete-objects', 'bkt', '--prefix', 'alice/', '--dry-run']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([
      { Bucket: 'bkt', Key: 'alice/1' },
      { Bucket: 'bkt', Key: 'alice/2' },
    ]);
    expect(deletedBatches()).toEqual([]);
  });

  test('an empty folder: nothing to delete, an empty list', async () => {
    bucketWith(['bob/1']);
    const r = await runCli(['delete-objects', 'bkt', '--prefix', 'alice/', '--yes']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
    expect(deletedBatches()).toEqual([]);
  });

  test('confirmationNeeded decision table', () => {
    const tty = { stdinIsTTY: true, stderrIsTTY: true };
    const pipe = { stdinIsTTY: false, stderrIsTTY: true };
    expect(confirmationNeeded({}, pipe)).toBe(false);
    expect(confirmationNeeded({ prefix: 'a/', yes: true }, pipe)).toBe(false);
    expect(confirmationNeeded({ prefix: 'a/', dryRun: true }, pipe)).toBe(false);
    expect(confirmationNeeded({ prefix: 'a/' }, tty)).toBe(true);
    expect(() => confirmationNeeded({ prefix: 'a/' }, pipe)).toThrow(UsageError);
    expect(canAsk({ stdinIsTTY: true, stderrIsTTY: false })).toBe(false);
  });

  test('confirm reads one line; YES in capitals counts', async () => {
    const stdin = new PassThrough();
    const stderr = new PassThrough();
    const answer = confirm({ stdin, stderr }, 'Go?');
    stdin.write('YES\nmore\n');
    await expect(answer).resolves.toBe(true);
    expect(stderr.read().toString()).toBe('Go? [y/N] ');
  });
});

test('usage errors: neither keys nor --prefix, both, bad bucket', async () => {
  for (const args of [['bkt'], ['bkt', 'k', '--prefix', 'a/'], ['Bkt', 'k'], ['bkt', '--prefix', '/abs']]) {
    const r = await runCli(['delete-objects', ...args]);
    expect(r.code).toBe(2);
  }
  expect(s3.calls()).toHaveLength(0);
});
