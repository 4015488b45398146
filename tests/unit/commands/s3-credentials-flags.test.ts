// s3-credentials' short flags work on the same commands: -f/--format and -d/--duration on create,
// -s/--silent everywhere. A script written for s3-credentials must not fail on its syntax.
import { GetRoleCommand, GetUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { awsError } from '../support/aws-error';
import { runCli } from '../support/run-cli';

const iam = mockClient(IAMClient);
const sts = mockClient(STSClient);
const s3 = mockClient(S3Client);

beforeEach(() => {
  iam.reset();
  sts.reset();
  s3.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/admin', UserId: 'AID' });
  s3.on(HeadBucketCommand).resolves({});
  iam.on(GetRoleCommand).rejects(awsError('NoSuchEntityException', 404));
  iam.on(GetUserCommand).rejects(awsError('NoSuchEntityException', 404));
});

type Step = { operation: string; input: Record<string, unknown> };

test('create B -f ini -d 15m is create --format ini --duration 15m', async () => {
  const short = await runCli(['create', 'photos', '-f', 'ini', '-d', '15m', '--read-only', '--dry-run']);
  const long = await runCli(['create', 'photos', '--format', 'ini', '--duration', '15m', '--read-only', '--dry-run']);
  expect(short.code).toBe(0);
  expect(short.stdout).toBe(long.stdout);
  const plan = JSON.parse(short.stdout) as Step[];
  expect(plan.find((s) => s.operation === 'AssumeRole')!.input.DurationSeconds).toBe(900);
  expect(plan.find((s) => s.operation === 'DeliverCredentials')!.input).toMatchObject({ Format: 'ini' });
});

test('-s is --silent: nothing on stderr but errors', async () => {
  const loud = await runCli(['create', 'photos', '--read-only', '--dry-run']);
  expect(loud.code).toBe(0);
  expect(loud.stderr).not.toBe('');
  const quiet = await runCli(['create', 'photos', '--read-only', '--dry-run', '-s']);
  expect(quiet.code).toBe(0);
  expect(quiet.stderr).toBe('');
  expect((await runCli(['policy', 'photos', '-s', '--read-only'])).stderr).toBe('');
});

test('-f with a format that does not exist is a usage error that lists the formats', async () => {
  const r = await runCli(['create', 'photos', '-f', 'yaml']);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/--format yaml is not a credentials format: use one of json, ini, env, csv, text, credential-process/);
});

test('--help lists the formats as choices', async () => {
  const help = (await runCli(['create', '--help'])).stdout.replace(/\s+/g, ' ');
  expect(help).toContain('choices: "json", "ini", "env", "csv", "text", "credential-process"');
});
