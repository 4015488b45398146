import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyFor, parseDestination } from '../../../src/services/sync/destination';
import { compileFilters, isIncluded, type Filter } from '../../../src/services/sync/filters';
import { fnmatchGlob as globToRegExp } from '../../../src/services/transfer/globs';
import { walkFiles, type LocalFile, type WalkIssue } from '../../../src/services/transfer/local-walk';
import type { RemoteObject } from '../../../src/services/sync/remote-listing';
import { checksumStrategy, sizeAndMtime, sizeOnly, type UploadReason } from '../../../src/services/sync/strategy';
import { isRoleArn, isSessionName, randomSessionName } from '../../../src/services/credentials/role-session';

const T = Date.parse('2026-01-01T10:00:00Z');
const local = (size: number, mtimeMs: number): LocalFile => ({ path: '/x', relativePath: 'x', size, mtimeMs });
const remote = (size: number, lastModifiedMs: number, etag?: string): RemoteObject => ({
  key: 'p/x',
  relativeKey: 'x',
  size,
  lastModifiedMs,
  etag,
});

describe('sync strategies (decision tables)', () => {
  const cases: Array<[string, LocalFile, RemoteObject | undefined, UploadReason | undefined, UploadReason | undefined]> = [
    // name, local, remote, size-and-mtime, size-only
    ['missing remotely', local(5, T), undefined, 'new', 'new'],
    ['size differs', local(5, T), remote(6, T), 'size', 'size'],
    ['local newer by a second', local(5, T + 1000), remote(5, T), 'newer', undefined],
    ['local older', local(5, T - 5000), remote(5, T), undefined, undefined],
    ['same second, local later within it (S3 lists whole seconds)', local(5, T + 999), remote(5, T), undefined, undefined],
    ['same second, local earlier', local(5, T + 10), remote(5, T + 900), undefined, undefined],
    ['empty file on both sides', local(0, T), remote(0, T), undefined, undefined],
  ];
  test.each(cases)('%s', async (_name, l, r, byMtime, bySize) => {
    expect(await sizeAndMtime.decide(l, r)).toBe(byMtime);
    expect(await sizeOnly.decide(l, r)).toBe(bySize);
  });

  test('checksum: compares the local ETag, reading nothing when sizes differ', async () => {
    const etagOf = jest.fn(async () => 'abcdefabcdefabcdefabcdefabcdefab');
    const s = checksumStrategy(etagOf);
    expect(await s.decide(local(5, T), undefined)).toBe('new');
    expect(await s.decide(local(5, T), remote(6, T, '"abcdefabcdefabcdefabcdefabcdefab"'))).toBe('size');
    expect(etagOf).not.toHaveBeenCalled();
    expect(await s.decide(local(5, T + 99_000), remote(5, T, '"abcdefabcdefabcdefabcdefabcdefab"'))).toBeUndefined();
    expect(await s.decide(local(5, T - 99_000), remote(5, T, '"00000000000000000000000000000000"'))).toBe('checksum');
    // An ETag that is no MD5 (SSE-KMS) cannot be compared: upload.
    expect(await s.decide(local(5, T), remote(5, T, '"not-an-md5"'))).toBe('checksum');
  });
});

describe('filters (aws-cli semantics)', () => {
  const included = (path: string, ...filters: Filter[]) => isIncluded(path, compileFilters(filters));
  const ex = (pattern: string): Filter => ({ type: 'exclude', pattern });
  const inc = (pattern: string): Filter => ({ type: 'include', pattern });

  test('* crosses /, ? is one character, sets work, the rest is literal', () => {
    expect(globToRegExp('*.txt').test('a/b/c.txt')).toBe(true);
    expect(globToRegExp('logs/*').test('logs/2024/x.log')).toBe(true);
    expect(globToRegExp('?.md').test('a.md')).toBe(true);
    expect(globToRegExp('?.md').test('ab.md')).toBe(false);
    expect(globToRegExp('[ab].txt').test('b.txt')).toBe(true);
    expect(globToRegExp('[!ab].txt').test('b.txt')).toBe(false);
    expect(globToRegExp('a+b (1).txt').test('a+b (1).txt')).toBe(true);
    expect(globToRegExp('a.txt').test('abtxt')).toBe(false);
    expect(globToRegExp('*.txt').test('a.txt.bak')).toBe(false);
  });

  test('later filters win; everything starts included', () => {
    expect(included('a.txt')).toBe(true);
    expect(included('a.txt', ex('*'))).toBe(false);
    expect(included('a.txt', ex('*'), inc('*.txt'))).toBe(true);
    expect(included('a.txt', inc('*.txt'), ex('*'))).toBe(false);
    expect(included('dir/a.jpg', ex('*'), inc('*.txt'))).toBe(false);
    expect(included('logs/x', ex('logs/*'))).toBe(false);
    expect(included('logs-old/x', ex('logs/*'))).toBe(true);
  });
});

describe('destination and keys', () => {
  test.each([
    ['s3://bkt', { bucket: 'bkt', prefix: '' }],
    ['s3://bkt/', { bucket: 'bkt', prefix: '' }],
    ['s3://bkt/dest', { bucket: 'bkt', prefix: 'dest/' }],
    ['s3://bkt/dest/', { bucket: 'bkt', prefix: 'dest/' }],
    ['bkt/a/b', { bucket: 'bkt', prefix: 'a/b/' }],
    ['my.bucket-1', { bucket: 'my.bucket-1', prefix: '' }],
  ])('%s', (text, expected) => expect(parseDestination(text)).toEqual(expected));

  test.each(['', 's3://', 's3:///x', 'b', 'bad bucket/x', 'http://bkt/x'])('rejects %j', (text) => {
    expect(parseDestination(text)).toBeUndefined();
  });

  test('keys are prefix + posix relative path, unicode, spaces and + kept as they are', () => {
    const dest = parseDestination('s3://bkt/dest')!;
    expect(keyFor(dest, 'sub dir/a b+c ü.txt')).toBe('dest/sub dir/a b+c ü.txt');
    expect(keyFor(parseDestination('bkt')!, 'x')).toBe('x');
  });
});

describe('local walk', () => {
  const tree = () => {
    const root = mkdtempSync(join(tmpdir(), 'walk-'));
    mkdirSync(join(root, 'sub dir/deeper'), { recursive: true });
    writeFileSync(join(root, 'a b+c ü.txt'), 'x');
    writeFileSync(join(root, 'empty'), '');
    writeFileSync(join(root, 'sub dir/deeper/f'), 'deep');
    return root;
  };
  const walk = async (root: string, followSymlinks = true) => {
    const issues: WalkIssue[] = [];
    const files: string[] = [];
    for await (const f of walkFiles(root, { followSymlinks, onIssue: (i) => issues.push(i) })) files.push(f.relativePath);
    return { files, issues };
  };

  test('lists nested files with / separators, unicode names and empty files', async () => {
    expect((await walk(tree())).files).toEqual(['a b+c ü.txt', 'empty', 'sub dir/deeper/f']);
  });

  test('follows links by default, never into a loop; --no-follow-symlinks skips them', async () => {
    const root = tree();
    symlinkSync(join(root, 'sub dir'), join(root, 'sub dir/deeper/loop')); // back to an ancestor
    symlinkSync(join(root, 'sub dir/deeper'), join(root, 'alias')); // not a loop
    symlinkSync(join(root, 'empty'), join(root, 'link-to-file'));
    symlinkSync(join(root, 'nowhere'), join(root, 'broken'));
    const followed = await walk(root);
    expect(followed.files).toEqual(['a b+c ü.txt', 'alias/f', 'empty', 'link-to-file', 'sub dir/deeper/f']);
    expect(followed.issues.map((i) => `${i.kind} ${i.relativePath}`).sort()).toEqual([
      'broken-link broken',
      'loop alias/loop/deeper',
      'loop sub dir/deeper/loop',
    ]);
    const skipped = await walk(root, false);
    expect(skipped.files).toEqual(['a b+c ü.txt', 'empty', 'sub dir/deeper/f']);
    expect(skipped.issues).toEqual([]);
  });
});

describe('role ARN and session name', () => {
  test.each([
    ['arn:aws:iam::123456789012:role/uploader', true],
    ['arn:aws-cn:iam::123456789012:role/path/to/uploader', true],
    ['arn:aws-us-gov:iam::123456789012:role/a+b=c,d.e@f-g_h', true],
    ['arn:aws:iam::12345678901:role/short-account', false],
    ['arn:aws:iam::123456789012:user/alice', false],
    ['arn:aws:sts::123456789012:role/x', false],
    ['arn:aws-eu:iam::123456789012:role/x', false],
    ['arn:aws:iam::123456789012:role/', false],
    ['arn:aws:iam::123456789012:role/bad name', false],
    ['uploader', false],
  ])('%s -> %s', (arn, ok) => expect(isRoleArn(arn)).toBe(ok));

  test('random session names are valid and differ', () => {
    const a = randomSessionName();
    expect(isSessionName(a)).toBe(true);
    expect(a).not.toBe(randomSessionName());
    expect(isSessionName('x')).toBe(false);
    expect(isSessionName('a'.repeat(65))).toBe(false);
    expect(isSessionName('has space')).toBe(false);
  });
});
