// get-/set-cors-policy and get-/set-public-access-block, run as the built CLI against moto: what
// they print, what they refuse before any AWS call, and what a separate client then reads back.
import { CreateBucketCommand, GetBucketCorsCommand, GetPublicAccessBlockCommand, PutPublicAccessBlockCommand } from '@aws-sdk/client-s3';
import { adminClients, describeE2E, runCli, uniqueName } from '../support/e2e';

const oneLineError = (stderr: string, cause: RegExp) => {
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).toMatch(/^error: /);
  expect(stderr).toMatch(cause);
  expect(stderr).not.toMatch(/\n\s+at /);
};

const corsOf = async (Bucket: string) => {
  try {
    return (await adminClients().s3.send(new GetBucketCorsCommand({ Bucket }))).CORSRules;
  } catch (err) {
    if ((err as { name?: string }).name === 'NoSuchCORSConfiguration') return null;
    throw err;
  }
};

const blockOf = async (Bucket: string) => {
  try {
    return (await adminClients().s3.send(new GetPublicAccessBlockCommand({ Bucket }))).PublicAccessBlockConfiguration;
  } catch (err) {
    if ((err as { name?: string }).name === 'NoSuchPublicAccessBlockConfiguration') return null;
    throw err;
  }
};

describeE2E('bucket settings on moto', () => {
  const corsBucket = uniqueName('corsbkt');
  const blockBucket = uniqueName('pabbkt');
  const bare = uniqueName('barebkt');

  beforeAll(async () => {
    const { s3 } = adminClients();
    for (const Bucket of [corsBucket, blockBucket, bare]) await s3.send(new CreateBucketCommand({ Bucket }));
  });

  it('get-cors-policy on a bucket without CORS rules is one line, exit 1', async () => {
    const r = await runCli(['get-cors-policy', bare]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    oneLineError(r.stderr, /no CORS configuration \(NoSuchCORSConfiguration\)/);
  });

  it('set-cors-policy with no flags allows GET from anywhere, and get-cors-policy prints it', async () => {
    const r = await runCli(['set-cors-policy', corsBucket]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      Bucket: corsBucket,
      CORSRules: [{ ID: 'set-by-s3-share', AllowedOrigins: ['*'], AllowedHeaders: [], AllowedMethods: ['GET'], ExposeHeaders: [] }],
    });
    expect(await corsOf(corsBucket)).toEqual([expect.objectContaining({ AllowedOrigins: ['*'], AllowedMethods: ['GET'] })]);
    const got = await runCli(['get-cors-policy', corsBucket, '--nl']);
    expect(got.code).toBe(0);
    expect(got.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(got.stdout)).toEqual([expect.objectContaining({ ID: 'set-by-s3-share', AllowedMethods: ['GET'] })]);
  });

  it("set-cors-policy takes s3-credentials' short flags (-h is --allowed-header) and says what it replaces", async () => {
    const r = await runCli([
      'set-cors-policy',
      corsBucket,
      '-m',
      'GET',
      '-m',
      'put',
      '-h',
      'Authorization',
      '-o',
      'https://www.example.com',
      '-e',
      'ETag',
      '--max-age-seconds',
      '3600',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/replacing the CORS rules of bucket .*"AllowedMethods":\["GET"\]/);
    const rules = await corsOf(corsBucket);
    expect(rules).toEqual([
      expect.objectContaining({
        AllowedMethods: ['GET', 'PUT'],
        AllowedHeaders: ['Authorization'],
        AllowedOrigins: ['https://www.example.com'],
        ExposeHeaders: ['ETag'],
        MaxAgeSeconds: 3600,
      }),
    ]);
    const help = await runCli(['set-cors-policy', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/-h, --allowed-header/);
  });

  it('set-cors-policy --dry-run prints the configuration and changes nothing', async () => {
    const before = await corsOf(corsBucket);
    const r = await runCli(['set-cors-policy', corsBucket, '-o', 'https://a.example', '--dry-run']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ DryRun: true, CORSRules: [{ AllowedOrigins: ['https://a.example'] }] });
    expect(out.Plan).toEqual([expect.objectContaining({ operation: 'PutBucketCors' })]);
    expect(await corsOf(corsBucket)).toEqual(before);
  });

  it.each([
    [['-m', 'PATCH'], /--allowed-method 'PATCH' is not a method S3 allows/],
    [['--max-age-seconds', '0'], /--max-age-seconds must be a whole number/],
    [['--max-age-seconds', '1.5'], /--max-age-seconds must be a whole number/],
    [['-o', ''], /--allowed-origin must not be empty/],
  ])('set-cors-policy %j is refused with exit 2 and changes nothing', async (args, cause) => {
    const r = await runCli(['set-cors-policy', bare, ...args]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    oneLineError(r.stderr, cause);
    expect(await corsOf(bare)).toBeNull();
  });

  it('get-public-access-block on a bucket without settings is one line, exit 1', async () => {
    const r = await runCli(['get-public-access-block', bare]);
    expect(r.code).toBe(1);
    oneLineError(r.stderr, /no Block Public Access settings \(NoSuchPublicAccessBlockConfiguration\)/);
  });

  it('set-public-access-block changes the settings given and keeps the others', async () => {
    const all = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };
    await adminClients().s3.send(new PutPublicAccessBlockCommand({ Bucket: blockBucket, PublicAccessBlockConfiguration: all }));
    const r = await runCli(['set-public-access-block', blockBucket, '--block-public-acls', 'No', '--ignore-public-acls', 'off']);
    expect(r.code).toBe(0);
    const expected = { ...all, BlockPublicAcls: false, IgnorePublicAcls: false };
    expect(JSON.parse(r.stdout)).toEqual({ Bucket: blockBucket, PublicAccessBlockConfiguration: expected, Previous: all });
    expect(await blockOf(blockBucket)).toEqual(expected);
    const got = await runCli(['get-public-access-block', blockBucket]);
    expect(got.code).toBe(0);
    expect(JSON.parse(got.stdout)).toEqual(expected);
  });

  it('set-public-access-block --allow-public-access turns all four off and warns', async () => {
    const dry = await runCli(['set-public-access-block', blockBucket, '--allow-public-access', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ DryRun: true, Plan: [expect.objectContaining({ operation: 'PutPublicAccessBlock' })] });
    expect(await blockOf(blockBucket)).toMatchObject({ BlockPublicPolicy: true });
    const r = await runCli(['set-public-access-block', blockBucket, '--allow-public-access']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/may now make it public/);
    expect(await blockOf(blockBucket)).toEqual({
      BlockPublicAcls: false,
      IgnorePublicAcls: false,
      BlockPublicPolicy: false,
      RestrictPublicBuckets: false,
    });
  });

  it.each([
    [[], /nothing to set/],
    [['--block-public-acls', 'maybe'], /--block-public-acls 'maybe' is not true or false/],
    [['--allow-public-access', '--block-public-policy', 'true'], /cannot be combined with --block-public-policy/],
  ])('set-public-access-block %j is refused with exit 2 and changes nothing', async (args, cause) => {
    const r = await runCli(['set-public-access-block', bare, ...args]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    oneLineError(r.stderr, cause);
    expect(await blockOf(bare)).toBeNull();
  });

  it('a missing bucket is NoSuchBucket, exit 1', async () => {
    const missing = uniqueName('nosuch');
    for (const args of [
      ['get-cors-policy', missing],
      ['set-cors-policy', missing],
      ['set-public-access-block', missing, '--block-public-acls', 'true'],
    ]) {
      const r = await runCli(args);
      expect(r.code).toBe(1);
      oneLineError(r.stderr, /NoSuchBucket/);
    }
  });
});
