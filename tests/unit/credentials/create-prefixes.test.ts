// create with several --prefix values (s3-credentials issue 56), through the CLI with mocked AWS:
// one inline policy covering every folder, and a refusal before any AWS call when the folders do
// not fit, naming how many do.
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  GetAccountPasswordPolicyCommand,
  GetUserCommand,
  IAMClient,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import type { PolicyDocument } from '../../../src/policies/documents';
import { awsError } from '../support/aws-error';
import { create, runCli } from '../support/run-cli';

const iam = mockClient(IAMClient);
const s3 = mockClient(S3Client);
const sts = mockClient(STSClient);
const ACCOUNT = '123456789012';

beforeEach(() => {
  iam.reset();
  s3.reset();
  sts.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/admin`, UserId: 'AID' });
  s3.on(HeadBucketCommand).resolves({});
  iam.on(GetUserCommand).rejects(awsError('NoSuchEntityException', 404));
  iam.on(GetAccountPasswordPolicyCommand).rejects(awsError('NoSuchEntityException', 404));
  iam
    .on(CreateUserCommand)
    .resolves({ User: { UserName: 'u', Arn: `arn:aws:iam::${ACCOUNT}:user/u`, UserId: 'U', Path: '/', CreateDate: new Date() } });
  iam.on(CreateAccessKeyCommand).resolves({
    AccessKey: { UserName: 'u', AccessKeyId: 'AKIANEW', SecretAccessKey: 'S'.repeat(40), Status: 'Active', CreateDate: new Date() },
  });
});

const folders = (n: number) => Array.from({ length: n }, (_, i) => ['--prefix', `folder-${i + 1}/`]).flat();

it('two --prefix values: one inline policy whose ListBucket and object statements name both folders', async () => {
  const r = await create(['photos', '--read-only', '--prefix', 'alice', '--prefix', 'team/shared/', '--username', 'u']);
  expect(r.code).toBe(0);
  expect(r.stderr).toContain('prefix alice means the folder alice/; added the trailing slash');
  const puts = iam.commandCalls(PutUserPolicyCommand);
  expect(puts).toHaveLength(1);
  const doc = JSON.parse(puts[0]!.args[0].input.PolicyDocument!) as PolicyDocument;
  const list = doc.Statement.find((s) => s.Sid === 'ListPrefix')!;
  expect(list.Condition).toEqual({ StringLike: { 's3:prefix': ['alice/*', 'team/shared/*'] } });
  const read = doc.Statement.find((s) => s.Sid === 'ReadObjectsInPrefix')!;
  expect(read.Resource).toEqual(['arn:aws:s3:::photos/alice/*', 'arn:aws:s3:::photos/team/shared/*']);
});

it('more folders than a user inline policy holds: a usage error naming how many fit, before any AWS call', async () => {
  const r = await create(['photos', ...folders(40), '--username', 'u']);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(
    /^error: the policy for 40 prefixes is [\d,]+ characters \(not counting whitespace\), over the 2,048-character limit of a user's inline policies: only 2\d of the 40 prefixes fit \(the first 2\d, folder-1\/ to folder-2\d\/\); give the others to a second set of credentials\n$/,
  );
  expect([...iam.calls(), ...s3.calls(), ...sts.calls()]).toHaveLength(0);
});

it('--duration holds the folders to the session policy limit, and says so', async () => {
  const r = await create(['photos', ...folders(40), '--duration', '1h']);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/over the 2,048-character limit of a session policy \(temporary credentials\): only \d+ of the 40 prefixes fit/);
  expect(sts.calls()).toHaveLength(0);
});

it('policy: over a user inline budget only warns (a managed policy holds it), naming how many would fit inline', async () => {
  const r = await runCli(['policy', 'photos', ...folders(40), '--nl']);
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout).Statement).toHaveLength(3);
  expect(r.stderr).toMatch(
    /^warning: the policy for 40 prefixes is .*: only \d+ of the 40 prefixes fit .*; as printed, it fits only a managed policy\n$/,
  );
});

it('policy: over the managed limit too, a usage error naming how many fit', async () => {
  const r = await runCli(['policy', 'photos', ...folders(200)]);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(
    /^error: the policy for 200 prefixes is .* over the 6,144-character limit of a managed policy: only \d+ of the 200 prefixes fit/,
  );
});

it('policy: when not even one of the folders fits inline, it still warns, with the general advice', async () => {
  const buckets = Array.from({ length: 20 }, (_, i) => `bucket-number-${i + 10}`);
  const r = await runCli(['policy', ...buckets, '--prefix', 'alice/', '--prefix', 'bob/', '--nl']);
  expect(r.code).toBe(0);
  expect(r.stderr).toMatch(
    /^warning: the policy is [\d,]+ characters .* it fits only a managed policy; share fewer buckets per user to fit\n$/,
  );
});
