// The hand-off: what create writes for a client is enough to use the share, with nothing asked
// twice. --format text carries the keys (which work) and the folder; a create --role file is all
// assume-and-sync needs, its RoleArn included.
import { GetObjectCommand, CreateBucketCommand } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminClients, describeE2E, motoState, runCli, uniqueName } from '../support/e2e';

const dir = mkdtempSync(join(tmpdir(), 's3share-handoff-'));

describeE2E('hand-off to a client', () => {
  const bucket = uniqueName('handoff');
  beforeAll(() => adminClients().s3.send(new CreateBucketCommand({ Bucket: bucket })));

  it('--format text for a prefix user: keys that work, the folder, and how to connect, in a 0600 file', async () => {
    const user = uniqueName('txt');
    const out = join(dir, `${user}.txt`);
    const r = await runCli(['create', bucket, '--prefix', 'alice/', '--username', user, '--format', 'text', '--output', out, '--no-wait']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const text = readFileSync(out, 'utf8');
    const id = /Access key ID: +(\S+)/.exec(text)![1]!;
    const secret = /Secret access key: +(\S+)/.exec(text)![1]!;
    expect(r.stderr).not.toContain(secret);
    expect(text).toContain(`s3://${bucket}/alice/`);
    expect(text).toMatch(/aws-cli: /);
    expect(text).toMatch(/Cyberduck or WinSCP: /);
    const sts = new STSClient({
      endpoint: motoState().endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: id, secretAccessKey: secret },
    });
    try {
      const me = await sts.send(new GetCallerIdentityCommand({}));
      expect(me.Arn).toMatch(new RegExp(`:user/${user}$`));
    } finally {
      sts.destroy();
    }
  });

  it('assume-and-sync --auth FILE uses the RoleArn that create --role wrote there: no --role-arn', async () => {
    const role = uniqueName('hrole');
    const auth = join(dir, `${role}.json`);
    const made = await runCli(['create', bucket, '--role', role, '--username', uniqueName('hbar'), '--output', auth, '--no-wait']);
    expect(made.code).toBe(0);
    expect(JSON.parse(readFileSync(auth, 'utf8')).RoleArn).toMatch(new RegExp(`:role/${role}$`));
    const src = mkdtempSync(join(tmpdir(), 's3share-handoff-src-'));
    writeFileSync(join(src, 'hello.txt'), 'hello\n');
    // The barren user's own keys cannot write the bucket: only the role can.
    const r = await runCli(['assume-and-sync', src, `s3://${bucket}/in`, '--auth', auth], {
      env: { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined },
    });
    expect(r.stderr).toMatch(new RegExp(`assumed \\S+:role/${role}`));
    expect(r.code).toBe(0);
    const got = await adminClients().s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'in/hello.txt' }));
    expect(await got.Body!.transformToString()).toBe('hello\n');
  });
});
