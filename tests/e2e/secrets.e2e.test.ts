// Secrets appear only where the user asked for them: stdout, or a file written with mode 0600.
// Never on stderr, in --dry-run output, in error messages or in debug output. Canary values make
// a leak of an input secret recognisable; secrets AWS generates are checked the same way.
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminClients, describeE2E, runCli, uniqueName } from '../support/e2e';

const SECRET = 'CanarySecretKey0000DoNotPrint+This/Value';
const PASSWORD = 'Canary-Passw0rd!-DoNotPrint-7731';
const TOKEN = 'CanarySessionToken-DoNotPrint-5cd1f0';
const dir = mkdtempSync(join(tmpdir(), 's3share-secrets-'));

const neverIn = (text: string, ...secrets: string[]) => {
  for (const s of secrets) expect(text).not.toContain(s);
};

describeE2E('secrets stay where they were asked for', () => {
  const bucket = uniqueName('secrets');
  beforeAll(() => adminClients().s3.send(new CreateBucketCommand({ Bucket: bucket })));

  it('a secret given on the command line is not echoed by a failure, even with S3_SHARE_DEBUG', async () => {
    for (const env of [{}, { S3_SHARE_DEBUG: '1' }]) {
      const r = await runCli(['whoami', '--access-key', 'AKIACANARY0000000000', '--secret-key', SECRET, '--session-token', TOKEN], {
        env: { ...env, AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined },
      });
      expect(r.code).toBe(1);
      neverIn(r.stdout + r.stderr, SECRET, TOKEN);
    }
  });

  it('a secret in an --auth file is not echoed by a failure', async () => {
    const auth = join(dir, 'canary.json');
    writeFileSync(auth, JSON.stringify({ AccessKeyId: 'AKIACANARY0000000000', SecretAccessKey: SECRET, SessionToken: TOKEN }));
    for (const args of [['whoami'], ['list-bucket', bucket], ['create', bucket, '--no-wait'], ['delete-user', 'nobody-at-all']]) {
      const r = await runCli([...args, '--auth', auth]);
      expect(r.code).toBe(1);
      neverIn(r.stdout + r.stderr, SECRET, TOKEN);
    }
  });

  it('create prints the new secret on stdout only', async () => {
    const r = await runCli(['create', bucket, '--read-only', '--username', uniqueName('sec'), '--no-wait']);
    expect(r.code).toBe(0);
    const { SecretAccessKey } = JSON.parse(r.stdout);
    expect(SecretAccessKey).toMatch(/.{20,}/);
    neverIn(r.stderr, SecretAccessKey);
  });

  it('create --output writes the secret to a 0600 file and not to stdout or stderr', async () => {
    const out = join(dir, `creds-${uniqueName('f')}.json`);
    const r = await runCli(['create', bucket, '--username', uniqueName('sec'), '--no-wait', '--output', out, '--format', 'ini']);
    expect(r.code).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const secret = /aws_secret_access_key = (\S+)/.exec(readFileSync(out, 'utf8'))![1]!;
    neverIn(r.stdout + r.stderr, secret);
  });

  it('a console password is printed on stdout only, and hidden from --dry-run', async () => {
    const user = uniqueName('secpw');
    const dry = await runCli(['create', bucket, '--username', user, '--console', '--password', '-', '--dry-run'], {
      input: `${PASSWORD}\n`,
    });
    expect(dry.code).toBe(0);
    neverIn(dry.stdout + dry.stderr, PASSWORD);
    expect(dry.stdout).toContain('(hidden)');
    const real = await runCli(['create', bucket, '--username', user, '--console', '--password', '-', '--no-wait'], {
      input: `${PASSWORD}\n`,
    });
    expect(real.code).toBe(0);
    expect(JSON.parse(real.stdout).Password).toBe(PASSWORD);
    neverIn(real.stderr, PASSWORD, JSON.parse(real.stdout).SecretAccessKey);
  });

  it('temporary credentials: the secret and session token on stdout only', async () => {
    const r = await runCli(['create', bucket, '--read-only', '--duration', '15m']);
    expect(r.code).toBe(0);
    const { SecretAccessKey, SessionToken } = JSON.parse(r.stdout);
    expect(SessionToken).toBeTruthy();
    neverIn(r.stderr, SecretAccessKey, SessionToken);
  });

  it('rotate-key prints the new secret on stdout only, and --dry-run shows none', async () => {
    const user = uniqueName('secrot');
    const created = JSON.parse((await runCli(['create', bucket, '--username', user, '--no-wait'])).stdout);
    const dry = await runCli(['rotate-key', user, '--dry-run']);
    expect(dry.code).toBe(0);
    neverIn(dry.stdout + dry.stderr, created.SecretAccessKey);
    const r = await runCli(['rotate-key', user, '--no-wait']);
    expect(r.code).toBe(0);
    const { SecretAccessKey } = JSON.parse(r.stdout);
    neverIn(r.stderr, SecretAccessKey, created.SecretAccessKey);
  });

  it('a presigned link carries a signature, never the secret it was signed with', async () => {
    const r = await runCli(
      [
        'share',
        bucket,
        'some/key.txt',
        '--upload',
        '--access-key',
        'AKIACANARY0000000000',
        '--secret-key',
        SECRET,
        '--session-token',
        TOKEN,
      ],
      {
        env: { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined },
      },
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).URL).toContain('X-Amz-Signature=');
    neverIn(r.stdout + r.stderr, SECRET);
  });
});
