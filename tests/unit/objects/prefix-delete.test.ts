import { DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { DELETE_BATCH } from '../../../src/services/objects/batch-delete';
import { grantedPrefixes } from '../../../src/policies/prefix-grants';
import { deletePrefixObjects } from '../../../src/services/objects/prefix-delete';

const doc = (...Statement: Record<string, unknown>[]) => ({ Version: '2012-10-17', Statement });
const allow = (Action: unknown, Resource: unknown) => ({ Effect: 'Allow', Action, Resource });

describe('grantedPrefixes', () => {
  test('folders from object ARNs; bucket ARNs and non-S3 resources are skipped', () => {
    const scan = grantedPrefixes([
      doc(
        allow('s3:ListBucket', 'arn:aws:s3:::b'),
        allow(['s3:GetObject', 's3:PutObject'], ['arn:aws:s3:::b/alice/*', 'arn:aws:s3:::c/x/y/*']),
      ),
      doc(allow('sts:AssumeRole', 'arn:aws:iam::123456789012:role/r'), allow('s3:GetObject', 'arn:aws:s3:::b/alice/*')),
    ]);
    expect(scan).toEqual({
      targets: [
        { Bucket: 'b', Prefix: 'alice/' },
        { Bucket: 'c', Prefix: 'x/y/' },
      ],
      refusals: [],
    });
  });

  test('a folder inside a granted folder is covered by it', () => {
    expect(grantedPrefixes([doc(allow('s3:*', ['arn:aws:s3:::b/a/*', 'arn:aws:s3:::b/a/b/*']))]).targets).toEqual([
      { Bucket: 'b', Prefix: 'a/' },
    ]);
  });

  test('Deny statements do not count', () => {
    expect(grantedPrefixes([doc({ Effect: 'Deny', Action: 's3:*', Resource: 'arn:aws:s3:::b/*' })])).toEqual({ targets: [], refusals: [] });
  });

  test.each([
    ['arn:aws:s3:::b/*', /grants the whole bucket b/],
    ['arn:aws:s3:::b/', /grants the whole bucket b/],
    ['arn:aws:s3:::b*/alice/*', /wildcard in the bucket name/],
    ['arn:aws:s3:::*', /wildcard in the bucket name/],
    ['arn:aws:s3:::b/alice/*/x/*', /wildcard inside the prefix/],
    ['arn:aws:s3:::b/al?ce/*', /wildcard inside the prefix/],
    ['arn:aws:s3:::b/alice*', /not a folder/],
    ['*', /Resource "\*" grants every bucket/],
  ])('refuses %s', (resource, why) => {
    const scan = grantedPrefixes([doc(allow('s3:GetObject', 'arn:aws:s3:::ok/fine/*'), allow('s3:GetObject', resource))]);
    expect(scan.refusals).toHaveLength(1);
    expect(scan.refusals[0]).toMatch(why);
  });

  test('refuses NotResource and "*" actions on "*"', () => {
    expect(grantedPrefixes([doc({ Effect: 'Allow', Action: 's3:*', NotResource: 'arn:aws:s3:::b/x/*' })]).refusals).toHaveLength(1);
    expect(grantedPrefixes([doc(allow('*', '*'))]).refusals).toHaveLength(1);
    // a non-S3 action on "*" grants no objects
    expect(grantedPrefixes([doc(allow('sts:GetCallerIdentity', '*'))]).refusals).toEqual([]);
  });
});

describe('deletePrefixObjects', () => {
  const s3Mock = mockClient(S3Client);
  afterEach(() => s3Mock.reset());

  test('lists with the folder prefix and deletes in batches of 1,000', async () => {
    const keys = Array.from({ length: 2500 }, (_, i) => `alice/${i}`);
    s3Mock.on(ListObjectsV2Command).callsFake(async ({ ContinuationToken }) => {
      const start = Number(ContinuationToken ?? 0);
      const page = keys.slice(start, start + 1000);
      const next = start + 1000;
      return {
        Contents: page.map((Key) => ({ Key })),
        IsTruncated: next < keys.length,
        NextContinuationToken: next < keys.length ? String(next) : undefined,
      };
    });
    s3Mock.on(DeleteObjectsCommand).resolves({});
    const n = await deletePrefixObjects(new S3Client({}), { Bucket: 'b', Prefix: 'alice/' });
    expect(n).toBe(2500);
    expect(s3Mock.commandCalls(ListObjectsV2Command)[0]!.args[0].input).toMatchObject({ Bucket: 'b', Prefix: 'alice/' });
    const batches = s3Mock.commandCalls(DeleteObjectsCommand).map((c) => c.args[0].input.Delete!.Objects!.length);
    expect(batches).toEqual([DELETE_BATCH, DELETE_BATCH, 500]);
  });

  test('per-key errors from DeleteObjects fail with a count', async () => {
    s3Mock.on(ListObjectsV2Command).resolves({ Contents: [{ Key: 'alice/a' }, { Key: 'alice/b' }] });
    s3Mock.on(DeleteObjectsCommand).resolves({ Errors: [{ Key: 'alice/b', Code: 'AccessDenied', Message: 'Access Denied' }] });
    await expect(deletePrefixObjects(new S3Client({}), { Bucket: 'b', Prefix: 'alice/' })).rejects.toMatchObject({
      message: expect.stringMatching(
        /1 object\(s\) under s3:\/\/b\/alice\/ were not deleted, e.g. alice\/b: Access Denied \(AccessDenied\)/,
      ),
      deleted: 1,
    });
  });

  test('refuses a prefix that is not a folder', async () => {
    await expect(deletePrefixObjects(new S3Client({}), { Bucket: 'b', Prefix: 'alice' })).rejects.toThrow(/must end in '\/'/);
    expect(s3Mock.calls()).toHaveLength(0);
  });
});
