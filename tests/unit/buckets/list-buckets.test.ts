import {
  GetBucketAclCommand,
  GetBucketLocationCommand,
  GetBucketWebsiteCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  ListBucketsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { listBuckets, regionFromLocation, websiteUrl } from '../../../src/services/buckets/list';

const s3Mock = mockClient(S3Client);
const s3 = new S3Client({ region: 'us-east-1' });

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

function awsError(name: string) {
  return Object.assign(new Error(name), { name, $metadata: {} });
}

beforeEach(() => {
  s3Mock.reset();
});

describe('listBuckets', () => {
  beforeEach(() => {
    s3Mock
      .on(ListBucketsCommand)
      .resolves({ Buckets: [{ Name: 'a', CreationDate: new Date('2024-01-01T00:00:00Z') }, { Name: 'b' }, { Name: 'c' }] });
  });

  it('lists every bucket, or only the named ones and reports the missing', async () => {
    expect((await all(listBuckets(s3, { concurrency: 2 }))).map((b) => b.Name)).toEqual(['a', 'b', 'c']);
    const missing: string[] = [];
    expect((await all(listBuckets(s3, { names: ['c', 'zz'], concurrency: 2 }, missing))).map((b) => b.Name)).toEqual(['c']);
    expect(missing).toEqual(['zz']);
    expect(s3Mock.commandCalls(GetBucketLocationCommand)).toHaveLength(0);
  });

  it('adds details, treating "no policy" and "no public access block" as answers', async () => {
    s3Mock.on(GetBucketLocationCommand).resolves({ LocationConstraint: 'eu-west-2' });
    s3Mock.on(GetBucketVersioningCommand).resolves({ Status: 'Enabled' });
    s3Mock.on(GetPublicAccessBlockCommand).rejects(awsError('NoSuchPublicAccessBlockConfiguration'));
    s3Mock.on(GetBucketPolicyCommand).rejects(awsError('NoSuchBucketPolicy'));
    s3Mock.on(GetBucketAclCommand).resolves({
      Owner: { ID: 'owner-id' },
      Grants: [{ Grantee: { Type: 'CanonicalUser', ID: 'owner-id' }, Permission: 'FULL_CONTROL' }],
    });
    s3Mock.on(GetBucketWebsiteCommand).rejects(awsError('NoSuchWebsiteConfiguration'));
    const [a] = await all(listBuckets(s3, { names: ['a'], details: true, concurrency: 4 }));
    expect(a).toEqual({
      Name: 'a',
      CreationDate: '2024-01-01T00:00:00.000Z',
      Region: 'eu-west-2',
      Versioning: 'Enabled',
      PublicAccessBlock: null,
      HasBucketPolicy: false,
      Acl: { Owner: { ID: 'owner-id' }, Grants: [{ Grantee: { Type: 'CanonicalUser', ID: 'owner-id' }, Permission: 'FULL_CONTROL' }] },
      Website: null,
    });
  });

  it('reports a detail it may not read instead of failing the listing', async () => {
    s3Mock.on(GetBucketLocationCommand).resolves({});
    s3Mock.on(GetBucketVersioningCommand).resolves({});
    s3Mock.on(GetPublicAccessBlockCommand).resolves({ PublicAccessBlockConfiguration: { BlockPublicAcls: true } });
    s3Mock.on(GetBucketPolicyCommand).rejects(awsError('AccessDenied'));
    s3Mock.on(GetBucketAclCommand).rejects(awsError('AccessDenied'));
    s3Mock.on(GetBucketWebsiteCommand).resolves({ IndexDocument: { Suffix: 'index.html' }, ErrorDocument: { Key: 'error.html' } });
    const [b] = await all(listBuckets(s3, { names: ['b'], details: true, concurrency: 4 }));
    expect(b).toMatchObject({
      Region: 'us-east-1',
      Versioning: 'Off',
      PublicAccessBlock: { BlockPublicAcls: true },
      DetailErrors: { HasBucketPolicy: 'AccessDenied', Acl: 'AccessDenied' },
      Website: { Url: 'http://b.s3-website-us-east-1.amazonaws.com/', IndexDocument: 'index.html', ErrorDocument: 'error.html' },
    });
    expect(b.HasBucketPolicy).toBeUndefined();
    expect(b.Acl).toBeUndefined();
  });

  it('keeps listing when a bucket is deleted while its details are read, and says so in its record', async () => {
    for (const command of [
      GetBucketLocationCommand,
      GetBucketVersioningCommand,
      GetPublicAccessBlockCommand,
      GetBucketPolicyCommand,
      GetBucketAclCommand,
      GetBucketWebsiteCommand,
    ])
      s3Mock.on(command).rejects(awsError('NoSuchBucket'));
    const [a] = await all(listBuckets(s3, { names: ['a'], details: true, concurrency: 4 }));
    expect(a!.DetailErrors).toEqual({
      Region: 'NoSuchBucket',
      Versioning: 'NoSuchBucket',
      PublicAccessBlock: 'NoSuchBucket',
      HasBucketPolicy: 'NoSuchBucket',
      Acl: 'NoSuchBucket',
      Website: 'NoSuchBucket',
    });
  });

  it('fails on errors that are not about one detail', async () => {
    s3Mock.on(GetBucketLocationCommand).rejects(awsError('ExpiredToken'));
    s3Mock.on(GetBucketVersioningCommand).resolves({});
    s3Mock.on(GetPublicAccessBlockCommand).resolves({});
    s3Mock.on(GetBucketPolicyCommand).resolves({});
    s3Mock.on(GetBucketAclCommand).resolves({});
    s3Mock.on(GetBucketWebsiteCommand).resolves({});
    await expect(all(listBuckets(s3, { details: true, concurrency: 2 }))).rejects.toThrow('ExpiredToken');
  });

  it('maps legacy LocationConstraint values', () => {
    expect(regionFromLocation(undefined)).toBe('us-east-1');
    expect(regionFromLocation('')).toBe('us-east-1');
    expect(regionFromLocation('EU')).toBe('eu-west-1');
    expect(regionFromLocation('ap-south-1')).toBe('ap-south-1');
  });
});

describe('websiteUrl', () => {
  test.each([
    ['us-east-1', 'http://site.s3-website-us-east-1.amazonaws.com/'],
    ['eu-west-1', 'http://site.s3-website-eu-west-1.amazonaws.com/'],
    ['ap-southeast-2', 'http://site.s3-website-ap-southeast-2.amazonaws.com/'],
    ['eu-central-1', 'http://site.s3-website.eu-central-1.amazonaws.com/'],
    ['us-east-2', 'http://site.s3-website.us-east-2.amazonaws.com/'],
    ['cn-north-1', 'http://site.s3-website.cn-north-1.amazonaws.com.cn/'],
  ])('%s: %s', (region, url) => expect(websiteUrl('site', region)).toBe(url));
});
