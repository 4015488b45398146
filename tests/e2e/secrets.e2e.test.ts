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

// The hand-off format and the delivery step: a secret reaches the file the user named and nowhere
// else, a plan names where it goes but never holds it, and a refused format leaks nothing.
describeE2E('secrets in the hand-off and in delivery', () => {
  const bucket = uniqueName('secdlv');
  beforeAll(() => adminClients().s3.send(new CreateBucketCommand({ Bucket: bucket })));

  it('--format text with --console: the password and secret are in the 0600 file only, with the folder link', async () => {
    const user = uniqueName('sectxt');
    const out = join(dir, `${user}.txt`);
    const r = await runCli(
      [
        'create',
        bucket,
        '--prefix',
        'client a/',
        '--username',
        user,
        '--console',
        '--password',
        '-',
        '--format',
        'text',
        '-o',
        out,
        '--no-wait',
      ],
      { input: `${PASSWORD}\n` },
    );
    expect(r.code).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const text = readFileSync(out, 'utf8');
    expect(text).toContain(PASSWORD);
    expect(text).toContain(`https://s3.console.aws.amazon.com/s3/buckets/${bucket}?prefix=client%20a/`);
    const secret = /Secret access key: +(\S+)/.exec(text)![1]!;
    neverIn(r.stdout + r.stderr, PASSWORD, secret);
  });

  it('a dry run names the delivery target and format, and holds neither the password nor a key', async () => {
    const out = join(dir, 'never-written.txt');
    const r = await runCli(['create', bucket, '--console', '--password', '-', '--format', 'text', '-o', out, '--dry-run'], {
      input: `${PASSWORD}\n`,
    });
    expect(r.code).toBe(0);
    const last = (JSON.parse(r.stdout) as Array<Record<string, unknown>>).at(-1);
    expect(last).toMatchObject({ operation: 'DeliverCredentials', input: { Target: out, Format: 'text', Mode: '0600' } });
    neverIn(r.stdout + r.stderr, PASSWORD);
    expect(() => statSync(out)).toThrow();
  });

  it('a format that cannot hold the password is refused without echoing it', async () => {
    const r = await runCli(['create', bucket, '--console', '--password', '-', '--format', 'env'], { input: `${PASSWORD}\n` });
    expect(r.code).toBe(2);
    neverIn(r.stdout + r.stderr, PASSWORD);
  });

  it('rotate-key --format text writes the new secret to the file only', async () => {
    const user = uniqueName('secrtx');
    expect((await runCli(['create', bucket, '--username', user, '--no-wait', '-o', join(dir, `${user}.json`)])).code).toBe(0);
    const out = join(dir, `${user}-rotated.txt`);
    const r = await runCli(['rotate-key', user, '--no-wait', '--format', 'text', '-o', out]);
    expect(r.code).toBe(0);
    const secret = /Secret access key: +(\S+)/.exec(readFileSync(out, 'utf8'))![1]!;
    neverIn(r.stdout + r.stderr, secret);
  });
});
