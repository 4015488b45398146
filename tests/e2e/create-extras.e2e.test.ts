// `s3-share create --console / --public / --website` against moto: what AWS holds afterwards.
// (moto does not check passwords against the password policy, so the test does; an anonymous GET
// cannot be tested here: with IAM enforcement on, moto refuses unsigned requests, and it ignores
// Allow statements in bucket policies anyway, so the bucket policy itself is compared instead.)
import {
  DeleteAccountPasswordPolicyCommand,
  GetLoginProfileCommand,
  GetUserPolicyCommand,
  ListUserPoliciesCommand,
  UpdateAccountPasswordPolicyCommand,
} from '@aws-sdk/client-iam';
import {
  CreateBucketCommand,
  GetBucketPolicyCommand,
  GetBucketWebsiteCommand,
  GetPublicAccessBlockCommand,
  PutPublicAccessBlockCommand,
} from '@aws-sdk/client-s3';
import { adminClients, describeE2E, runCli, uniqueName, type Clients } from '../support/e2e';

describeE2E('create --console, --public, --website on moto', () => {
  let admin: Clients;
  beforeAll(() => {
    admin = adminClients();
  });

  describe('--console', () => {
    // The password policy is account-wide: set for these tests only.
    beforeAll(async () => {
      await admin.iam.send(
        new UpdateAccountPasswordPolicyCommand({
          MinimumPasswordLength: 24,
          RequireSymbols: true,
          RequireNumbers: true,
          RequireUppercaseCharacters: true,
          RequireLowercaseCharacters: true,
        }),
      );
    });
    afterAll(async () => {
      await admin.iam.send(new DeleteAccountPasswordPolicyCommand({}));
    });

    test('a generated password satisfies the account policy, is on stdout only, and the login profile exists', async () => {
      const bucket = uniqueName('console');
      await admin.s3.send(new CreateBucketCommand({ Bucket: bucket }));
      const name = uniqueName('con');
      const r = await runCli(['create', bucket, '--read-only', '--username', name, '--console', '--password-reset-required']);
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout) as { Password: string; ConsoleUrl: string; BucketConsoleUrls: string[] };
      expect(out.Password.length).toBeGreaterThanOrEqual(24);
      expect(out.Password).toMatch(/[^A-Za-z0-9]/);
      expect(out.Password).toMatch(/[0-9]/);
      expect(out.Password).toMatch(/[A-Z]/);
      expect(out.Password).toMatch(/[a-z]/);
      expect(r.stderr).not.toContain(out.Password);
      expect(out.BucketConsoleUrls).toEqual([`https://s3.console.aws.amazon.com/s3/buckets/${bucket}`]);
      const { LoginProfile } = await admin.iam.send(new GetLoginProfileCommand({ UserName: name }));
      expect(LoginProfile?.UserName).toBe(name);
      // reset-required: the user may change its own password
      const [policyName] = (await admin.iam.send(new ListUserPoliciesCommand({ UserName: name }))).PolicyNames ?? [];
      const doc = decodeURIComponent(
        (await admin.iam.send(new GetUserPolicyCommand({ UserName: name, PolicyName: policyName }))).PolicyDocument ?? '',
      );
      expect(doc).toContain('"iam:ChangePassword"');
    });

    test('--password - reads stdin; a password the policy refuses is exit 2 and creates nothing', async () => {
      const bucket = uniqueName('console');
      await admin.s3.send(new CreateBucketCommand({ Bucket: bucket }));
      const password = 'Correct-Horse-Battery-Staple-42!';
      const name = uniqueName('pw');
      const r = await runCli(['create', '--silent', bucket, '--username', name, '--console', '--password', '-'], {
        input: `${password}\n`,
      });
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).Password).toBe(password);
      expect(r.stderr).toBe('');
      const weak = uniqueName('weak');
      const refused = await runCli(['create', bucket, '--username', weak, '--console', '--password', '-'], { input: 'short-1!\n' });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/shorter than 24 characters/);
      expect(refused.stderr).not.toContain('short-1!');
      await expect(admin.iam.send(new GetLoginProfileCommand({ UserName: weak }))).rejects.toMatchObject({ name: 'NoSuchEntityException' });
    });

    test('--dry-run shows no password', async () => {
      const bucket = uniqueName('console');
      await admin.s3.send(new CreateBucketCommand({ Bucket: bucket }));
      const r = await runCli(['create', bucket, '--console', '--username', uniqueName('dry'), '--dry-run']);
      expect(r.code).toBe(0);
      const plan = JSON.parse(r.stdout) as Array<{ operation: string; input: Record<string, unknown> }>;
      expect(plan.find((s) => s.operation === 'CreateLoginProfile')!.input.Password).toBe('(hidden)');
      expect(r.stdout + r.stderr).not.toMatch(/"Password": "(?!\(hidden\))/);
    });
  });

  test('--public: Block Public Access is off and the bucket policy is the public-read policy', async () => {
    const bucket = uniqueName('pub');
    await admin.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await admin.s3.send(
      new PutPublicAccessBlockCommand({
        Bucket: bucket,
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          IgnorePublicAcls: true,
          BlockPublicPolicy: true,
          RestrictPublicBuckets: true,
        },
      }),
    );
    const r = await runCli(['create', '--silent', bucket, '--read-only', '--public', '--username', uniqueName('pub')]);
    expect(r.code).toBe(0);
    // the block was removed outright (DeletePublicAccessBlock), not left in place
    await expect(admin.s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket }))).rejects.toMatchObject({
      name: 'NoSuchPublicAccessBlockConfiguration',
    });
    // written out here, not rendered by the code under test: anyone may GetObject, nothing more
    const { Policy } = await admin.s3.send(new GetBucketPolicyCommand({ Bucket: bucket }));
    expect(JSON.parse(Policy!)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'PublicReadObjects',
          Effect: 'Allow',
          Principal: '*',
          Action: ['s3:GetObject'],
          Resource: `arn:aws:s3:::${bucket}/*`,
        },
      ],
    });
  });

  test('--website: index.html and error.html', async () => {
    const bucket = uniqueName('web');
    const r = await runCli(['create', '--silent', bucket, '-c', '--website', '--username', uniqueName('web')]);
    expect(r.code).toBe(0);
    const site = await admin.s3.send(new GetBucketWebsiteCommand({ Bucket: bucket }));
    expect(site.IndexDocument?.Suffix).toBe('index.html');
    expect(site.ErrorDocument?.Key).toBe('error.html');
  });
});
