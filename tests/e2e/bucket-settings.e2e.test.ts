// get-/set-public-access-block, run as the built CLI against moto: what
// they print, what they refuse before any AWS call, and what a separate client then reads back.
import { CreateBucketCommand, GetPublicAccessBlockCommand, PutPublicAccessBlockCommand } from '@aws-sdk/client-s3';
import { adminClients, describeE2E, runCli, uniqueName } from '../support/e2e';

const oneLineError = (stderr: string, cause: RegExp) => {
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).toMatch(/^error: /);
  expect(stderr).toMatch(cause);
  expect(stderr).not.toMatch(/\n\s+at /);
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
  const blockBucket = uniqueName('pabbkt');
  const bare = uniqueName('barebkt');

  beforeAll(async () => {
    const { s3 } = adminClients();
    for (const Bucket of [blockBucket, bare]) await s3.send(new CreateBucketCommand({ Bucket }));
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
      ['get-public-access-block', missing],
      ['set-public-access-block', missing, '--block-public-acls', 'true'],
    ]) {
      const r = await runCli(args);
      expect(r.code).toBe(1);
      oneLineError(r.stderr, /NoSuchBucket/);
    }
  });
});
