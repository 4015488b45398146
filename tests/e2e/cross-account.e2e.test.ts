// grant-account, get-bucket-policy and revoke-account run as the built CLI against moto. moto
// stores bucket policies but does not evaluate them (see /work/shared/moto-notes.md), so this
// checks what is stored and read back; what the statements allow is checked with the IAM
// simulator in tests/unit/cross-account/semantics.test.ts.
import { CreateBucketCommand, GetBucketPolicyCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { adminClients, describeE2E, runCli, uniqueName } from '../support/e2e';

const oneLineError = (stderr: string) => {
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).toMatch(/^error: /);
};

describeE2E('cross-account grants on moto', () => {
  const bucket = uniqueName('xacct');
  const empty = uniqueName('xacct-empty');
  // A policy the bucket owner wrote by hand: it must come through every grant and revoke intact.
  const original = {
    Version: '2012-10-17',
    Id: 'CustomerPolicy',
    Statement: [
      {
        Sid: 'Backup',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::999988887777:root' },
        Action: 's3:GetObject',
        Resource: `arn:aws:s3:::${bucket}/*`,
      },
    ],
  };
  const stored = async (name: string) => {
    const { s3 } = adminClients();
    try {
      return JSON.parse((await s3.send(new GetBucketPolicyCommand({ Bucket: name }))).Policy!);
    } catch (err) {
      if ((err as Error).name === 'NoSuchBucketPolicy') return null;
      throw err;
    }
  };

  beforeAll(async () => {
    const { s3 } = adminClients();
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new CreateBucketCommand({ Bucket: empty }));
    await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(original) }));
  });

  it('grant, read back, grant again (no change), revoke: the original policy is restored', async () => {
    const dry = await runCli(['grant-account', bucket, '--account', '111122223333', '--read-only', '--prefix', 'alice', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ DryRun: true, Operation: 'PutBucketPolicy' });
    expect(await stored(bucket)).toEqual(original);

    const grant = await runCli(['grant-account', bucket, '--account', '111122223333', '--read-only', '--prefix', 'alice']);
    expect(grant.code).toBe(0);
    expect(grant.stderr).toMatch(/added the trailing slash/);
    const result = JSON.parse(grant.stdout);
    expect(result.Added).toHaveLength(3);

    const got = await runCli(['get-bucket-policy', bucket]);
    expect(got.code).toBe(0);
    const policy = JSON.parse(got.stdout);
    expect(policy).toEqual(result.Policy);
    expect(policy).toEqual(JSON.parse(dry.stdout).Policy);
    expect(policy.Id).toBe('CustomerPolicy');
    expect(policy.Statement[0]).toEqual(original.Statement[0]);
    expect(policy.Statement.slice(1).map((s: { Sid: string }) => s.Sid)).toEqual(result.Added);

    const again = await runCli(['grant-account', bucket, '--account', '111122223333', '--read-only', '--prefix', 'alice/']);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/^no change: /m);
    expect(JSON.parse(again.stdout).Operation).toBeNull();

    const other = await runCli(['grant-account', bucket, '--account', '444455556666', '--silent']);
    expect(other.code).toBe(0);
    expect(other.stderr).toBe('');

    const revoke = await runCli(['revoke-account', bucket, '--account', '111122223333', '--dry-run']);
    expect(JSON.parse(revoke.stdout).Removed).toHaveLength(3);
    expect((await stored(bucket)).Statement).toHaveLength(1 + 3 + JSON.parse(other.stdout).Added.length);

    for (const account of ['111122223333', '444455556666']) {
      const r = await runCli(['revoke-account', bucket, '--account', account]);
      expect(r.code).toBe(0);
    }
    expect(await stored(bucket)).toEqual(original);
    const nothing = await runCli(['revoke-account', bucket, '--account', '111122223333']);
    expect(nothing.code).toBe(0);
    expect(nothing.stderr).toMatch(/^nothing to revoke/m);
  });

  it('on a bucket without a policy: a new policy, then deleted by the revoke', async () => {
    const none = await runCli(['get-bucket-policy', empty]);
    expect(none.code).toBe(1);
    oneLineError(none.stderr);
    expect(none.stderr).toMatch(/has no bucket policy \(NoSuchBucketPolicy\)/);

    const grant = await runCli(['grant-account', empty, '--account', 'arn:aws:iam::111122223333:role/uploader', '--write-only']);
    expect(grant.code).toBe(0);
    const policy = await stored(empty);
    expect(
      policy.Statement.every(
        (s: { Principal: unknown }) => JSON.stringify(s.Principal) === '{"AWS":"arn:aws:iam::111122223333:role/uploader"}',
      ),
    ).toBe(true);
    // whatever moto says of Object Ownership, the stored policy is what the CLI printed
    expect(policy).toEqual(JSON.parse(grant.stdout).Policy);

    const revoke = await runCli(['revoke-account', empty, '--account', '111122223333']);
    expect(revoke.code).toBe(0);
    expect(JSON.parse(revoke.stdout).Operation).toBe('DeleteBucketPolicy');
    expect(await stored(empty)).toBeNull();
  });

  it('a bad account id exits 2 with one line; a missing bucket exits 1 with one line', async () => {
    const bad = await runCli(['grant-account', bucket, '--account', '1234']);
    expect(bad.code).toBe(2);
    oneLineError(bad.stderr);
    const missing = await runCli(['grant-account', uniqueName('nosuch'), '--account', '111122223333']);
    expect(missing.code).toBe(1);
    oneLineError(missing.stderr);
    expect(missing.stderr).toMatch(/does not exist \(NoSuchBucket\)/);
    const get = await runCli(['get-bucket-policy', uniqueName('nosuch')]);
    expect(get.code).toBe(1);
    expect(get.stderr).toMatch(/NoSuchBucket/);
  });
  it('statements it did not write come back from grant then revoke as the same text', async () => {
    const raw = uniqueName('xacct-raw');
    const theirs = `{"Condition":{"NumericLessThan":{"s3:max-keys":12345678901234567891},"NumericGreaterThan":{"s3:signatureAge":1.0}},"Sid":"Caf\\u00e9","Effect":"Deny","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::${raw}\\/x"}`;
    const text = `{"Version":"2012-10-17","Statement":${theirs}}`;
    const { s3 } = adminClients();
    await s3.send(new CreateBucketCommand({ Bucket: raw }));
    await s3.send(new PutBucketPolicyCommand({ Bucket: raw, Policy: text }));
    const read = async () => (await s3.send(new GetBucketPolicyCommand({ Bucket: raw }))).Policy!;
    // moto hands back the text it was given, so the check below is on text, not parsed values.
    expect(await read()).toBe(text);

    expect((await runCli(['grant-account', raw, '--account', '111122223333', '--silent'])).code).toBe(0);
    expect(await read()).toContain(`"Statement":[${theirs},`);
    const printed = await runCli(['get-bucket-policy', raw, '--nl']);
    expect(printed.stdout).toBe(`${await read()}\n`);
    expect((await runCli(['revoke-account', raw, '--account', '111122223333', '--silent'])).code).toBe(0);
    expect(await read()).toBe(`{"Version":"2012-10-17","Statement":[${theirs}]}`);
  });
});
