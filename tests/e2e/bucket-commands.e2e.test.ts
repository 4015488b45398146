// set-bucket-policy and debug-bucket, run as the built CLI against moto: what is stored afterwards
// (read back by a separate admin client), what is refused, and reach. With IAM enforcement on,
// moto answers an anonymous request to a bucket with an Allow-all policy with a 500, so the
// anonymous reads run against a second moto without enforcement, where bucket policies still
// decide anonymous reads of existing objects (measured: no policy 403, Allow * GetObject 200, Deny
// 403). That check looks at the action and resource, not the Principal, and moto lets anonymous
// uploads of new keys through whatever the policy says: so the anonymous test proves that the
// stored policy allows GetObject on the object and that --replace took it away, and the first
// test proves, by reading the policy back, that the statement names Principal "*" and nothing else.
import {
  CreateBucketCommand,
  GetBucketPolicyCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startMoto, type MotoServer } from '../support/moto';
import { adminClients, createTestUser, describeE2E, motoState, runCli, uniqueName } from '../support/e2e';

const errorLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('error: '));
const oneLineError = (stderr: string, cause: RegExp) => {
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).toMatch(/^error: /);
  expect(stderr).toMatch(cause);
  expect(stderr).not.toMatch(/\n\s+at /);
};

const policyOf = async (s3: S3Client, Bucket: string) => {
  try {
    return JSON.parse((await s3.send(new GetBucketPolicyCommand({ Bucket }))).Policy!);
  } catch (err) {
    if ((err as { name?: string }).name === 'NoSuchBucketPolicy') return null;
    throw err;
  }
};

const allGet = (bucket: string) => ({
  Sid: 'AllowAllGetObject',
  Effect: 'Allow',
  Principal: '*',
  Action: ['s3:GetObject'],
  Resource: [`arn:aws:s3:::${bucket}/*`],
});

describeE2E('set-bucket-policy and debug-bucket on moto', () => {
  const bucket = uniqueName('sbp');
  const blocked = uniqueName('sbpblock');
  const bare = uniqueName('sbpbare');
  let scratch: string;
  let keep: Record<string, unknown>;

  const writeFile = (name: string, content: unknown) => {
    const p = path.join(scratch, name);
    fs.writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
    return p;
  };

  beforeAll(async () => {
    const { s3 } = adminClients();
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'sbp-'));
    for (const Bucket of [bucket, blocked, bare]) await s3.send(new CreateBucketCommand({ Bucket }));
    keep = {
      Sid: 'KeepPartner',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${motoState().accountId}:root` },
      Action: 's3:ListBucket',
      Resource: `arn:aws:s3:::${bucket}`,
    };
    await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify({ Version: '2012-10-17', Statement: [keep] }) }));
  });

  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

  it('--allow-all-get merges into the stored policy and keeps the other statement', async () => {
    const r = await runCli(['set-bucket-policy', bucket, '--allow-all-get']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/= statement 1 \(Sid KeepPartner\): unchanged/);
    expect(r.stderr).toMatch(/\+ statement 2 \(Sid AllowAllGetObject\)/);
    expect(JSON.parse(r.stdout)).toMatchObject({ Bucket: bucket, Added: ['AllowAllGetObject'], Kept: 1, Operation: 'PutBucketPolicy' });
    expect(await policyOf(adminClients().s3, bucket)).toEqual({ Version: '2012-10-17', Statement: [keep, allGet(bucket)] });
    const again = await runCli(['set-bucket-policy', bucket, '--allow-all-get']);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/no change/);
  });

  it('debug-bucket then says the bucket is publicly readable, and prints every setting', async () => {
    const r = await runCli(['debug-bucket', bucket]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual([
      'Bucket',
      'Region',
      'BucketAcl',
      'BucketPolicyStatus',
      'BucketPublicAccessBlock',
      'OwnershipControls',
      'Website',
      'Versioning',
      'BucketPolicy',
      'PubliclyReadable',
      'Verdict',
    ]);
    expect(out).toMatchObject({ Bucket: bucket, Region: 'us-east-1', BucketPublicAccessBlock: null, Website: null, Versioning: {} });
    expect(out.BucketAcl.Grants).toEqual([expect.objectContaining({ Permission: 'FULL_CONTROL' })]);
    expect(out.BucketPolicy.Statement).toHaveLength(2);
    expect(out.PubliclyReadable).toBe(true);
    expect(out.Verdict).toMatch(/is publicly readable: its bucket policy lets anyone download objects \(AllowAllGetObject\)/);
    expect(r.stderr.trim()).toBe(out.Verdict);
  });

  it('--policy-file that would drop statements is refused without --replace (exit 2), and nothing changes', async () => {
    const before = await policyOf(adminClients().s3, bucket);
    const p = writeFile('only-keep.json', { Version: '2012-10-17', Statement: [keep] });
    const r = await runCli(['set-bucket-policy', bucket, '--policy-file', p]);
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toEqual([
      `error: the bucket policy of ${bucket} has statements that --policy-file ${p} would drop or rewrite (statement 2 (Sid AllowAllGetObject)): add them to the file, or give --replace to replace the whole policy`,
    ]);
    expect(r.stderr).toMatch(/^ {2}- statement 2 \(Sid AllowAllGetObject\): /m);
    expect(await policyOf(adminClients().s3, bucket)).toEqual(before);
  });

  it('--dry-run --replace shows the plan and changes nothing', async () => {
    const before = await policyOf(adminClients().s3, bucket);
    const p = writeFile('dry.json', { Version: '2012-10-17', Statement: [keep] });
    const r = await runCli(['set-bucket-policy', bucket, '--policy-file', p, '--replace', '--dry-run']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ DryRun: true, Removed: ['AllowAllGetObject'], Plan: [{ operation: 'PutBucketPolicy' }] });
    expect(await policyOf(adminClients().s3, bucket)).toEqual(before);
  });

  it('--policy-file - --replace reads stdin, and the replaced statement is really gone', async () => {
    const r = await runCli(['set-bucket-policy', bucket, '--policy-file', '-', '--replace'], {
      input: JSON.stringify({ Version: '2012-10-17', Statement: [keep] }),
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ Removed: ['AllowAllGetObject'], Kept: 1 });
    expect(await policyOf(adminClients().s3, bucket)).toEqual({ Version: '2012-10-17', Statement: [keep] });
    const debug = JSON.parse((await runCli(['debug-bucket', bucket, '--silent'])).stdout);
    expect(debug.PubliclyReadable).toBe(false);
  });

  it('a bucket whose Block Public Access blocks public policies: one line saying what to do, nothing written', async () => {
    const { s3 } = adminClients();
    const on = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };
    await s3.send(new PutPublicAccessBlockCommand({ Bucket: blocked, PublicAccessBlockConfiguration: on }));
    const r = await runCli(['set-bucket-policy', blocked, '--allow-all-get', '--silent']);
    expect(r.code).toBe(1);
    oneLineError(
      r.stderr,
      /blocks public bucket policies \(Block Public Access BlockPublicPolicy is on\).*set-public-access-block .* --block-public-policy false/,
    );
    expect(await policyOf(s3, blocked)).toBeNull();
    const debug = JSON.parse((await runCli(['debug-bucket', blocked, '--silent'])).stdout);
    expect(debug.BucketPublicAccessBlock).toEqual({ PublicAccessBlockConfiguration: on });
    expect(debug.Verdict).toMatch(/BlockPublicPolicy is on: turn it off first/);
  });

  it.each([
    [['--allow-all-get', '--policy-file', 'p.json'], /--allow-all-get and --policy-file conflict/],
    [[], /nothing to set/],
    [['--policy-file', '/nonexistent/policy.json'], /cannot read --policy-file \/nonexistent\/policy.json: no such file/],
    [['--policy-file', 'BAD_JSON'], /is not valid JSON: .* at line 1, column/],
    [['--policy-file', 'OTHER_BUCKET'], /which is not in bucket/],
  ])('set-bucket-policy %j: exit 2, one line, nothing written', async (args, cause) => {
    const resolved = args.map((a) =>
      a === 'BAD_JSON'
        ? writeFile('bad.json', '{"Version": "2012-10-17", "Statement": [}')
        : a === 'OTHER_BUCKET'
          ? writeFile('other.json', { Version: '2012-10-17', Statement: [allGet('someone-else')] })
          : a,
    );
    const r = await runCli(['set-bucket-policy', bare, ...resolved]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    oneLineError(r.stderr, cause);
    expect(await policyOf(adminClients().s3, bare)).toBeNull();
  });

  it('debug-bucket on a missing bucket: one line, exit 1', async () => {
    const r = await runCli(['debug-bucket', uniqueName('missing')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    oneLineError(r.stderr, /does not exist \(NoSuchBucket\)/);
  });

  it('debug-bucket with credentials refused some reads: each refusal in its field, exit 0', async () => {
    const user = await createTestUser(uniqueName('dbg'), {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: [
            's3:GetBucketLocation',
            's3:GetBucketPolicy',
            's3:GetBucketPolicyStatus',
            's3:GetBucketVersioning',
            's3:GetBucketWebsite',
          ],
          Resource: `arn:aws:s3:::${bucket}`,
        },
      ],
    });
    const r = await runCli(['debug-bucket', bucket], { creds: user });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.BucketAcl).toEqual({ Error: { Code: 'AccessDenied', Message: expect.stringMatching(/^access denied: /) } });
    expect(out.BucketPublicAccessBlock.Error.Code).toBe('AccessDenied');
    expect(out.OwnershipControls.Error.Code).toBe('AccessDenied');
    expect(out.BucketPolicy.Statement).toEqual([keep]);
    expect(out.Region).toBe('us-east-1');
    expect(r.stderr).toMatch(/^warning: could not read BucketAcl: access denied/m);
    expect(errorLines(r.stderr)).toEqual([]);
  });
});

describeE2E('set-bucket-policy: what anonymous users can read (moto without IAM enforcement)', () => {
  let moto: MotoServer;
  let s3: S3Client;
  const bucket = uniqueName('anon');
  const cli = (args: string[], input?: string) =>
    runCli(args, { creds: moto.admin, env: { AWS_ENDPOINT_URL: moto.endpoint }, ...(input !== undefined ? { input } : {}) });
  const anonymousGet = async (key: string) => {
    const res = await fetch(`${moto.endpoint}/${bucket}/${key}`);
    return { status: res.status, body: await res.text() };
  };

  beforeAll(async () => {
    moto = await startMoto({ enforce: false });
    s3 = new S3Client({ endpoint: moto.endpoint, region: 'us-east-1', credentials: { ...moto.admin }, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'hello.txt', Body: 'hello, anyone', ContentType: 'text/plain' }));
  }, 60_000);
  afterAll(async () => {
    s3?.destroy();
    await moto?.stop();
  });

  it('an unsigned GET is refused before, works after --allow-all-get, and is refused again once the policy is replaced', async () => {
    expect((await anonymousGet('hello.txt')).status).toBe(403);

    const r = await cli(['set-bucket-policy', bucket, '--allow-all-get']);
    expect(r.code).toBe(0);
    expect(await anonymousGet('hello.txt')).toEqual({ status: 200, body: 'hello, anyone' });
    const owner = {
      Sid: 'OwnerList',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${moto.accountId}:root` },
      Action: 's3:ListBucket',
      Resource: `arn:aws:s3:::${bucket}`,
    };
    const replaced = await cli(
      ['set-bucket-policy', bucket, '--policy-file', '-', '--replace'],
      JSON.stringify({ Version: '2012-10-17', Statement: [owner] }),
    );
    expect(replaced.code).toBe(0);
    expect(replaced.stderr).toMatch(/- statement 1 \(Sid AllowAllGetObject\)/);
    expect(await policyOf(s3, bucket)).toEqual({ Version: '2012-10-17', Statement: [owner] });
    expect((await anonymousGet('hello.txt')).status).toBe(403);
  });
});
