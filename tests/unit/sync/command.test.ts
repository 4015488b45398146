// `s3-share assume-and-sync` in-process: option checks (exit 2 before any AWS call), the folder
// check (exit 1), filter order through the command line, and the dry-run output.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { main } from '../../../src/cli';
import { createProgress } from '../../../src/output/progress';
import { fakeIo } from '../support/fake-io';
import { CREDS } from '../support/run-cli';

const s3 = mockClient(S3Client);
const sts = mockClient(STSClient);

async function run(args: string[]) {
  const f = fakeIo(CREDS);
  const code = await main(['assume-and-sync', ...args], f.io);
  await new Promise((r) => setImmediate(r));
  return { code, stdout: f.out(), stderr: f.err() };
}

function tree(): string {
  const root = mkdtempSync(join(tmpdir(), 'cmd-'));
  mkdirSync(join(root, 'docs'));
  writeFileSync(join(root, 'docs/a.txt'), 'a');
  writeFileSync(join(root, 'docs/b.jpg'), 'b');
  writeFileSync(join(root, 'c.txt'), 'c');
  return root;
}

beforeEach(() => {
  s3.reset();
  sts.reset();
});

describe('usage errors: exit 2, one line, no AWS call', () => {
  test.each([
    [['--role-arn', 'arn:aws:iam::123:role/x'], /--role-arn arn:aws:iam::123:role\/x is not a role ARN/],
    [['--role-arn', 'arn:aws:iam::123456789012:user/alice'], /is not a role ARN/],
    [['--size-only', '--checksum'], /--size-only and --checksum conflict/],
    [['--session-name', 'abc'], /--session-name needs --role-arn/],
    [['--external-id', 'x'], /--external-id needs --role-arn/],
    [['--role-arn', 'arn:aws:iam::123456789012:role/r', '--session-name', 'has space'], /--session-name has space is not valid/],
    [['--role-arn', 'arn:aws:iam::123456789012:role/r', '--duration', '5m'], /--duration '5m' is not a duration/],
    [['--concurrency', '0'], /--concurrency must be a whole number/],
  ])('%j', async (extra, message) => {
    const r = await run([tree(), 's3://bkt/p', ...extra]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(message)]);
    expect(s3.calls()).toHaveLength(0);
    expect(sts.calls()).toHaveLength(0);
  });

  test('a destination that is no bucket', async () => {
    const r = await run([tree(), 's3://']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: s3:\/\/ is not a destination/);
  });
});

test('a missing folder: exit 1, one line, no AWS call', async () => {
  const r = await run([join(tree(), 'nope'), 'bkt/p']);
  expect(r.code).toBe(1);
  expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error: local folder .*nope does not exist: check the path/)]);
  expect(s3.calls()).toHaveLength(0);
});

test('a file instead of a folder: exit 1', async () => {
  const r = await run([join(tree(), 'c.txt'), 'bkt/p']);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/c\.txt is not a folder/);
});

describe('--dry-run through the command line', () => {
  test('--exclude then --include: the later filter wins; nothing is written; says it used own credentials', async () => {
    s3.on(ListObjectsV2Command).resolves({
      Contents: [
        { Key: 'p/old.txt', Size: 1, LastModified: new Date() },
        { Key: 'p/keep.jpg', Size: 1, LastModified: new Date() },
      ],
    });
    const r = await run([tree(), 'bkt/p', '--exclude', '*', '--include', '*.txt', '--delete', '--dry-run']);
    expect(r.code).toBe(0);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([
      { event: 'would-upload', key: 'p/c.txt', size: 1, reason: 'new' },
      { event: 'would-upload', key: 'p/docs/a.txt', size: 1, reason: 'new' },
      { event: 'would-delete', key: 'p/old.txt', size: 1 },
    ]);
    expect(r.stderr).toMatch(/no --role-arn given: syncing with your own credentials/);
    expect(r.stderr).toMatch(/dry run, nothing changed: s3:\/\/bkt\/p\/: 2 to upload \(2 B\), 0 unchanged, 1 to delete/);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(s3.commandCalls(ListObjectsV2Command)[0].args[0].input).toMatchObject({ Bucket: 'bkt', Prefix: 'p/' });
  });

  test('--include then --exclude: everything excluded', async () => {
    s3.on(ListObjectsV2Command).resolves({});
    const r = await run([tree(), 'bkt/p', '--include', '*.txt', '--exclude', '*', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
  });
});

describe('progress line', () => {
  test('redraws at most 10 times a second, and erases itself', () => {
    jest.useFakeTimers();
    try {
      let now = 0;
      const writes: string[] = [];
      const p = createProgress(
        { write: (s: string) => writes.push(s) } as unknown as NodeJS.WritableStream & import('node:stream').Writable,
        () => now,
      );
      p.setTotals(10, 10 * 1024 * 1024);
      for (let i = 0; i < 100; i++) {
        now += 15; // 100 updates over 1.5 s
        p.bytes((1024 * 1024) / 10);
        jest.advanceTimersByTime(15);
      }
      expect(writes.length).toBeGreaterThanOrEqual(13);
      expect(writes.length).toBeLessThanOrEqual(16);
      expect(writes[2]).toMatch(/ETA --:--$/);
      expect(writes[writes.length - 1]).toMatch(/^\r\x1b\[K0\/10 files {2}\d+\.\d MiB\/10\.0 MiB {2}[\d.]+ MiB\/s {2}ETA \d+:\d\d$/);
      p.stop();
      expect(writes[writes.length - 1]).toBe('\r\x1b[K');
    } finally {
      jest.useRealTimers();
    }
  });
});
