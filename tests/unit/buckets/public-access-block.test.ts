// get-public-access-block and set-public-access-block run in-process through main() with S3
// mocked: settings not given keep their value, the booleans click accepts, what is refused
// before any call, and the rollback create --public shares.
import {
  DeletePublicAccessBlockCommand,
  GetBucketPolicyCommand,
  GetPublicAccessBlockCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { parseBoolean } from '../../../src/commands/set-public-access-block';
import { planSetPublicAccessBlock } from '../../../src/services/buckets/public-access-block';
import { publicBucketSteps } from '../../../src/services/buckets/public-website';
import { awsError } from '../support/aws-error';
import { runCli } from '../support/run-cli';

const s3 = mockClient(S3Client);
const cli = (...args: string[]) => runCli(args);
const puts = () => s3.commandCalls(PutPublicAccessBlockCommand);
const ALL_ON = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };
const ALL_OFF = { BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false };

beforeEach(() => {
  s3.reset();
  s3.on(PutPublicAccessBlockCommand).resolves({});
  s3.on(DeletePublicAccessBlockCommand).resolves({});
  s3.on(GetPublicAccessBlockCommand).resolves({ PublicAccessBlockConfiguration: ALL_ON });
});

describe('parseBoolean', () => {
  it.each(['true', 'TRUE', 't', 'Yes', 'y', '1', 'on', 'ON', ' true '])('%j is true', (v) => expect(parseBoolean('--x')(v)).toBe(true));
  it.each(['false', 'False', 'f', 'no', 'N', '0', 'off', 'OFF'])('%j is false', (v) => expect(parseBoolean('--x')(v)).toBe(false));
  it.each(['', 'maybe', '2', 'truee', 'nope'])('%j is a usage error', (v) =>
    expect(() => parseBoolean('--x')(v)).toThrow(
      expect.objectContaining({ exitCode: 2, message: `--x '${v}' is not true or false: use true/false, yes/no, 1/0 or on/off` }),
    ),
  );
});

describe('set-public-access-block', () => {
  it('changes the settings given and keeps the others, putting all four', async () => {
    const r = await cli('set-public-access-block', 'photos', '--block-public-acls', 'false');
    expect(r.code).toBe(0);
    const next = { ...ALL_ON, BlockPublicAcls: false };
    expect(puts()).toHaveLength(1);
    expect(puts()[0]!.args[0].input).toEqual({ Bucket: 'photos', PublicAccessBlockConfiguration: next });
    expect(JSON.parse(r.stdout)).toEqual({ Bucket: 'photos', PublicAccessBlockConfiguration: next, Previous: ALL_ON });
    expect(r.stderr).not.toMatch(/warning|public$/);
  });

  it('a bucket with no settings starts from all four off', async () => {
    s3.on(GetPublicAccessBlockCommand).rejects(awsError('NoSuchPublicAccessBlockConfiguration', 404));
    const r = await cli('set-public-access-block', 'photos', '--block-public-policy', 'yes');
    expect(r.code).toBe(0);
    expect(puts()[0]!.args[0].input.PublicAccessBlockConfiguration).toEqual({ ...ALL_OFF, BlockPublicPolicy: true });
    expect(JSON.parse(r.stdout).Previous).toBeNull();
  });

  it('settings already as asked change nothing and say so', async () => {
    const r = await cli('set-public-access-block', 'photos', '--block-public-acls', 'on', '--restrict-public-buckets', '1');
    expect(r.code).toBe(0);
    expect(puts()).toHaveLength(0);
    expect(r.stderr).toMatch(/nothing to change: bucket photos already has these Block Public Access settings/);
  });

  it('--allow-public-access turns all four off and warns on stderr', async () => {
    const r = await cli('set-public-access-block', 'photos', '--allow-public-access');
    expect(r.code).toBe(0);
    expect(puts()[0]!.args[0].input.PublicAccessBlockConfiguration).toEqual(ALL_OFF);
    expect(r.stderr).toMatch(/Block Public Access is now off for bucket photos: a bucket policy or ACL may now make it public/);
  });

  it('--dry-run prints what it would put and puts nothing', async () => {
    const r = await cli('set-public-access-block', 'photos', '--allow-public-access', '--dry-run');
    expect(r.code).toBe(0);
    expect(puts()).toHaveLength(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ DryRun: true, PublicAccessBlockConfiguration: ALL_OFF });
    expect(out.Plan[0]).toMatchObject({
      operation: 'PutPublicAccessBlock',
      input: { Bucket: 'photos', PublicAccessBlockConfiguration: ALL_OFF },
    });
    expect(r.stderr).toMatch(/would be off/);
  });

  it.each([
    [[], /^error: nothing to set: give at least one of --block-public-acls/],
    [['--ignore-public-acls', 'maybe'], /^error: --ignore-public-acls 'maybe' is not true or false/],
    [
      ['--allow-public-access', '--restrict-public-buckets', 'false'],
      /^error: --allow-public-access turns every setting off, so it cannot be combined with --restrict-public-buckets/,
    ],
    [['--block-public-acls'], /^error: option '--block-public-acls <bool>' argument missing/],
  ])('%j is a usage error before any AWS call', async (args, message) => {
    const r = await cli('set-public-access-block', 'photos', ...args);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(s3.calls()).toHaveLength(0);
  });

  it('a rollback restores the previous settings, or removes the ones it put', async () => {
    const plan = await planSetPublicAccessBlock(new S3Client({}), 'photos', { BlockPublicAcls: false });
    await plan.steps[0]!.undo!(undefined)!.run();
    expect(puts().at(-1)!.args[0].input.PublicAccessBlockConfiguration).toEqual(ALL_ON);
    s3.on(GetPublicAccessBlockCommand).rejects(awsError('NoSuchPublicAccessBlockConfiguration', 404));
    const fresh = await planSetPublicAccessBlock(new S3Client({}), 'photos', { BlockPublicAcls: true });
    await fresh.steps[0]!.undo!(undefined)!.run();
    expect(s3.commandCalls(DeletePublicAccessBlockCommand)).toHaveLength(1);
  });
});

describe('create --public shares the reading and restoring', () => {
  it('restores the settings the bucket had, and has nothing to restore when it had none', async () => {
    s3.on(GetBucketPolicyCommand).rejects(awsError('NoSuchBucketPolicy', 404));
    const opts = { public: true, website: false, created: new Set<string>() };
    const [turnOff] = await publicBucketSteps(new S3Client({}), ['photos'], opts);
    expect(turnOff!.operation).toBe('DeletePublicAccessBlock');
    await turnOff!.undo!(undefined)!.run();
    expect(puts()[0]!.args[0].input).toEqual({ Bucket: 'photos', PublicAccessBlockConfiguration: ALL_ON });
    s3.on(GetPublicAccessBlockCommand).rejects(awsError('NoSuchPublicAccessBlockConfiguration', 404));
    const [again] = await publicBucketSteps(new S3Client({}), ['photos'], opts);
    expect(again!.undo!(undefined)).toBeUndefined();
  });
});

describe('get-public-access-block', () => {
  it('prints the four settings, filling in any AWS leaves out as off', async () => {
    s3.on(GetPublicAccessBlockCommand).resolves({ PublicAccessBlockConfiguration: { BlockPublicAcls: true } });
    const r = await cli('get-public-access-block', 'photos', '--nl');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(JSON.stringify({ ...ALL_OFF, BlockPublicAcls: true }) + '\n');
  });

  it('no settings is one error line, exit 1', async () => {
    s3.on(GetPublicAccessBlockCommand).rejects(awsError('NoSuchPublicAccessBlockConfiguration', 404));
    const r = await cli('get-public-access-block', 'photos');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: bucket photos has no Block Public Access settings \(NoSuchPublicAccessBlockConfiguration\)/);
  });
});
