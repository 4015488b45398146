// The read commands, run as the built CLI against moto with IAM enforcement: what they print on
// stdout in each format, and how refusals and bad credentials are reported on stderr.
import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { CreateBucketCommand, PutBucketWebsiteCommand } from '@aws-sdk/client-s3';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminClients, createTestUser, describeE2E, motoState, runCli, uniqueName, type TestUser } from '../support/e2e';

const oneLineError = (stderr: string) => {
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).toMatch(/^error: /);
  expect(stderr).not.toMatch(/\n\s+at /);
};

describeE2E('read commands on moto', () => {
  const users = [uniqueName('reader'), uniqueName('reader')];
  const bucket = uniqueName('readbkt');
  let nobody: TestUser;

  beforeAll(async () => {
    const { iam, s3 } = adminClients();
    for (const [i, UserName] of users.entries()) {
      await iam.send(new CreateUserCommand({ UserName }));
      await iam.send(
        new PutUserPolicyCommand({
          UserName,
          PolicyName: `inline-${i}`,
          PolicyDocument: JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }],
          }),
        }),
      );
    }
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    nobody = await createTestUser(uniqueName('nobody'), null);
  });

  it('whoami prints the caller identity', async () => {
    const r = await runCli(['whoami']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ Account: motoState().accountId, Arn: expect.stringMatching(/:user\/admin$/) });
    expect(r.stderr).toBe('');
  });

  it('list-users prints a JSON array, NDJSON and CSV', async () => {
    const json = await runCli(['list-users']);
    expect(json.code).toBe(0);
    const names = JSON.parse(json.stdout).map((u: { UserName: string }) => u.UserName);
    expect(names).toEqual(expect.arrayContaining(users));
    const nl = await runCli(['list-users', '--nl']);
    const lines = nl.stdout.trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).UserName)).toEqual(names);
    const csv = await runCli(['list-users', '--csv']);
    expect(csv.stdout.split('\n')[0]).toBe('UserName,UserId,Arn,Path,CreateDate,PasswordLastUsed,PermissionsBoundary');
    expect(csv.stdout).toContain(`${users[0]},`);
  });

  it('list-user-policies decodes the documents of the named users', async () => {
    const r = await runCli(['list-user-policies', users[0], users[1], '--nl']);
    expect(r.code).toBe(0);
    const records = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(records).toEqual([
      expect.objectContaining({
        UserName: users[0],
        PolicyName: 'inline-0',
        PolicyType: 'inline',
        Document: expect.objectContaining({ Version: '2012-10-17' }),
      }),
      expect.objectContaining({ UserName: users[1], PolicyName: 'inline-1', PolicyType: 'inline' }),
    ]);
  });

  it('list-user-policies reads every user through the account details, with the same records', async () => {
    const all = await runCli(['list-user-policies', '--nl']);
    expect(all.code).toBe(0);
    const mine = all.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((r) => users.includes(r.UserName));
    const named = await runCli(['list-user-policies', ...users, '--nl']);
    expect(mine).toEqual(
      named.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    );
  });

  it('list-user-policies names a missing user', async () => {
    const r = await runCli(['list-user-policies', 'no-such-user-xyz']);
    expect(r.code).toBe(1);
    oneLineError(r.stderr);
    expect(r.stderr).toContain('no-such-user-xyz');
    expect(r.stderr).toContain('NoSuchEntity');
  });

  it('list-buckets --details reports region, versioning, public access block and policy', async () => {
    const r = await runCli(['list-buckets', bucket, '--details', '--nl']);
    expect(r.code).toBe(0);
    const record = JSON.parse(r.stdout);
    expect(record).toMatchObject({ Name: bucket, Region: 'us-east-1', Versioning: 'Off', HasBucketPolicy: false, Website: null });
    expect(record.Acl.Grants).toEqual(expect.arrayContaining([expect.objectContaining({ Permission: 'FULL_CONTROL' })]));
  });

  it('list-buckets --details gives the website URL of a bucket served as a website', async () => {
    const site = uniqueName('site');
    const { s3 } = adminClients();
    await s3.send(new CreateBucketCommand({ Bucket: site }));
    await s3.send(
      new PutBucketWebsiteCommand({
        Bucket: site,
        WebsiteConfiguration: { IndexDocument: { Suffix: 'index.html' }, ErrorDocument: { Key: 'error.html' } },
      }),
    );
    const r = await runCli(['list-buckets', site, '--details', '--nl']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).Website).toEqual({
      Url: `http://${site}.s3-website-us-east-1.amazonaws.com/`,
      IndexDocument: 'index.html',
      ErrorDocument: 'error.html',
    });
  });

  it('a user without permissions gets one clear line naming the refused action', async () => {
    const env = { creds: nobody };
    const listUsers = await runCli(['list-users'], env);
    expect(listUsers.code).toBe(1);
    oneLineError(listUsers.stderr);
    expect(listUsers.stderr).toContain('iam:ListUsers');
    expect(listUsers.stderr).toContain('(AccessDenied)');
    const listBuckets = await runCli(['list-buckets'], env);
    expect(listBuckets.code).toBe(1);
    oneLineError(listBuckets.stderr);
    expect(listBuckets.stderr).toContain('s3:ListAllMyBuckets');
  });

  it('an unknown key and a wrong secret are reported as such', async () => {
    const unknown = await runCli(['whoami'], { creds: { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'x'.repeat(40) } });
    expect(unknown.code).toBe(1);
    oneLineError(unknown.stderr);
    expect(unknown.stderr).toMatch(/access key is not valid/);
    const wrongSecret = await runCli(['whoami'], { creds: { accessKeyId: nobody.accessKeyId, secretAccessKey: 'wrong-secret-value' } });
    expect(wrongSecret.code).toBe(1);
    oneLineError(wrongSecret.stderr);
    expect(wrongSecret.stderr).toMatch(/secret key does not match|access key is not valid/);
    expect(wrongSecret.stderr).not.toContain('wrong-secret-value');
  });

  it('--auth reads the JSON that create prints, and an INI credentials file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 's3share-auth-'));
    const { iam } = adminClients();
    const UserName = uniqueName('authuser');
    await iam.send(new CreateUserCommand({ UserName }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName }))).AccessKey!;
    const jsonFile = join(dir, 'creds.json');
    writeFileSync(jsonFile, JSON.stringify({ UserName, AccessKeyId: key.AccessKeyId, SecretAccessKey: key.SecretAccessKey }));
    const iniFile = join(dir, 'credentials');
    writeFileSync(iniFile, `[client]\naws_access_key_id = ${key.AccessKeyId}\naws_secret_access_key = ${key.SecretAccessKey}\n`);
    // Environment credentials are the admin's: --auth must win over them.
    for (const args of [
      ['--auth', jsonFile],
      ['--auth', iniFile, '--profile', 'client'],
    ]) {
      const r = await runCli(['whoami', ...args]);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).Arn).toMatch(new RegExp(`:user/${UserName}$`));
    }
  });

  it('--access-key/--secret-key work and warn without echoing the secret', async () => {
    const r = await runCli(['whoami', '--access-key', nobody.accessKeyId, '--secret-key', nobody.secretAccessKey], {
      env: { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined },
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).Arn).toContain(nobody.userName);
    expect(r.stderr).toMatch(/^warning: --secret-key on the command line/);
    expect(r.stderr).not.toContain(nobody.secretAccessKey);
  });

  it('uses the credentials of the named profile from the shared files', async () => {
    const home = mkdtempSync(join(tmpdir(), 's3share-home-'));
    writeFileSync(join(home, 'config'), '[profile client]\nregion = eu-west-1\n');
    writeFileSync(
      join(home, 'credentials'),
      `[client]\naws_access_key_id = ${nobody.accessKeyId}\naws_secret_access_key = ${nobody.secretAccessKey}\n`,
    );
    const r = await runCli(['whoami', '--profile', 'client'], {
      env: { AWS_CONFIG_FILE: join(home, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'), AWS_REGION: undefined },
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).Arn).toContain(nobody.userName);
  });

  it('a usage error exits 2 with one line and the help hint', async () => {
    const r = await runCli(['list-users', '--nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: unknown option '--nope' (see 's3-share list-users --help')\n");
  });
});
