// A signal during grant-account or revoke-account stops the plan the way it stops create's: the
// bucket policy is not written, the run ends with the signal's exit code, and no result is
// printed as if it had changed.
import { DeleteBucketPolicyCommand, GetBucketOwnershipControlsCommand, GetBucketPolicyCommand, PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { main } from '../../../src/cli';
import { fakeIo } from '../support/fake-io';
import { CREDS } from '../support/run-cli';

const s3 = mockClient(S3Client);
const GRANTED = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Sid: 'S3ShareRead111122223333ReadObjects', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::photos/*' },
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
