// Reading the account for `access`: GetAccountAuthorizationDetails across pages, an attached
// policy the listing left out, ListBuckets and each bucket's policy; refusals recorded as
// incomplete rather than read as empty; the snapshot file's round trip and mode.
import { mkdtempSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { GetAccountAuthorizationDetailsCommand, GetPolicyCommand, GetPolicyVersionCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetBucketPolicyCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { loadSnapshot, saveSnapshot, takeSnapshot } from '../../../src/services/access/snapshot';
import { awsError } from '../support/aws-error';

const iamMock = mockClient(IAMClient);
const s3Mock = mockClient(S3Client);
const stsMock = mockClient(STSClient);
const clients = () => ({
  iam: new IAMClient({ region: 'us-east-1' }),
  s3: new S3Client({ region: 'us-east-1' }),
  sts: new STSClient({ region: 'us-east-1' }),
});
const silent = { info: () => {}, warn: () => {} };
const doc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] };

beforeEach(() => {
  iamMock.reset();
  s3Mock.reset();
  stsMock.reset();
  stsMock.on(GetCallerIdentityCommand).resolves({ Account: '111122223333', Arn: 'arn:aws:iam::111122223333:user/me' });
});

describe('takeSnapshot', () => {
  it('reads every page, fetches an attached policy the listing left out, and each bucket policy', async () => {
    iamMock
      .on(GetAccountAuthorizationDetailsCommand)
      .resolvesOnce({
        IsTruncated: true,
        Marker: 'm1',
        UserDetailList: [
          {
            UserName: 'alice',
            Arn: 'arn:aws:iam::111122223333:user/alice',
            UserPolicyList: [{ PolicyName: 's3-share.read-only', PolicyDocument: encodeURIComponent(JSON.stringify(doc)) }],
            AttachedManagedPolicies: [{ PolicyName: 'ReadOnly', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnly' }],
            GroupList: ['team'],
            Tags: [{ Key: 's3-share:made-by', Value: 's3-share/1.0.0' }],
            PermissionsBoundary: {
              PermissionsBoundaryArn: 'arn:aws:iam::111122223333:policy/edge',
              PermissionsBoundaryType: 'PermissionsBoundaryPolicy',
            },
          },
        ],
      })
      .resolvesOnce({
        IsTruncated: false,
        RoleDetailList: [{ RoleName: 'r', Arn: 'arn:aws:iam::111122223333:role/r', RolePolicyList: [], AttachedManagedPolicies: [] }],
        GroupDetailList: [{ GroupName: 'team', GroupPolicyList: [], AttachedManagedPolicies: [] }],
        Policies: [
          {
            Arn: 'arn:aws:iam::111122223333:policy/edge',
            PolicyName: 'edge',
            DefaultVersionId: 'v1',
            PolicyVersionList: [{ VersionId: 'v1', IsDefaultVersion: true, Document: encodeURIComponent(JSON.stringify(doc)) }],
          },
        ],
      });
    iamMock.on(GetPolicyCommand).resolves({ Policy: { DefaultVersionId: 'v3', AttachmentCount: 1 } });
    iamMock.on(GetPolicyVersionCommand).resolves({ PolicyVersion: { Document: encodeURIComponent(JSON.stringify(doc)) } });
    s3Mock.on(ListBucketsCommand).resolves({ Buckets: [{ Name: 'b1' }, { Name: 'b2' }, { Name: 'b3' }] });
    s3Mock.on(GetBucketPolicyCommand, { Bucket: 'b1' }).resolves({ Policy: JSON.stringify(doc) });
    s3Mock.on(GetBucketPolicyCommand, { Bucket: 'b2' }).rejects(awsError('NoSuchBucketPolicy', 404));
    s3Mock.on(GetBucketPolicyCommand, { Bucket: 'b3' }).rejects(awsError('AccessDenied', 403));

    const s = await takeSnapshot(clients(), { buckets: [], concurrency: 4, now: new Date('2026-12-04T00:00:00Z') }, silent);
    expect(iamMock.commandCalls(GetAccountAuthorizationDetailsCommand)[1]!.args[0].input).toMatchObject({ Marker: 'm1' });
    expect(s.account).toBe('111122223333');
    expect(s.principals.map((p) => `${p.kind} ${p.name}`)).toEqual(['user alice', 'role r']);
    expect(s.principals[0]).toMatchObject({
      inline: [{ name: 's3-share.read-only', document: doc }],
      managed: ['arn:aws:iam::aws:policy/ReadOnly'],
      groups: ['team'],
      boundary: 'arn:aws:iam::111122223333:policy/edge',
    });
    expect(s.policies.map((p) => p.arn).sort()).toEqual(['arn:aws:iam::111122223333:policy/edge', 'arn:aws:iam::aws:policy/ReadOnly']);
    expect(s.buckets).toEqual([
      { name: 'b1', policy: doc },
      { name: 'b2', policy: null },
      { name: 'b3', policy: null, error: 'AccessDenied' },
    ]);
    expect(s.incomplete).toEqual([]);
  });

  it('refusals are recorded, not read as an empty account', async () => {
    iamMock.on(GetAccountAuthorizationDetailsCommand).rejects(awsError('AccessDenied', 403));
    s3Mock.on(ListBucketsCommand).rejects(awsError('AccessDenied', 403));
    s3Mock.on(GetBucketPolicyCommand).resolves({});
    const warnings: string[] = [];
    const s = await takeSnapshot(clients(), { buckets: ['named'], concurrency: 2 }, { info: () => {}, warn: (m) => warnings.push(m) });
    expect(s.incomplete).toEqual([
      'GetAccountAuthorizationDetails was refused (AccessDenied): no user, role or group of the account is shown',
      'ListBuckets was refused (AccessDenied): only the named buckets are shown',
    ]);
    expect(warnings).toHaveLength(2);
    expect(s.buckets).toEqual([{ name: 'named', policy: null }]);
  });
});

describe('snapshot file', () => {
  it('round-trips, written readable by its owner alone', async () => {
    iamMock.on(GetAccountAuthorizationDetailsCommand).resolves({ UserDetailList: [] });
    s3Mock.on(ListBucketsCommand).resolves({ Buckets: [] });
    const s = await takeSnapshot(clients(), { buckets: [], concurrency: 2 }, silent);
    const file = join(mkdtempSync(join(tmpdir(), 'access-snap-')), 'account.json');
    writeFileSync(file, 'old', { mode: 0o644 });
    await saveSnapshot(file, s);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    await expect(loadSnapshot(file)).resolves.toEqual(s);
  });
});
