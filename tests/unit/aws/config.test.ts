import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseIni, readAuthFile, resolveAwsContext } from '../../../src/aws/config';
import { UsageError } from '../../../src/errors';

const dir = mkdtempSync(join(tmpdir(), 's3share-config-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const noFiles = { AWS_CONFIG_FILE: join(dir, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none') };

describe('resolveAwsContext', () => {
  it('uses the default chain when no credentials are given', async () => {
    const { context, warnings } = await resolveAwsContext({}, noFiles);
    expect(context.credentials).toEqual({ kind: 'chain', profile: undefined });
    expect(context.region).toBe('us-east-1');
    expect(context.endpoint).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it('takes static keys from flags and warns about the secret in the process list', async () => {
    const { context, warnings } = await resolveAwsContext({ accessKey: 'AKIAFLAG', secretKey: 's3cr3t-flag' }, noFiles);
    expect(context.credentials).toMatchObject({
      kind: 'static',
      origin: 'flags',
      credentials: { accessKeyId: 'AKIAFLAG', secretAccessKey: 's3cr3t-flag' },
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/process list/);
    expect(warnings[0]).not.toContain('s3cr3t-flag');
  });

  it('refuses half a key pair and mixing --auth with key flags', async () => {
    await expect(resolveAwsContext({ accessKey: 'AKIA' }, noFiles)).rejects.toThrow(/--access-key and --secret-key must be given together/);
    await expect(resolveAwsContext({ secretKey: 'x' }, noFiles)).rejects.toBeInstanceOf(UsageError);
    await expect(resolveAwsContext({ auth: 'x.json', accessKey: 'a', secretKey: 'b' }, noFiles)).rejects.toThrow(
      /--auth cannot be combined/,
    );
  });

  it('resolves the region from flag, then AWS_REGION, AWS_DEFAULT_REGION, then the profile', async () => {
    const config = file('config', '[default]\nregion = eu-west-3\n[profile client]\nregion = ap-south-1\n');
    const env = { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none') };
    expect((await resolveAwsContext({ region: 'us-west-2' }, { ...env, AWS_REGION: 'eu-central-1' })).context.region).toBe('us-west-2');
    expect((await resolveAwsContext({}, { ...env, AWS_REGION: 'eu-central-1', AWS_DEFAULT_REGION: 'sa-east-1' })).context.region).toBe(
      'eu-central-1',
    );
    expect((await resolveAwsContext({}, { ...env, AWS_DEFAULT_REGION: 'sa-east-1' })).context.region).toBe('sa-east-1');
    expect((await resolveAwsContext({}, env)).context.region).toBe('eu-west-3');
    // The profile's own region wins over [default] (s3-credentials ignored it).
    expect((await resolveAwsContext({ profile: 'client' }, env)).context.region).toBe('ap-south-1');
    expect((await resolveAwsContext({}, { ...env, AWS_PROFILE: 'client' })).context.region).toBe('ap-south-1');
    expect((await resolveAwsContext({ profile: 'client' }, env)).context.credentials).toEqual({ kind: 'chain', profile: 'client' });
  });

  it('takes the endpoint from the flag or AWS_ENDPOINT_URL and validates it', async () => {
    expect((await resolveAwsContext({ endpointUrl: 'http://127.0.0.1:5000/' }, noFiles)).context.endpoint).toBe('http://127.0.0.1:5000');
    expect((await resolveAwsContext({}, { ...noFiles, AWS_ENDPOINT_URL: 'http://localhost:9000' })).context.endpoint).toBe(
      'http://localhost:9000',
    );
    await expect(resolveAwsContext({ endpointUrl: 'not a url' }, noFiles)).rejects.toThrow(/is not a URL/);
    await expect(resolveAwsContext({ endpointUrl: 'ftp://x' }, noFiles)).rejects.toThrow(/must start with http/);
  });

  it('reads AWS_MAX_ATTEMPTS, defaulting to 5', async () => {
    expect((await resolveAwsContext({}, noFiles)).context.maxAttempts).toBe(5);
    expect((await resolveAwsContext({}, { ...noFiles, AWS_MAX_ATTEMPTS: '9' })).context.maxAttempts).toBe(9);
    expect((await resolveAwsContext({}, { ...noFiles, AWS_MAX_ATTEMPTS: 'lots' })).context.maxAttempts).toBe(5);
  });
});

describe('readAuthFile', () => {
  it('reads the JSON that create prints, with a session token and expiry', () => {
    const p = file(
      'create.json',
      JSON.stringify({
        UserName: 'u',
        AccessKeyId: 'AKIA1',
        SecretAccessKey: 'sec',
        SessionToken: 'tok',
        Expiration: '2030-01-01T00:00:00Z',
      }),
    );
    expect(readAuthFile(p)).toEqual({
      accessKeyId: 'AKIA1',
      secretAccessKey: 'sec',
      sessionToken: 'tok',
      expiration: new Date('2030-01-01T00:00:00Z'),
    });
  });

  it('reads STS output with a Credentials object', () => {
    const p = file('sts.json', JSON.stringify({ Credentials: { AccessKeyId: 'ASIA2', SecretAccessKey: 'sec2', SessionToken: 't2' } }));
    expect(readAuthFile(p)).toMatchObject({ accessKeyId: 'ASIA2', sessionToken: 't2' });
  });

  it('reads INI credentials files, [default] or the named profile', () => {
    const p = file(
      'creds.ini',
      '[default]\naws_access_key_id = AKIADEF\naws_secret_access_key = d\n\n[client]\naws_access_key_id=AKIACL\naws_secret_access_key=c\naws_session_token=t\n',
    );
    expect(readAuthFile(p)).toEqual({ accessKeyId: 'AKIADEF', secretAccessKey: 'd', sessionToken: undefined });
    expect(readAuthFile(p, 'client')).toEqual({ accessKeyId: 'AKIACL', secretAccessKey: 'c', sessionToken: 't' });
    const single = file('single.ini', '[s3.read-only.b]\naws_access_key_id = AKIAONE\naws_secret_access_key = one\n');
    expect(readAuthFile(single).accessKeyId).toBe('AKIAONE');
  });

  it('explains what is wrong with a bad file, without echoing secrets', () => {
    expect(() => readAuthFile(join(dir, 'missing.json'))).toThrow(/cannot read --auth file .*missing\.json \(ENOENT\)/);
    expect(() => readAuthFile(file('bad.json', '{"AccessKeyId": '))).toThrow(/is not valid JSON/);
    expect(() => readAuthFile(file('nokey.json', '{"SecretAccessKey":"hush-hush"}'))).toThrow(/has no AccessKeyId and SecretAccessKey/);
    try {
      readAuthFile(file('nokey2.json', '{"SecretAccessKey":"hush-hush"}'));
    } catch (e) {
      expect((e as Error).message).not.toContain('hush-hush');
    }
    const two = file('two.ini', '[a]\naws_access_key_id=1\naws_secret_access_key=2\n[b]\naws_access_key_id=3\naws_secret_access_key=4\n');
    expect(() => readAuthFile(two)).toThrow(/several sections \(a, b\)/);
    expect(() => readAuthFile(two, 'c')).toThrow(/has no \[c\] section/);
    expect(() => readAuthFile(file('half.ini', '[default]\naws_access_key_id=1\n'))).toThrow(
      /lacks aws_access_key_id or aws_secret_access_key/,
    );
  });
});

describe('parseIni', () => {
  it('handles comments, "profile" headers and spacing', () => {
    expect(parseIni('# c\n[profile x]\n Region = eu-west-1 \n; c\n[y]\nk=v=w\n')).toEqual({ x: { region: 'eu-west-1' }, y: { k: 'v=w' } });
  });
});
