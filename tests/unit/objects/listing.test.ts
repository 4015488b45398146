import { GetUserPolicyCommand, IAMClient, ListUserPoliciesCommand } from '@aws-sdk/client-iam';
import { GetBucketLocationCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { listablePrefixes } from '../../../src/policies/prefix-grants';
import { listObjects, objectUrl } from '../../../src/services/objects/list';
import { awsError } from '../support/aws-error';
import { runCli } from '../support/run-cli';

const s3 = mockClient(S3Client);
const sts = mockClient(STSClient);
const iam = mockClient(IAMClient);
afterEach(() => {
  s3.reset();
  sts.reset();
  iam.reset();
});

const when = new Date('2026-01-02T03:04:05Z');
const obj = (Key: string, Size = 1) => ({ Key, Size, LastModified: when, ETag: '"e"', StorageClass: 'STANDARD' as const });

function twoPages() {
  s3.on(ListObjectsV2Command)
    .resolvesOnce({ Contents: [obj('a/1'), obj('a/2 b+c')], IsTruncated: true, NextContinuationToken: 't1' })
    .resolvesOnce({ Contents: [obj('a/3', 7)], IsTruncated: false });
}

test('listObjects follows continuation tokens and yields every object in order', async () => {
  twoPages();
  const keys: string[] = [];
  for await (const o of listObjects(new S3Client({}), { bucket: 'b', prefix: 'a/' })) keys.push(o.Key);
  expect(keys).toEqual(['a/1', 'a/2 b+c', 'a/3']);
  const calls = s3.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input);
  expect(calls).toHaveLength(2);
  expect(calls[1]).toEqual({ Bucket: 'b', Prefix: 'a/', MaxKeys: 1000, ContinuationToken: 't1' });
});

test.each([
  ['json', [], (out: string) => JSON.parse(out).map((o: { Key: string }) => o.Key)],
  [
    'nl',
    ['--nl'],
    (out: string) =>
      out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).Key),
  ],
  [
    'csv',
    ['--csv'],
    (out: string) =>
      out
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(',')[0]),
  ],
  [
    'tsv',
    ['--tsv'],
    (out: string) =>
      out
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split('\t')[0]),
  ],
])('list-bucket %s: every page, in order', async (_name, flags, keysOf) => {
  twoPages();
  const r = await runCli(['list-bucket', 'bkt', '--prefix', 'a/', ...flags]);
  expect(r.code).toBe(0);
  expect(keysOf(r.stdout)).toEqual(['a/1', 'a/2 b+c', 'a/3']);
});

test('list-bucket --csv: the header and a full row', async () => {
  twoPages();
  const r = await runCli(['list-bucket', 'bkt', '--csv']);
  expect(r.stdout.split('\n').slice(0, 2)).toEqual([
    'Key,Size,LastModified,ETag,StorageClass',
    'a/1,1,2026-01-02T03:04:05.000Z,"""e""",STANDARD',
  ]);
});

test('list-bucket --urls on AWS: virtual-hosted URLs in the bucket region (GetBucketLocation)', async () => {
  twoPages();
  s3.on(GetBucketLocationCommand).resolves({ LocationConstraint: 'ap-south-1' });
  const r = await runCli(['list-bucket', 'b-1', '--nl', '--urls']);
  expect(r.code).toBe(0);
  expect(
    r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).URL),
  ).toEqual([
    'https://b-1.s3.ap-south-1.amazonaws.com/a/1',
    'https://b-1.s3.ap-south-1.amazonaws.com/a/2%20b%2Bc',
    'https://b-1.s3.ap-south-1.amazonaws.com/a/3',
  ]);
});

test('list-bucket --urls: GetBucketLocation refused falls back to the region; --endpoint-url gives path-style', async () => {
  twoPages();
  s3.on(GetBucketLocationCommand).rejects(awsError('AccessDenied', 403));
  const r = await runCli(['list-bucket', 'b-1', '--nl', '--urls'], { env: { AWS_REGION: 'eu-west-1' } });
  expect(JSON.parse(r.stdout.split('\n')[0]!).URL).toBe('https://b-1.s3.eu-west-1.amazonaws.com/a/1');
  s3.reset();
  twoPages();
  const m = await runCli(['list-bucket', 'b-1', '--nl', '--urls', '--endpoint-url', 'http://127.0.0.1:9000/']);
  expect(JSON.parse(m.stdout.split('\n')[0]!).URL).toBe('http://127.0.0.1:9000/b-1/a/1');
});

test('objectUrl: dotted bucket names use the path style (the TLS certificate covers one label)', () => {
  expect(objectUrl('my.bucket', 'k', { region: 'us-east-1' })).toBe('https://s3.us-east-1.amazonaws.com/my.bucket/k');
  expect(objectUrl('b', 'ü/x y', { region: 'us-east-1' })).toBe('https://b.s3.us-east-1.amazonaws.com/%C3%BC/x%20y');
});

test('AccessDenied listing the whole bucket: the --prefix hint, and the folders when the user may read its policies', async () => {
  s3.on(ListObjectsV2Command).rejects(awsError('AccessDenied', 403));
  sts.on(GetCallerIdentityCommand).resolves({ Arn: 'arn:aws:iam::123456789012:user/clients/alice' });
  iam.on(ListUserPoliciesCommand, { UserName: 'alice' }).resolves({ PolicyNames: ['p'] });
  const doc = {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: 'arn:aws:s3:::bkt', Condition: { StringLike: { 's3:prefix': ['alice/*'] } } },
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::other', Condition: { StringLike: { 's3:prefix': 'x/*' } } },
    ],
  };
  iam.on(GetUserPolicyCommand).resolves({ PolicyDocument: encodeURIComponent(JSON.stringify(doc)) });
  const r = await runCli(['list-bucket', 'bkt']);
  expect(r.code).toBe(1);
  expect(r.stderr).toBe(
    'error: access denied listing the whole bucket bkt (AccessDenied): if your credentials are limited to a folder, pass --prefix FOLDER/; these credentials may list --prefix alice/\n',
  );
  expect(r.stdout).toBe('');
});

test('AccessDenied and the user may not read its policies: the hint alone', async () => {
  s3.on(ListObjectsV2Command).rejects(awsError('AccessDenied', 403));
  sts.on(GetCallerIdentityCommand).resolves({ Arn: 'arn:aws:iam::123456789012:user/alice' });
  iam.on(ListUserPoliciesCommand).rejects(awsError('AccessDenied', 403));
  const r = await runCli(['list-bucket', 'bkt']);
  expect(r.stderr).toMatch(/pass --prefix FOLDER\/\n$/);
});

test('AccessDenied with --prefix: the usual message naming s3:ListBucket', async () => {
  s3.on(ListObjectsV2Command).rejects(awsError('AccessDenied', 403));
  const r = await runCli(['list-bucket', 'bkt', '--prefix', 'bob/']);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/^error: access denied: .*\(AccessDenied\)/); // the action name is tested end to end
  expect(r.stderr).not.toMatch(/whole bucket/);
  expect(sts.calls()).toHaveLength(0);
});

test('listablePrefixes: only Allow statements for s3:ListBucket on that bucket', () => {
  const docs = [
    {
      Statement: [
        { Effect: 'Allow', Action: 's3:*', Resource: ['arn:aws:s3:::bkt'], Condition: { StringEquals: { 's3:prefix': ['', 'x/'] } } },
        { Effect: 'Deny', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::bkt', Condition: { StringLike: { 's3:prefix': 'no/*' } } },
        { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bkt', Condition: { StringLike: { 's3:prefix': 'no2/*' } } },
      ],
    },
  ];
  expect(listablePrefixes(docs, 'bkt')).toEqual(['x/']);
});

test('usage errors: bad bucket name, bad prefix, two formats', async () => {
  expect((await runCli(['list-bucket', 's3://b'])).code).toBe(2);
  expect((await runCli(['list-bucket', 'bkt', '--prefix', '../x'])).code).toBe(2);
  expect((await runCli(['list-bucket', 'bkt', '--nl', '--csv'])).code).toBe(2);
  expect(s3.calls()).toHaveLength(0);
});
