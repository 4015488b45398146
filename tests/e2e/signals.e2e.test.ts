// SIGINT and SIGTERM in the middle of a create: the call in flight finishes, then everything the
// run made is removed, and the exit code says which signal stopped it (130, 143).
import { GetUserCommand } from '@aws-sdk/client-iam';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import { adminClients, describeE2E, motoState, runCli, uniqueName } from '../support/e2e';

let proxy: FaultProxy;

describeE2E('signals during create', () => {
  beforeAll(async () => {
    proxy = await startFaultProxy({ target: motoState().endpoint });
    // Hold CreateAccessKey for 1.5 s so that the signal arrives while it is in flight.
    proxy.setRules([{ match: /^CreateAccessKey$/, fault: 'delay', delayMs: 1500 }]);
  });
  afterAll(() => proxy.close());

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s while the key is being made rolls back the key, policy, user and bucket', async (signal, code) => {
    const bucket = uniqueName('sigbkt');
    const UserName = uniqueName('siguser');
    const r = await runCli(['create', bucket, '-c', '--username', UserName, '--no-wait'], {
      env: { AWS_ENDPOINT_URL: proxy.url },
      signalWhen: { stderrMatches: /create an access key/, signal },
    });
    expect(r.code).toBe(code);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`interrupted (${signal}): cleaning up`);
    // Every undo, newest first, the key's deletion included: the launcher refuses DeleteUser while
    // the user has a key (DeleteConflict, as IAM does), so a skipped key deletion also leaves the user.
    expect(r.stderr).toMatch(
      new RegExp(
        `^error: interrupted by ${signal}; rolled back: delete access key AKIA[A-Z0-9]{16} of user ${UserName}, ` +
          `delete inline policy [^ ,]+ of user ${UserName}, delete user ${UserName}, delete bucket ${bucket}$`,
        'm',
      ),
    );
    expect(r.stderr).not.toMatch(/COULD NOT|DeleteConflict/);
    const { iam, s3 } = adminClients();
    await expect(iam.send(new GetUserCommand({ UserName }))).rejects.toMatchObject({ Code: 'NoSuchEntity' });
    await expect(s3.send(new HeadBucketCommand({ Bucket: bucket }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
  });

  it('a command that has nothing to clean up stops at once', async () => {
    proxy.setRules([{ match: /^ListUsers$/, fault: 'delay', delayMs: 5000 }]);
    const started = Date.now();
    const r = await runCli(['list-users'], { env: { AWS_ENDPOINT_URL: proxy.url }, signalWhen: { afterMs: 800, signal: 'SIGINT' } });
    expect(r.code).toBe(130);
    expect(r.stdout).toBe('');
    // It did not wait for the 5 s ListUsers to come back.
    expect(Date.now() - started).toBeLessThan(4000);
  });
});
