// debug-bucket runs in-process through main() with S3 mocked: the JSON object it prints, reads
// that are refused or not implemented reported in their field (exit 0), a missing bucket (exit 1),
// and every branch of the public-read verdict.
import {
  GetBucketAclCommand,
  GetBucketLocationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  GetBucketVersioningCommand,
  GetBucketWebsiteCommand,
  GetPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { publicReadVerdict, type PublicReadFacts } from '../../../src/policies/public-read';
import { awsError } from '../support/aws-error';
import { runCli } from '../support/run-cli';

const s3 = mockClient(S3Client);
const cli = (...args: string[]) => runCli(['debug-bucket', ...args]);

const OWNER = { ID: 'abc', DisplayName: 'me' };
const PRIVATE_ACL = {
  Owner: OWNER,
  Grants: [{ Grantee: { Type: 'CanonicalUser' as const, ID: 'abc' }, Permission: 'FULL_CONTROL' as const }],
};
const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
const ALL_GET = {
  Sid: 'AllowAllGetObject',
  Effect: 'Allow',
  Principal: '*',
  Action: ['s3:GetObject'],
  Resource: ['arn:aws:s3:::photos/*'],
};
const OFF = { BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false };
const ON = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };

beforeEach(() => {
  s3.reset();
  s3.on(GetBucketLocationCommand).resolves({});
  s3.on(GetBucketAclCommand).resolves(PRIVATE_ACL);
  s3.on(GetBucketPolicyStatusCommand).resolves({ PolicyStatus: { IsPublic: false } });
  s3.on(GetPublicAccessBlockCommand).resolves({ PublicAccessBlockConfiguration: ON });
  s3.on(GetBucketOwnershipControlsCommand).resolves({ OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } });
  s3.on(GetBucketWebsiteCommand).rejects(awsError('NoSuchWebsiteConfiguration', 404));
  s3.on(GetBucketVersioningCommand).resolves({});
  s3.on(GetBucketPolicyCommand).rejects(awsError('NoSuchBucketPolicy', 404));
});

describe('debug-bucket', () => {
  it('prints one JSON object with every setting, and the verdict on stderr too', async () => {
    const r = await cli('photos');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toEqual({
      Bucket: 'photos',
      Region: 'us-east-1',
      BucketAcl: PRIVATE_ACL,
      BucketPolicyStatus: { PolicyStatus: { IsPublic: false } },
      BucketPublicAccessBlock: { PublicAccessBlockConfiguration: ON },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      Website: null,
      Versioning: {},
      BucketPolicy: null,
      PubliclyReadable: false,
      Verdict: expect.stringMatching(
        /^photos is not publicly readable: it has no bucket policy and its ACL grants nothing to everyone; to make it public: /,
      ),
    });
    expect(r.stderr).toBe(`${out.Verdict}\n`);
  });

  it('shows the region, website, versioning and the stored policy as written', async () => {
    const text =
      '{"Version":"2012-10-17","Statement":[{"Sid":"K","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::photos/*","Condition":{"NumericLessThan":{"s3:max-keys":1.0}}}]}';
    s3.on(GetBucketPolicyCommand).resolves({ Policy: text });
    s3.on(GetBucketLocationCommand).resolves({ LocationConstraint: 'EU' });
    s3.on(GetBucketWebsiteCommand).resolves({ IndexDocument: { Suffix: 'index.html' } });
    s3.on(GetBucketVersioningCommand).resolves({ Status: 'Enabled' });
    const r = await cli('photos', '--nl');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toContain('"s3:max-keys":1.0');
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      Region: 'eu-west-1',
      Website: { IndexDocument: { Suffix: 'index.html' } },
      Versioning: { Status: 'Enabled' },
    });
    expect(out.BucketPolicy.Statement[0].Sid).toBe('K');
    expect(out.Verdict).toMatch(/no statement of its bucket policy lets anyone download objects/);
  });

  it('reads that are refused or not implemented are reported in their field, and the rest still printed (exit 0)', async () => {
    s3.on(GetBucketAclCommand).rejects(awsError('AccessDenied', 403, 'Access Denied'));
    s3.on(GetBucketPolicyStatusCommand).rejects(
      awsError('NotImplemented', 501, 'A header you provided implies functionality that is not implemented'),
    );
    s3.on(GetBucketOwnershipControlsCommand).rejects(awsError('AccessDenied', 403, 'Access Denied'));
    s3.on(GetPublicAccessBlockCommand).resolves({ PublicAccessBlockConfiguration: OFF });
    const r = await cli('photos');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.BucketAcl).toEqual({ Error: { Code: 'AccessDenied', Message: expect.stringMatching(/^access denied: /) } });
    expect(out.BucketPolicyStatus).toEqual({ Error: { Code: 'NotImplemented', Message: expect.stringMatching(/not implemented/) } });
    expect(out.Region).toBe('us-east-1');
    expect(out.PubliclyReadable).toBeNull();
    expect(out.Verdict).toMatch(/^cannot tell whether photos is public: it has no bucket policy, but its ACL could not be read/);
    expect(r.stderr).toMatch(/^warning: could not read BucketAcl: access denied/m);
    expect(r.stderr).toMatch(/^warning: could not read BucketPolicyStatus: /m);
    expect(r.stderr).toMatch(/^warning: could not read OwnershipControls: /m);
    expect(r.stderr).not.toMatch(/^error:/m);
  });

  it('a missing bucket is one error line, exit 1', async () => {
    for (const C of [GetBucketAclCommand, GetBucketLocationCommand, GetBucketPolicyCommand] as const) {
      s3.on(C as typeof GetBucketAclCommand).rejects(awsError('NoSuchBucket', 404));
    }
    const r = await cli('nope-bucket');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('error: bucket nope-bucket does not exist (NoSuchBucket): check the name and --region\n');
  });

  it('a public bucket: verdict on policy, exit 0', async () => {
    s3.on(GetBucketPolicyCommand).resolves({ Policy: JSON.stringify({ Version: '2012-10-17', Statement: [ALL_GET] }) });
    s3.on(GetBucketPolicyStatusCommand).resolves({ PolicyStatus: { IsPublic: true } });
    s3.on(GetPublicAccessBlockCommand).rejects(awsError('NoSuchPublicAccessBlockConfiguration', 404));
    const r = await cli('photos');
    const out = JSON.parse(r.stdout);
    expect(out.BucketPublicAccessBlock).toBeNull();
    expect(out.PubliclyReadable).toBe(true);
    expect(out.Verdict).toMatch(/^photos is publicly readable: its bucket policy lets anyone download objects \(AllowAllGetObject\)/);
  });

  it('bad input is exit 2 before any AWS call', async () => {
    const r = await cli('Not_A_Bucket');
    expect(r.code).toBe(2);
    expect(s3.calls()).toHaveLength(0);
    const twice = await cli('photos', '--nl', '--nl');
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/--nl was given 2 times/);
  });
});

describe('the public-read verdict, branch by branch', () => {
  const base: PublicReadFacts = {
    bucket: 'photos',
    policy: null,
    block: { ...OFF },
    ownership: 'ObjectWriter',
    aclGrants: PRIVATE_ACL.Grants,
  };
  const v = (f: Partial<PublicReadFacts>) => publicReadVerdict({ ...base, ...f });

  it.each<[string, Partial<PublicReadFacts>, boolean | null, RegExp]>([
    [
      'public policy, no block',
      { policy: [ALL_GET] },
      true,
      /^photos is publicly readable: its bucket policy lets anyone download objects \(AllowAllGetObject\); account-level/,
    ],
    ['public policy, no configuration at all', { policy: [ALL_GET], block: null }, true, /is publicly readable/],
    [
      'public policy, RestrictPublicBuckets',
      { policy: [ALL_GET], block: { ...OFF, RestrictPublicBuckets: true } },
      false,
      /is not publicly readable: .* but Block Public Access RestrictPublicBuckets limits it .*--restrict-public-buckets false$/,
    ],
    [
      'public policy, block unreadable',
      { policy: [ALL_GET], block: 'AccessDenied: no' },
      null,
      /^cannot tell .* Block Public Access settings could not be read \(AccessDenied: no\)$/,
    ],
    [
      'public policy that AWS says is not public',
      { policy: [ALL_GET], policyIsPublic: false },
      false,
      /no statement of its bucket policy lets anyone download/,
    ],
    [
      'policy unreadable',
      { policy: 'AccessDenied: x' },
      null,
      /^cannot tell whether photos is public: its bucket policy could not be read \(AccessDenied: x\): .*s3:GetBucketPolicy$/,
    ],
    ['policy unreadable, AWS says not public', { policy: 'AccessDenied: x', policyIsPublic: false }, false, /is not publicly readable/],
    [
      'ACL grants AllUsers READ',
      { aclGrants: [{ Grantee: { URI: ALL_USERS }, Permission: 'READ' }] },
      true,
      /^photos is publicly listable: its ACL grants AllUsers READ, so anyone can list its objects/,
    ],
    [
      'ACL grants AllUsers READ, IgnorePublicAcls on',
      { aclGrants: [{ Grantee: { URI: ALL_USERS }, Permission: 'READ' }], block: { ...OFF, IgnorePublicAcls: true } },
      false,
      /its ACL grants AllUsers READ but Block Public Access IgnorePublicAcls is on, so S3 ignores that grant/,
    ],
    [
      'ACL grants AllUsers READ, ACLs disabled',
      { aclGrants: [{ Grantee: { URI: ALL_USERS }, Permission: 'READ' }], ownership: 'BucketOwnerEnforced' },
      false,
      /but ACLs are disabled \(Object Ownership BucketOwnerEnforced\)/,
    ],
    ['ACL unreadable, ACLs enabled', { aclGrants: 'AccessDenied: y' }, null, /^cannot tell .* its ACL could not be read/],
    ['ACL unreadable, ACLs disabled', { aclGrants: 'AccessDenied: y', ownership: 'BucketOwnerEnforced' }, false, /ACLs are disabled/],
    [
      'nothing public, ACLs enabled',
      {},
      false,
      /^photos is not publicly readable: it has no bucket policy and its ACL grants nothing to everyone; ACLs are enabled \(Object Ownership ObjectWriter\), so single objects may still have public ACLs; to make it public: s3-share set-bucket-policy photos --allow-all-get$/,
    ],
    [
      'nothing public, BlockPublicPolicy on',
      { block: { ...OFF, BlockPublicPolicy: true, IgnorePublicAcls: true } },
      false,
      /--allow-all-get \(Block Public Access BlockPublicPolicy is on: turn it off first/,
    ],
  ])('%s', (_name, facts, readable, verdict) => {
    const r = v(facts);
    expect(r.publiclyReadable).toBe(readable);
    expect(r.verdict).toMatch(verdict);
    expect(r.verdict).not.toMatch(/\n/);
  });
});
