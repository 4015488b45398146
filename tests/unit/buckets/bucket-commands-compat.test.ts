// Every invocation form that s3-credentials 0.17 documents for set-bucket-policy and debug-bucket
// (its --help: the examples and each option, the shared AWS options included) is accepted by
// s3-share and does what s3-credentials does: on a bucket without a policy, the policy stored is
// the one s3-credentials would store.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetBucketAclCommand,
  GetBucketLocationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  GetBucketVersioningCommand,
  GetBucketWebsiteCommand,
  GetPublicAccessBlockCommand,
  PutBucketPolicyCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { awsError } from '../support/aws-error';
import { runMain } from '../support/fake-io';

const s3 = mockClient(S3Client);
let dir: string;
// What s3_credentials/policies.py bucket_policy_allow_all_get returns for my-bucket.
const S3_CREDENTIALS_ALLOW_ALL_GET = {
  Version: '2012-10-17',
  Statement: [
    { Sid: 'AllowAllGetObject', Effect: 'Allow', Principal: '*', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::my-bucket/*'] },
  ],
};
const FILE_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'Partner',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111122223333:root' },
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::my-bucket/*',
    },
  ],
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'compat-'));
  writeFileSync(join(dir, 'policy.json'), JSON.stringify(FILE_POLICY, null, 4));
  writeFileSync(join(dir, 'auth.json'), JSON.stringify({ AccessKeyId: 'AKIAFROMFILE', SecretAccessKey: 'file-secret' }));
  writeFileSync(join(dir, 'auth.ini'), '[default]\naws_access_key_id = AKIAINI\naws_secret_access_key = ini-secret\n');
});

beforeEach(() => {
  s3.reset();
  s3.on(GetBucketPolicyCommand).rejects(awsError('NoSuchBucketPolicy', 404));
  s3.on(GetPublicAccessBlockCommand).rejects(awsError('NoSuchPublicAccessBlockConfiguration', 404));
  s3.on(PutBucketPolicyCommand).resolves({});
  s3.on(GetBucketAclCommand).resolves({ Owner: { ID: 'o' }, Grants: [] });
  s3.on(GetBucketLocationCommand).resolves({});
  s3.on(GetBucketPolicyStatusCommand).resolves({ PolicyStatus: {} });
  s3.on(GetBucketOwnershipControlsCommand).rejects(awsError('OwnershipControlsNotFoundError', 404));
  s3.on(GetBucketWebsiteCommand).rejects(awsError('NoSuchWebsiteConfiguration', 404));
  s3.on(GetBucketVersioningCommand).resolves({});
});

const ENV = { AWS_ACCESS_KEY_ID: 'AKIATEST', AWS_SECRET_ACCESS_KEY: 'unit-secret', AWS_REGION: 'us-east-1' };
const AUTH_FORMS: Array<[string, string[], Record<string, string>]> = [
  ['environment keys', [], ENV],
  [
    '--access-key/--secret-key/--session-token',
    ['--access-key', 'AKIAX', '--secret-key', 'sk', '--session-token', 'tok'],
    { AWS_REGION: 'us-east-1' },
  ],
  ['--endpoint-url', ['--endpoint-url', 'http://127.0.0.1:9'], ENV],
  ['-a auth.json', ['-a', 'AUTH_JSON'], { AWS_REGION: 'us-east-1' }],
  ['--auth auth.ini', ['--auth', 'AUTH_INI'], { AWS_REGION: 'us-east-1' }],
];
const withFiles = (args: string[]) =>
  args.map((a) =>
    a === 'AUTH_JSON' ? join(dir, 'auth.json') : a === 'AUTH_INI' ? join(dir, 'auth.ini') : a === 'POLICY' ? join(dir, 'policy.json') : a,
  );

describe.each(AUTH_FORMS)('with %s', (_name, auth, env) => {
  it('s3-credentials set-bucket-policy my-bucket --allow-all-get: the same policy is stored', async () => {
    const r = await runMain(['set-bucket-policy', 'my-bucket', '--allow-all-get', ...withFiles(auth)], { env });
    expect(r.code).toBe(0);
    const puts = s3.commandCalls(PutBucketPolicyCommand);
    expect(puts).toHaveLength(1);
    expect(JSON.parse(puts[0]!.args[0].input.Policy!)).toEqual(S3_CREDENTIALS_ALLOW_ALL_GET);
  });

  it('s3-credentials set-bucket-policy my-bucket --policy-file policy.json: the file is stored', async () => {
    const r = await runMain(
      ['set-bucket-policy', 'my-bucket', '--policy-file', 'POLICY', ...auth].map((a) => withFiles([a])[0]!),
      { env },
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(s3.commandCalls(PutBucketPolicyCommand)[0]!.args[0].input.Policy!)).toEqual(FILE_POLICY);
  });

  it('s3-credentials debug-bucket my-bucket: the ACL, policy status and public access block are printed', async () => {
    const r = await runMain(['debug-bucket', 'my-bucket', ...withFiles(auth)], { env });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ BucketAcl: { Grants: [] }, BucketPolicyStatus: { PolicyStatus: {} }, BucketPublicAccessBlock: null });
  });
});

it('--policy-file=policy.json (click accepts the = form too)', async () => {
  const r = await runMain(['set-bucket-policy', 'my-bucket', `--policy-file=${join(dir, 'policy.json')}`], { env: ENV });
  expect(r.code).toBe(0);
  expect(s3.commandCalls(PutBucketPolicyCommand)).toHaveLength(1);
});
