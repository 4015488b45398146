import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAuthFile, resolveAwsContext } from '../../../src/aws/config';
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

  it('reads AWS_MAX_ATTEMPTS, defaulting to 5; a value the SDK would refuse is a usage error', async () => {
    expect((await resolveAwsContext({}, noFiles)).context.maxAttempts).toBe(5);
    expect((await resolveAwsContext({}, { ...noFiles, AWS_MAX_ATTEMPTS: '9' })).context.maxAttempts).toBe(9);
    for (const bad of ['lots', '0', '-1', '2.5'])
      await expect(resolveAwsContext({}, { ...noFiles, AWS_MAX_ATTEMPTS: bad })).rejects.toThrow(
        new RegExp(`^AWS_MAX_ATTEMPTS is '${bad.replace('.', '\\.')}', not a number of attempts`),
      );
  });

  describe('retries as aws-cli and the SDKs configure them', () => {
    const config = file(
      'retry-config',
      '[default]\nretry_mode = standard\nmax_attempts = 7\n[profile calm]\nretry_mode = legacy\n[profile odd]\nretry_mode = eager\n',
    );
    const env = { ...noFiles, AWS_CONFIG_FILE: config };
    const retry = async (e: Record<string, string>, opts = {}) => {
      const { context } = await resolveAwsContext(opts, e);
      return [context.retryMode, context.maxAttempts];
    };

    it('defaults to adaptive with 5 attempts', async () => {
      expect(await retry(noFiles)).toEqual(['adaptive', 5]);
    });
    it("reads the profile's retry_mode and max_attempts", async () => {
      expect(await retry(env)).toEqual(['standard', 7]);
      expect(await retry({ ...env, AWS_PROFILE: 'calm' })).toEqual(['standard', 5]);
    });
    it('lets AWS_RETRY_MODE and AWS_MAX_ATTEMPTS win over the profile', async () => {
      expect(await retry({ ...env, AWS_RETRY_MODE: 'adaptive', AWS_MAX_ATTEMPTS: '2' })).toEqual(['adaptive', 2]);
      expect(await retry({ ...noFiles, AWS_RETRY_MODE: 'Standard' })).toEqual(['standard', 5]);
    });
    it('refuses a retry mode that does not exist, naming where it came from', async () => {
      await expect(resolveAwsContext({}, { ...noFiles, AWS_RETRY_MODE: 'fast' })).rejects.toThrow(
        "AWS_RETRY_MODE is 'fast', not a retry mode: use standard or adaptive",
      );
      await expect(resolveAwsContext({ profile: 'odd' }, env)).rejects.toThrow("retry_mode of profile odd is 'eager', not a retry mode");
    });
  });
});

describe('resolveAwsContext: checks before any AWS call', () => {
  const config = file('checks-config', '[profile client]\nregion = ap-south-1\n[profile broken]\nregion = eu west 1\n');
  const creds = file('checks-creds', '[keys]\naws_access_key_id = AKIAK\naws_secret_access_key = k\n');
  const env = { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: creds };

  it.each(['us-east-1', 'eu-west-3', 'ap-southeast-2', 'us-gov-west-1', 'cn-northwest-1', 'eu-isoe-west-1', 'il-central-1'])(
    'accepts the AWS region %s',
    async (region) => {
      expect((await resolveAwsContext({ region }, env)).context.region).toBe(region);
    },
  );

  it.each([
    [{ region: 'not a region!' }, {}, /^--region 'not a region!' is not an AWS region name: give one such as us-east-1/],
    [{ region: 'us-east1' }, {}, /^--region 'us-east1' is not an AWS region name/],
    [{ region: 'US-EAST-1' }, {}, /^--region 'US-EAST-1'/],
    [{ region: 'us-east-1/../x' }, {}, /^--region 'us-east-1\/\.\.\/x'/],
    [{}, { AWS_REGION: 'eu_west_1' }, /^AWS_REGION 'eu_west_1' is not an AWS region name/],
    [{}, { AWS_DEFAULT_REGION: 'moon' }, /^AWS_DEFAULT_REGION 'moon'/],
    [{ profile: 'broken' }, {}, /^the region of profile broken 'eu west 1' is not an AWS region name/],
  ])('refuses a malformed region %j %j as a usage error', async (opts, extra, pattern) => {
    const err = await resolveAwsContext(opts, { ...env, ...extra }).catch((e) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toMatch(pattern);
  });

  it('lets a custom endpoint name its region freely, within a host label', async () => {
    expect((await resolveAwsContext({ region: 'garage', endpointUrl: 'http://127.0.0.1:3900' }, env)).context.region).toBe('garage');
    await expect(resolveAwsContext({ region: 'not a region!', endpointUrl: 'http://127.0.0.1:3900' }, env)).rejects.toThrow(
      /^--region 'not a region!' is not a region name \(letters, digits and dashes\)/,
    );
  });

  it('names a missing profile, where it looked, and the profiles it found', async () => {
    const err = await resolveAwsContext({ profile: 'nope' }, env).catch((e) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toBe(
      `profile 'nope' (--profile) is not in ${config} or ${creds}: use one of broken, client, keys, or set AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE to the files that define it`,
    );
    await expect(resolveAwsContext({}, { ...env, AWS_PROFILE: 'ghost' })).rejects.toThrow(/^profile 'ghost' \(AWS_PROFILE\) is not in /);
    await expect(resolveAwsContext({ profile: 'nope' }, { HOME: '/nonexistent' })).rejects.toThrow(
      /is not in ~\/\.aws\/config or ~\/\.aws\/credentials: no profiles are defined there/,
    );
  });

  it('accepts a profile from either file, and a missing [default]', async () => {
    expect((await resolveAwsContext({ profile: 'keys' }, env)).context.credentials).toEqual({ kind: 'chain', profile: 'keys' });
    expect((await resolveAwsContext({ profile: 'client' }, env)).context.region).toBe('ap-south-1');
    expect((await resolveAwsContext({ profile: 'default' }, env)).context.credentials).toEqual({ kind: 'chain', profile: 'default' });
  });

  it('does not look up --profile when it names a section of the --auth file', async () => {
    const auth = file('checks-auth.ini', '[elsewhere]\naws_access_key_id = AKIAE\naws_secret_access_key = e\n');
    expect((await resolveAwsContext({ auth, profile: 'elsewhere' }, env)).context.credentials).toMatchObject({ kind: 'static' });
  });

  it('says in one line which source it uses when a profile and environment keys are both set', async () => {
    const keys = { AWS_ACCESS_KEY_ID: 'AKIAENV', AWS_SECRET_ACCESS_KEY: 'env-secret-value' };
    const flag = await resolveAwsContext({ profile: 'keys' }, { ...env, ...keys });
    expect(flag.warnings).toEqual([
      'using profile keys (--profile); AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment are ignored',
    ]);
    const fromEnv = await resolveAwsContext({}, { ...env, ...keys, AWS_PROFILE: 'keys' });
    expect(fromEnv.warnings).toEqual([expect.stringMatching(/^using profile keys \(AWS_PROFILE\); /)]);
    expect(JSON.stringify([flag.warnings, fromEnv.warnings])).not.toContain('env-secret-value');
    expect((await resolveAwsContext({}, { ...env, ...keys })).warnings).toEqual([]);
  });

  it("gives every request aws-cli's timeouts unless told otherwise (0: none)", async () => {
    expect((await resolveAwsContext({}, env)).context).toMatchObject({ connectTimeoutMs: 60_000, readTimeoutMs: 60_000 });
    expect((await resolveAwsContext({ connectTimeout: 2.5, readTimeout: 0 }, env)).context).toMatchObject({
      connectTimeoutMs: 2500,
      readTimeoutMs: 0,
    });
  });
});

describe('readAuthFile', () => {
  it('reads the JSON that create prints, with a session token and expiry', async () => {
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
    expect(await readAuthFile(p)).toEqual({
      accessKeyId: 'AKIA1',
      secretAccessKey: 'sec',
      sessionToken: 'tok',
      expiration: new Date('2030-01-01T00:00:00Z'),
    });
  });

  it('reads STS output with a Credentials object', async () => {
    const p = file('sts.json', JSON.stringify({ Credentials: { AccessKeyId: 'ASIA2', SecretAccessKey: 'sec2', SessionToken: 't2' } }));
    expect(await readAuthFile(p)).toMatchObject({ accessKeyId: 'ASIA2', sessionToken: 't2' });
  });

  it('reads INI credentials files, [default] or the named profile', async () => {
    const p = file(
      'creds.ini',
      '[default]\naws_access_key_id = AKIADEF\naws_secret_access_key = d\n\n[client]\naws_access_key_id=AKIACL\naws_secret_access_key=c\naws_session_token=t\n',
    );
    expect(await readAuthFile(p)).toEqual({ accessKeyId: 'AKIADEF', secretAccessKey: 'd', sessionToken: undefined });
    expect(await readAuthFile(p, 'client')).toEqual({ accessKeyId: 'AKIACL', secretAccessKey: 'c', sessionToken: 't' });
    const single = file('single.ini', '[s3.read-only.b]\naws_access_key_id = AKIAONE\naws_secret_access_key = one\n');
    expect((await readAuthFile(single)).accessKeyId).toBe('AKIAONE');
  });

  it('explains what is wrong with a bad file, without echoing secrets', async () => {
    await expect(readAuthFile(join(dir, 'missing.json'))).rejects.toThrow(/cannot read --auth file .*missing\.json \(ENOENT\)/);
    await expect(readAuthFile(file('bad.json', '{"AccessKeyId": '))).rejects.toThrow(/is not valid JSON/);
    await expect(readAuthFile(file('nokey.json', '{"SecretAccessKey":"hush-hush"}'))).rejects.toThrow(
      /has no AccessKeyId and SecretAccessKey/,
    );
    try {
      await readAuthFile(file('nokey2.json', '{"SecretAccessKey":"hush-hush"}'));
    } catch (e) {
      expect((e as Error).message).not.toContain('hush-hush');
    }
    const two = file('two.ini', '[a]\naws_access_key_id=1\naws_secret_access_key=2\n[b]\naws_access_key_id=3\naws_secret_access_key=4\n');
    await expect(readAuthFile(two)).rejects.toThrow(/several sections \(a, b\)/);
    await expect(readAuthFile(two, 'c')).rejects.toThrow(/has no \[c\] section/);
    await expect(readAuthFile(file('half.ini', '[default]\naws_access_key_id=1\n'))).rejects.toThrow(
      /lacks aws_access_key_id or aws_secret_access_key/,
    );
  });
});

describe('INI --auth files are read as the SDK reads them', () => {
  it('drops a comment after a value, and names [profile x] sections x', async () => {
    const p = file(
      'commented.ini',
      '# mine\n[profile x]\naws_access_key_id = AKIAX ; the key\naws_secret_access_key = sx # its secret\n; c\n[y]\naws_access_key_id=AKIAY\naws_secret_access_key=a=b\n',
    );
    expect(await readAuthFile(p, 'x')).toEqual({ accessKeyId: 'AKIAX', secretAccessKey: 'sx', sessionToken: undefined });
    expect(await readAuthFile(p, 'y')).toEqual({ accessKeyId: 'AKIAY', secretAccessKey: 'a=b', sessionToken: undefined });
  });
  it('reads only the file given, not the ~/.aws/config of the user running it', async () => {
    const p = file('only.ini', '[only]\naws_access_key_id = AKIAO\naws_secret_access_key = o\n');
    expect((await readAuthFile(p)).accessKeyId).toBe('AKIAO');
  });
});
