// A signal during grant-account or revoke-account stops the plan the way it stops create's: the
// bucket policy is not written, the run ends with the signal's exit code, and no result is
// printed as if it had changed.
import {
  DeleteBucketPolicyCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  PutBucketPolicyCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { main } from '../../../src/cli';
import { fakeIo } from '../support/fake-io';
import { CREDS } from '../support/run-cli';

const s3 = mockClient(S3Client);
const GRANTED = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'S3ShareRead111122223333ReadObjects',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111122223333:root' },
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::photos/*',
    },
  ],
});

/** Runs the CLI with a signal arriving while the bucket policy is being read (the plan is being made). */
async function interruptedWhilePlanning(args: string[], policy: string | undefined, signal = 'SIGINT') {
  const f = fakeIo(CREDS);
  s3.on(GetBucketPolicyCommand).callsFake(async () => {
    f.interrupt(signal);
    return { Policy: policy };
  });
  const code = await main(args, f.io);
  await new Promise((r) => setImmediate(r));
  return { code, stdout: f.out(), stderr: f.err() };
}

beforeEach(() => {
  s3.reset();
  s3.on(PutBucketPolicyCommand).resolves({});
  s3.on(DeleteBucketPolicyCommand).resolves({});
  s3.on(GetBucketOwnershipControlsCommand).resolves({ OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } });
});

describe('an interrupted bucket-policy plan', () => {
  it('grant-account: SIGINT before PutBucketPolicy writes nothing and exits 130', async () => {
    const r = await interruptedWhilePlanning(['grant-account', 'photos', '--account', '111122223333', '--read-only'], undefined);
    expect(r.code).toBe(130);
    expect(s3.commandCalls(PutBucketPolicyCommand)).toHaveLength(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('error: interrupted by SIGINT; nothing had been created\n');
  });

  it('grant-account: SIGTERM exits 143', async () => {
    const r = await interruptedWhilePlanning(['grant-account', 'photos', '--account', '111122223333', '--silent'], undefined, 'SIGTERM');
    expect(r.code).toBe(143);
    expect(s3.commandCalls(PutBucketPolicyCommand)).toHaveLength(0);
    expect(r.stdout).toBe('');
  });

  it('revoke-account: SIGINT before DeleteBucketPolicy deletes nothing and exits 130', async () => {
    const r = await interruptedWhilePlanning(['revoke-account', 'photos', '--account', '111122223333'], GRANTED);
    expect(r.code).toBe(130);
    expect(s3.commandCalls(DeleteBucketPolicyCommand)).toHaveLength(0);
    expect(s3.commandCalls(PutBucketPolicyCommand)).toHaveLength(0);
    expect(r.stdout).toBe('');
  });

  it('a dry run is not interrupted: it changes nothing anyway', async () => {
    const r = await interruptedWhilePlanning(['grant-account', 'photos', '--account', '111122223333', '--dry-run', '--nl'], undefined);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ DryRun: true, Operation: 'PutBucketPolicy' });
  });
});

/** Runs the CLI with a signal arriving while the policy is being written (or deleted). */
async function interruptedWhileWriting(args: string[], policy: string | undefined) {
  const f = fakeIo(CREDS);
  s3.on(GetBucketPolicyCommand).resolves(policy === undefined ? {} : { Policy: policy });
  // The first write is the change; a later one is the rollback, which must not re-interrupt.
  const interruptDuring = async () => {
    if (!f.io.interrupts.signal.aborted) f.interrupt('SIGINT');
    return {};
  };
  s3.on(PutBucketPolicyCommand).callsFake(interruptDuring);
  s3.on(DeleteBucketPolicyCommand).callsFake(interruptDuring);
  const code = await main(args, f.io);
  await new Promise((r) => setImmediate(r));
  return { code, stdout: f.out(), stderr: f.err() };
}

describe('a signal while the bucket policy is being written', () => {
  it('grant-account on a bucket with no policy: the new policy is deleted again', async () => {
    s3.on(GetBucketPolicyCommand).rejects(
      Object.assign(new Error('none'), { name: 'NoSuchBucketPolicy', $metadata: { httpStatusCode: 404 } }),
    );
    const f = fakeIo(CREDS);
    s3.on(PutBucketPolicyCommand).callsFake(async () => {
      f.interrupt('SIGINT');
      return {};
    });
    const code = await main(['grant-account', 'photos', '--account', '111122223333', '--read-only'], f.io);
    expect(code).toBe(130);
    expect(s3.commandCalls(PutBucketPolicyCommand)).toHaveLength(1);
    expect(s3.commandCalls(DeleteBucketPolicyCommand).map((c) => c.args[0].input)).toEqual([{ Bucket: 'photos' }]);
    expect(f.out()).toBe('');
    expect(f.err()).toMatch(/^error: interrupted by SIGINT; rolled back: delete the bucket policy of photos again\n$/m);
  });

  it('grant-account on a bucket with a policy: the text read is put back exactly', async () => {
    const before =
      '{"Version":"2012-10-17","Statement":[{"Sid":"Keep","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::photos/*","Note":1.0}]}';
    const r = await interruptedWhileWriting(['grant-account', 'photos', '--account', '111122223333', '--read-only'], before);
    expect(r.code).toBe(130);
    const puts = s3.commandCalls(PutBucketPolicyCommand).map((c) => c.args[0].input.Policy);
    expect(puts).toHaveLength(2);
    expect(puts[1]).toBe(before);
    expect(r.stderr).toMatch(/rolled back: restore the previous bucket policy of photos/);
  });

  it('revoke-account that deleted the policy: the text read is put back', async () => {
    const r = await interruptedWhileWriting(['revoke-account', 'photos', '--account', '111122223333'], GRANTED);
    expect(r.code).toBe(130);
    expect(s3.commandCalls(DeleteBucketPolicyCommand)).toHaveLength(1);
    expect(s3.commandCalls(PutBucketPolicyCommand).map((c) => c.args[0].input.Policy)).toEqual([GRANTED]);
  });
});
