// Bad input over every command: each case exits 2 (the command line is wrong) or 1 (AWS says no),
// with exactly one line on stderr, no stack trace and nothing on stdout; and afterwards nothing
// was created. It runs against its own moto server, so "nothing created" is an exact count of the
// account's users, keys, policies, roles and buckets before and after.
import {
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListPoliciesCommand,
  ListRolesCommand,
  ListUsersCommand,
} from '@aws-sdk/client-iam';
import { CreateBucketCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdirSync, mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMoto, type MotoServer } from '../support/moto';
import { describeE2E, runCli } from '../support/e2e';

const dir = mkdtempSync(join(tmpdir(), 's3share-badinput-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const existing = file('existing.json', '{}');
const badJson = file('bad.json', '{"AccessKeyId": ');
const noKeys = file('nokeys.json', '{"UserName":"x"}');
const twoProfiles = file(
  'two.ini',
  '[a]\naws_access_key_id=1\naws_secret_access_key=2\n[b]\naws_access_key_id=3\naws_secret_access_key=4\n',
);
const wrongAction = file(
  'wrong-action.json',
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3:GetObjects', Resource: 'arn:aws:s3:::$!BUCKET_NAME!$/*' }],
  }),
);
const unknownPlaceholder = file(
  'placeholder.json',
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::$!BUCKET!$/*' }],
  }),
);
// 20 MB without writing 20 MB: a sparse file, refused by its size before it is read.
const hugePolicy = file('huge.json', '');
truncateSync(hugePolicy, 20 * 1024 * 1024);
const localDir = join(dir, 'upload');
mkdirSync(localDir);
writeFileSync(join(localDir, 'a.txt'), 'a');
const manyBuckets = Array.from({ length: 40 }, (_, i) => `customer-bucket-number-${String(i).padStart(3, '0')}`);
const BUCKET = 'badinput-bucket';
const USER = 'badinput-user';
const ROLE_ARN = 'arn:aws:iam::123456789012:role/badinput-role';

// words: what the one error line must say, so a case cannot pass on an unrelated error.
type Case = [name: string, args: string[], exit: 1 | 2, words: RegExp, stdin?: string];

const cases: Case[] = [
  // the command line itself
  ['unknown command', ['frob'], 2, /unknown command 'frob'/],
  ['unknown option', ['list-users', '--bogus'], 2, /unknown option '--bogus'/],
  ['extra argument', ['whoami', 'extra'], 2, /too many arguments for 'whoami'/],
  ['missing bucket argument', ['create'], 2, /missing required argument 'buckets'/],
  ['conflicting output formats', ['list-users', '--nl', '--csv'], 2, /--nl and --csv conflict/],
  ['concurrency 0', ['list-user-policies', '--concurrency', '0'], 2, /--concurrency must be a whole number from 1 to \d+, not '0'/],
  [
    'concurrency not a number',
    ['list-buckets', '--details', '--concurrency', 'lots'],
    2,
    /--concurrency must be a whole number .*, not 'lots'/,
  ],
  [
    'concurrency too large',
    ['list-user-policies', '--concurrency', '100000'],
    2,
    /--concurrency must be a whole number from 1 to \d+, not '100000'/,
  ],
  // AWS access options
  ['endpoint not a URL', ['whoami', '--endpoint-url', 'not a url'], 2, /--endpoint-url not a url is not a URL/],
  [
    'endpoint not http',
    ['whoami', '--endpoint-url', 'ftp://127.0.0.1'],
    2,
    /--endpoint-url ftp:\/\/127\.0\.0\.1 must start with http:\/\/ or https:\/\//,
  ],
  ['access key without secret', ['whoami', '--access-key', 'AKIAEXAMPLE'], 2, /--access-key and --secret-key must be given together/],
  [
    '--auth with key flags',
    ['whoami', '--auth', existing, '--access-key', 'a', '--secret-key', 'b'],
    2,
    /--auth cannot be combined with --access-key/,
  ],
  ['--auth file missing', ['whoami', '--auth', join(dir, 'missing.json')], 2, /cannot read --auth file .*missing\.json \(ENOENT\)/],
  ['--auth file not JSON', ['whoami', '--auth', badJson], 2, /--auth file .*bad\.json is not valid JSON/],
  ['--auth file without keys', ['whoami', '--auth', noKeys], 2, /--auth file .*nokeys\.json has no AccessKeyId and SecretAccessKey/],
  ['--auth INI with several profiles', ['whoami', '--auth', twoProfiles], 2, /--auth file .*two\.ini has several sections \(a, b\)/],
  ['--auth is a folder', ['whoami', '--auth', dir], 2, /cannot read --auth file .* \(EISDIR\)/],
  // bucket names
  ['uppercase bucket', ['policy', 'Bad_Bucket'], 2, /bucket name 'Bad_Bucket' contains 'B'/],
  ['short bucket', ['policy', 'ab'], 2, /bucket name 'ab' has 2 characters: S3 bucket names have 3 to 63/],
  ['long bucket', ['policy', 'b'.repeat(64)], 2, /bucket name 'b{64}' has 64 characters/],
  ['IP-shaped bucket', ['policy', '192.168.1.1'], 2, /bucket name '192\.168\.1\.1' is formatted like an IP address/],
  ['reserved prefix', ['policy', 'xn--bucket'], 2, /bucket name 'xn--bucket' starts with 'xn--'/],
  ['reserved suffix', ['policy', 'bucket--ol-s3'], 2, /bucket name 'bucket--ol-s3' ends with '--ol-s3'/],
  ['double dot', ['policy', 'a..b'], 2, /bucket name 'a\.\.b' contains two adjacent dots/],
  ['s3:// URL as bucket', ['policy', 's3://bucket'], 2, /bucket name 's3:\/\/bucket' is a URL/],
  // prefixes
  ['prefix with leading slash', ['policy', BUCKET, '--prefix', '/abs'], 2, /prefix '\/abs' starts with '\/'/],
  ['prefix with wildcard', ['policy', BUCKET, '--prefix', 'a*b'], 2, /prefix 'a\*b' contains '\*'/],
  ['empty prefix', ['policy', BUCKET, '--prefix', ''], 2, /prefix is empty/],
  ['prefix with ..', ['policy', BUCKET, '--prefix', 'a/../b'], 2, /prefix 'a\/\.\.\/b' has a '\.' or '\.\.' segment/],
  ['prefix with //', ['policy', BUCKET, '--prefix', 'a//b'], 2, /prefix 'a\/\/b' contains '\/\/'/],
  ['oversized prefix', ['policy', BUCKET, '--prefix', 'p'.repeat(1100)], 2, /prefix 'p+\.\.\.' is 1101 bytes long/],
  ['prefix with a pasted space', ['policy', BUCKET, '--prefix', ' alice'], 2, /prefix ' alice' starts with a space: .*remove it/],
  ['prefix with a trailing tab', ['policy', BUCKET, '--prefix', 'alice\t'], 2, /prefix 'alice\?' contains the control character U\+0009/],
  // policies
  ['read-only and write-only', ['policy', BUCKET, '--read-only', '--write-only'], 2, /--read-only and --write-only conflict/],
  ['malformed JSON policy', ['policy', BUCKET, '--policy', '{"Version": '], 2, /--policy is not valid JSON/],
  ['policy without Statement', ['policy', BUCKET, '--policy', '{"Version":"2012-10-17"}'], 2, /--policy has no \"Statement\"/],
  [
    'policy with unknown action',
    ['policy', BUCKET, '--policy', wrongAction],
    2,
    /wrong-action\.json statement 1 has Action \"s3:GetObjects\", which is not a known s3 action/,
  ],
  [
    'policy with unknown placeholder',
    ['policy', BUCKET, '--policy', unknownPlaceholder],
    2,
    /placeholder\.json has an unknown placeholder \$!BUCKET!\$/,
  ],
  [
    'policy file missing',
    ['policy', BUCKET, '--policy', join(dir, 'nope.json')],
    2,
    /cannot read --policy file .*nope\.json: no such file/,
  ],
  [
    'policy file of 20 MB',
    ['policy', BUCKET, '--policy', hugePolicy],
    2,
    /policy file .*huge\.json is 20,971,520 bytes, over the 262,144-byte limit/,
  ],
  [
    'policy of 1 MB on stdin',
    ['policy', BUCKET, '--policy', '-'],
    2,
    /--policy from stdin is more than 262,144 bytes/,
    `{${' '.repeat(1 << 20)}}`,
  ],
  ['policy from empty stdin', ['policy', BUCKET, '--policy', '-'], 2, /--policy from stdin is empty/, ''],
  ['statement not JSON', ['policy', BUCKET, '--statement', 'not json'], 2, /--statement is not valid JSON/],
  [
    'statement with bad Effect',
    ['policy', BUCKET, '--statement', '{"Effect":"Maybe","Action":"s3:GetObject","Resource":"*"}'],
    2,
    /--statement has Effect \"Maybe\"/,
  ],
  ['public bucket with a mode', ['policy', BUCKET, '--public-bucket', '--read-only'], 2, /--public-bucket and --read-only conflict/],
  [
    'policy over every size limit',
    ['policy', ...manyBuckets, '--prefix', 'a-rather-long-client-folder-name/'],
    2,
    /the policy is [\d,]+ characters .* over the 6,144-character limit of a managed policy/,
  ],
  [
    'oversized statement',
    [
      'policy',
      BUCKET,
      '--statement',
      JSON.stringify({
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: Array.from({ length: 400 }, (_, i) => `arn:aws:s3:::${BUCKET}/k${i}/*`),
      }),
    ],
    2,
    /the policy is [\d,]+ characters .* over the 6,144-character limit/,
  ],
  // create
  ['create: bad bucket', ['create', 'Bad_Bucket', '--username', 'u-bad-bucket'], 2, /bucket name 'Bad_Bucket' contains 'B'/],
  ['create: user name with space', ['create', BUCKET, '--username', 'no spaces'], 2, /--username 'no spaces' contains ' '/],
  [
    'create: user name too long',
    ['create', BUCKET, '--username', 'u'.repeat(65)],
    2,
    /--username 'u{65}' is 65 characters: IAM allows 1 to 64/,
  ],
  ['create: duration too short', ['create', BUCKET, '--duration', '2m'], 2, /--duration '2m' is not a duration from 15m to 12h/],
  ['create: duration too long', ['create', BUCKET, '--duration', '13h'], 2, /--duration '13h' is not a duration from 15m to 12h/],
  ['create: duration not a duration', ['create', BUCKET, '--duration', 'soon'], 2, /--duration 'soon' is not a duration/],
  ['create: unknown format', ['create', BUCKET, '--format', 'yaml'], 2, /--format yaml is not a credentials format/],
  [
    'create: output folder missing',
    ['create', BUCKET, '--output', join(dir, 'no-such-dir', 'c.json')],
    2,
    /cannot write --output .*no-such-dir\/c\.json \(ENOENT\)/,
  ],
  ['create: output exists', ['create', BUCKET, '--output', existing], 2, /--output .*existing\.json already exists/],
  [
    'create: policy file missing',
    ['create', BUCKET, '--policy', join(dir, 'nope.json')],
    2,
    /cannot read --policy file .*nope\.json: no such file/,
  ],
  ['create: bad bucket owner', ['create', BUCKET, '--bucket-owner', '123'], 2, /--bucket-owner 123 is not an AWS account ID/],
  [
    'create: -c with bucket owner',
    ['create', BUCKET, '-c', '--bucket-owner', '111122223333'],
    2,
    /--create-bucket and --bucket-owner conflict/,
  ],
  [
    'create: boundary not an ARN',
    ['create', BUCKET, '--user-permissions-boundary', 'not-an-arn'],
    2,
    /--user-permissions-boundary not-an-arn is not a policy ARN/,
  ],
  ['create: duration with role', ['create', BUCKET, '--duration', '1h', '--role', 'r'], 2, /--duration and --role conflict/],
  ['create: bad role name', ['create', BUCKET, '--role', 'bad!name'], 2, /--role 'bad!name' contains '!'/],
  ['create: wait timeout negative', ['create', BUCKET, '--wait-timeout', '-1'], 2, /--wait-timeout '-1' is not a duration from 1s to 10m/],
  [
    'create: empty password on stdin',
    ['create', BUCKET, '--console', '--password', '-'],
    2,
    /--password - reads one line from stdin, and it was empty/,
    '',
  ],
  [
    'create: console password outside printable ASCII',
    ['create', BUCKET, '--console', '--password', '-'],
    2,
    /console password from stdin cannot be used: it contains a character outside printable ASCII/,
    'P\u00e4ssw\u00f6rd-Secret-123\n',
  ],
  ['create: prefix with a pasted space', ['create', BUCKET, '--prefix', ' alice'], 2, /prefix ' alice' starts with a space/],
  ['create: policy file of 20 MB', ['create', BUCKET, '--policy', hugePolicy], 2, /is 20,971,520 bytes, over the 262,144-byte limit/],
  [
    'create: missing bucket without -c',
    ['create', 'badinput-missing-bucket', '--username', 'u-missing-bucket'],
    1,
    /bucket badinput-missing-bucket does not exist \(NoSuchBucket\)/,
  ],
  // rotate-key, delete-user
  ['rotate-key: no user', ['rotate-key'], 2, /missing required argument 'user'/],
  ['rotate-key: unknown user', ['rotate-key', 'badinput-ghost'], 1, /user badinput-ghost does not exist \(NoSuchEntity\)/],
  ['rotate-key: unknown format', ['rotate-key', USER, '--format', 'xml'], 2, /--format xml is not a credentials format/],
  ['delete-user: no user', ['delete-user'], 2, /^error: no user given: name the users to delete, or use --expired/],
  ['delete-user: unknown user', ['delete-user', 'badinput-ghost'], 1, /user badinput-ghost does not exist \(NoSuchEntity\)/],
  [
    'delete-user: --delete-objects without --yes',
    ['delete-user', USER, '--delete-objects'],
    2,
    /--delete-objects needs confirmation .*: add --yes/,
  ],
  ['delete-user: name IAM never gives', ['delete-user', 'bad name!'], 2, /user name 'bad name!' contains ' '/],
  [
    'delete-user: concurrency 0',
    ['delete-user', USER, '--concurrency', '0'],
    2,
    /--concurrency must be a whole number from 1 to \d+, not '0'/,
  ],
  // cross-account
  [
    'grant-account: short account',
    ['grant-account', BUCKET, '--account', '123'],
    2,
    /--account 123 has 3 digits: an AWS account ID has exactly 12/,
  ],
  [
    'grant-account: group ARN',
    ['grant-account', BUCKET, '--account', 'arn:aws:iam::111122223333:group/x'],
    2,
    /--account arn:aws:iam::111122223333:group\/x is not an IAM principal ARN/,
  ],
  ['grant-account: no account', ['grant-account', BUCKET], 2, /--account is required/],
  [
    'grant-account: missing bucket',
    ['grant-account', 'badinput-missing-bucket', '--account', '111122223333'],
    1,
    /bucket badinput-missing-bucket does not exist \(NoSuchBucket\)/,
  ],
  [
    'revoke-account: bad account',
    ['revoke-account', BUCKET, '--account', 'abc'],
    2,
    /--account abc is neither a 12-digit account ID nor an IAM user or role ARN/,
  ],
  ['get-bucket-policy: bad bucket', ['get-bucket-policy', 'Bad_Bucket'], 2, /bucket name 'Bad_Bucket' contains 'B'/],
  ['get-bucket-policy: no policy', ['get-bucket-policy', BUCKET], 1, /bucket badinput-bucket has no bucket policy \(NoSuchBucketPolicy\)/],
  // files
  ['list-bucket: bad bucket', ['list-bucket', 'Bad_Bucket'], 2, /bucket name 'Bad_Bucket' contains 'B'/],
  [
    'list-bucket: missing bucket',
    ['list-bucket', 'badinput-missing-bucket'],
    1,
    /bucket badinput-missing-bucket does not exist \(NoSuchBucket\)/,
  ],
  ['get-object: no key', ['get-object', BUCKET], 2, /missing required argument 'key'/],
  ['get-object: missing key', ['get-object', BUCKET, 'no/such/key'], 1, /\(NoSuchKey from s3:GetObject\)/],
  [
    'get-objects: concurrency 0',
    ['get-objects', BUCKET, '--concurrency', '0'],
    2,
    /--concurrency must be a whole number from 1 to \d+, not '0'/,
  ],
  [
    'get-objects: prefix with ..',
    ['get-objects', BUCKET, '--prefix', 'a/../b', '-o', dir],
    2,
    /prefix 'a\/\.\.\/b' has a '\.' or '\.\.' segment/,
  ],
  [
    'get-objects: key that leaves the folder',
    ['get-objects', BUCKET, '../escape.txt', '-o', dir],
    2,
    /key '\.\.\/escape\.txt' cannot be written under .*path traversal/,
  ],
  [
    'get-objects: a pattern set that runs backwards',
    ['get-objects', BUCKET, '--pattern', '[z-a]', '-o', dir],
    2,
    /'\[z-a\]' is not a valid pattern/,
  ],
  [
    'get-objects: a --glob set that runs backwards',
    ['get-objects', BUCKET, '--glob', '[z-a]', '-o', dir],
    2,
    /'\[z-a\]' is not a valid pattern/,
  ],
  ['list-bucket: prefix with a pasted space', ['list-bucket', BUCKET, '--prefix', 'alice/ '], 2, /prefix 'alice\/ ' ends with a space/],
  ['put-object: key with ..', ['put-object', BUCKET, '../escape.txt', existing], 2, /key '\.\.\/escape\.txt' has a '\.' or '\.\.' segment/],
  ['put-object: key with a leading slash', ['put-object', BUCKET, '/abs.txt', existing], 2, /key '\/abs\.txt' starts with '\/'/],
  [
    'put-objects: prefix with a pasted space',
    ['put-objects', BUCKET, localDir, '--prefix', ' alice'],
    2,
    /prefix ' alice' starts with a space/,
  ],
  ['delete-objects: prefix with //', ['delete-objects', BUCKET, '--prefix', 'a//b', '--yes'], 2, /prefix 'a\/\/b' contains '\/\/'/],
  ['share: upload key with //', ['share', BUCKET, 'a//b.txt', '--upload'], 2, /key 'a\/\/b\.txt' contains '\/\/'/],
  [
    'delete-objects: prefix without --yes',
    ['delete-objects', BUCKET, '--prefix', 'alice/'],
    2,
    /--prefix deletes every object in the folder .*: add --yes/,
  ],
  ['delete-objects: nothing named', ['delete-objects', BUCKET], 2, /nothing to delete: name the keys, or a folder with --prefix/],
  [
    'share: over 7 days',
    ['share', BUCKET, 'k', '--expires', '8d'],
    2,
    /--expires '8d' is not a duration from 1s to 7d: presigned URLs live at most 7d \(604800 s\)/,
  ],
  ['share: zero expiry', ['share', BUCKET, 'k', '--expires', '0'], 2, /--expires '0' is not a duration from 1s to 7d/],
  [
    'share: content type without upload',
    ['share', BUCKET, 'k', '--content-type', 'text/plain'],
    2,
    /--content-type applies to upload links only/,
  ],
  // assume-and-sync
  [
    'sync: malformed role ARN',
    ['assume-and-sync', localDir, `s3://${BUCKET}/p`, '--role-arn', 'not-an-arn'],
    2,
    /--role-arn not-an-arn is not a role ARN/,
  ],
  ['sync: bad destination bucket', ['assume-and-sync', localDir, 's3://Bad_Bucket/p'], 2, /bucket name 'Bad_Bucket' contains 'B'/],
  [
    'sync: an --exclude set that runs backwards',
    ['assume-and-sync', localDir, `s3://${BUCKET}/p`, '--exclude', '[z-a]'],
    2,
    /'\[z-a\]' is not a valid pattern/,
  ],
  [
    'sync: destination with ..',
    ['assume-and-sync', localDir, `s3://${BUCKET}/../x`],
    2,
    /destination folder '\.\.\/x' .* has a '\.' or '\.\.' segment/,
  ],
  [
    'sync: destination with a pasted space',
    ['assume-and-sync', localDir, `s3://${BUCKET}/ alice`],
    2,
    /destination folder ' alice' .* starts with a space/,
  ],
  [
    'sync: duration too short',
    ['assume-and-sync', localDir, `s3://${BUCKET}`, '--role-arn', ROLE_ARN, '--duration', '1m'],
    2,
    /--duration '1m' is not a duration from 15m to 12h/,
  ],
  [
    'sync: missing local folder',
    ['assume-and-sync', join(dir, 'no-such-folder'), `s3://${BUCKET}/p`],
    1,
    /local folder .*no-such-folder does not exist/,
  ],
  [
    'sync: role that refuses us',
    ['assume-and-sync', localDir, `s3://${BUCKET}/p`, '--role-arn', ROLE_ARN],
    1,
    /may not call sts:AssumeRole \(AccessDenied\)/,
  ],
];

interface Inventory {
  users: string[];
  keys: number;
  policies: string[];
  roles: string[];
  buckets: string[];
}

async function inventory(iam: IAMClient, s3: S3Client): Promise<Inventory> {
  const users = ((await iam.send(new ListUsersCommand({}))).Users ?? []).map((u) => u.UserName!).sort();
  let keys = 0;
  for (const UserName of users) keys += (await iam.send(new ListAccessKeysCommand({ UserName }))).AccessKeyMetadata?.length ?? 0;
  return {
    users,
    keys,
    policies: ((await iam.send(new ListPoliciesCommand({ Scope: 'Local' }))).Policies ?? []).map((p) => p.Arn!).sort(),
    roles: ((await iam.send(new ListRolesCommand({}))).Roles ?? []).map((r) => r.RoleName!).sort(),
    buckets: ((await s3.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name!).sort(),
  };
}

describeE2E('bad input over every command', () => {
  let moto: MotoServer;
  let clients: { iam: IAMClient; s3: S3Client };
  let before: Inventory;

  beforeAll(async () => {
    moto = await startMoto({ enforce: true });
    const config = { endpoint: moto.endpoint, region: 'us-east-1', credentials: { ...moto.admin } };
    clients = { iam: new IAMClient(config), s3: new S3Client({ ...config, forcePathStyle: true }) };
    await clients.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await clients.iam.send(new CreateUserCommand({ UserName: USER }));
    await clients.iam.send(new CreateAccessKeyCommand({ UserName: USER }));
    // A role that trusts someone else: AssumeRole is refused.
    await clients.iam.send(
      new CreateRoleCommand({
        RoleName: 'badinput-role',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${moto.accountId}:user/${USER}` }, Action: 'sts:AssumeRole' }],
        }),
      }),
    );
    before = await inventory(clients.iam, clients.s3);
  }, 60_000);

  afterAll(async () => {
    clients?.iam.destroy();
    clients?.s3.destroy();
    await moto?.stop();
  });

  const env = () => ({
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_ACCESS_KEY_ID: moto.admin.accessKeyId,
    AWS_SECRET_ACCESS_KEY: moto.admin.secretAccessKey,
    AWS_MAX_ATTEMPTS: '2',
  });

  it(`has at least 60 cases (${cases.length})`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
  });

  const rows = cases.map(([name, args, exit, words, stdin]) => ({ name, args, exit, words, stdin }));
  it.each(rows)('$name: exit $exit', async ({ args, exit, words, stdin }) => {
    const r = await runCli(args, { env: env(), input: stdin ?? '' });
    const lines = r.stderr.trimEnd().split('\n');
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: exit, stdout: exit === 2 ? '' : r.stdout });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: \S/);
    expect(lines[0]).toMatch(words);
    // What was piped in may be a secret (--password -): it is never echoed back.
    if (stdin && stdin.trim().length >= 8) expect(r.stderr).not.toContain(stdin.trim().slice(0, 8));
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('created nothing: users, keys, policies, roles and buckets are as before', async () => {
    expect(await inventory(clients.iam, clients.s3)).toEqual(before);
  });
});

describeE2E('bad AWS settings are refused before any AWS call', () => {
  const cfgDir = mkdtempSync(join(tmpdir(), 's3share-badsettings-'));
  const config = join(cfgDir, 'config');
  writeFileSync(config, '[profile client]\nregion = eu-west-1\n[profile broken]\nregion = eu west 1\n');
  const base = {
    AWS_CONFIG_FILE: config,
    AWS_SHARED_CREDENTIALS_FILE: join(cfgDir, 'none'),
    AWS_ACCESS_KEY_ID: 'a',
    AWS_SECRET_ACCESS_KEY: 'b',
  };
  // Nothing listens on port 9: a case that reached AWS would fail with "cannot reach", not these.
  const endpoint = { AWS_ENDPOINT_URL: 'http://127.0.0.1:9' };
  // With a custom endpoint any host-label region is allowed (S3-compatible servers name their
  // own); these are malformed for every endpoint.
  it.each<[string, string[], Record<string, string | undefined>, RegExp]>([
    ['malformed --region', ['whoami', '--region', 'not a region!'], {}, /^error: --region 'not a region!' is not a region name/],
    ['--region with a typo', ['list-buckets', '--region', 'us_east_1'], {}, /^error: --region 'us_east_1' is not a region name/],
    ['malformed AWS_REGION', ['list-users'], { AWS_REGION: 'eu_west_1' }, /^error: AWS_REGION 'eu_west_1'/],
    [
      'malformed region in the profile',
      ['whoami', '--profile', 'broken'],
      { AWS_REGION: undefined },
      /^error: the region of profile broken 'eu west 1'/,
    ],
    [
      '--profile that does not exist',
      ['whoami', '--profile', 'nope'],
      {},
      /^error: profile 'nope' \(--profile\) is not in .*config or .*none: use one of broken, client/,
    ],
    ['AWS_PROFILE that does not exist', ['list-users'], { AWS_PROFILE: 'ghost' }, /^error: profile 'ghost' \(AWS_PROFILE\) is not in /],
    [
      '--auth path with a newline',
      ['whoami', '--auth', join(cfgDir, 'a\nb.json')],
      {},
      /^error: cannot read --auth file .*a\\nb\.json \(ENOENT\)/,
    ],
  ])('%s: exit 2, one line', async (_name, args, env, pattern) => {
    const r = await runCli(args, { env: { ...base, ...endpoint, ...env } });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(pattern);
  });

  it('keys in the environment plus --profile: one warning line, none with --silent', async () => {
    const env = { ...base, ...endpoint, AWS_MAX_ATTEMPTS: '1' };
    const loud = await runCli(['whoami', '--profile', 'client'], { env });
    const lines = loud.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(
      'warning: using profile client (--profile); AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment are ignored',
    );
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^error: /);
    const quiet = await runCli(['whoami', '--profile', 'client', '--silent'], { env });
    expect(quiet.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(quiet.stderr).not.toMatch(/Multiple credential sources|warning/);
  });
});

// Where the credentials are to go is checked before the first AWS call: a target that cannot take
// them, or a format that cannot hold every secret made, is a usage error (exit 2) and nothing is made.
describeE2E('delivery targets and formats refused before any AWS call', () => {
  const dir = mkdtempSync(join(tmpdir(), 's3share-target-'));
  const bucket = `target-${Date.now().toString(36)}`;
  const readOnly = join(dir, 'read-only');
  let mounted = false;
  let iam: import('@aws-sdk/client-iam').IAMClient;

  beforeAll(async () => {
    const [{ adminClients }, { execFileSync }] = await Promise.all([import('../support/e2e'), import('node:child_process')]);
    const clients = adminClients();
    iam = clients.iam;
    await clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    mkdirSync(readOnly);
    // root writes through mode bits, so a read-only mount is the real thing; otherwise mode 0555.
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=16k', 'tmpfs', readOnly], { stdio: 'ignore' });
      mounted = true;
    } catch {
      const { chmodSync } = await import('node:fs');
      chmodSync(readOnly, 0o555);
    }
  });
  afterAll(async () => {
    if (mounted) (await import('node:child_process')).execFileSync('umount', [readOnly], { stdio: 'ignore' });
  });

  const userExists = async (UserName: string) => {
    const { GetUserCommand } = await import('@aws-sdk/client-iam');
    return iam.send(new GetUserCommand({ UserName })).then(
      () => true,
      () => false,
    );
  };
  const name = (p: string) => `${p}-${Math.random().toString(36).slice(2, 10)}`;

  const refusals: Array<[string, () => string[], RegExp]> = [
    ['a folder', () => ['--output', dir], /^error: --output \S+ is a folder: give a file name/],
    ['a folder, with --force', () => ['--output', dir, '--force'], /^error: --output \S+ is a folder/],
    ['a missing folder', () => ['--output', join(dir, 'no', 'such', 'c.json')], /^error: cannot write --output .* \(ENOENT\)/],
    ['a read-only folder', () => ['--output', join(readOnly, 'c.json')], /^error: cannot write --output .* \((EROFS|EACCES)\)/],
    ['a read-only folder, with --force', () => ['--output', join(readOnly, 'c.json'), '--force'], /\((EROFS|EACCES)\)/],
    ['--console with --format ini', () => ['--console', '--format', 'ini'], /^error: --format ini cannot hold the console password/],
    ['--console with --format env', () => ['--console', '--format', 'env'], /^error: --format env cannot hold the console password/],
    ['an unknown --format', () => ['--format', 'yaml'], /--format yaml is not a credentials format: use one of json, ini, env, csv, text/],
  ];

  it.each(refusals)('create with %s: exit 2, one line, no user made', async (_what, args, message) => {
    const UserName = name('tgt');
    const r = await runCli(['create', bucket, '--username', UserName, '--no-wait', ...args()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
    expect(await userExists(UserName)).toBe(false);
  });

  it('rotate-key with a folder, a read-only folder or an existing file: exit 2, the keys untouched', async () => {
    const { CreateUserCommand, CreateAccessKeyCommand, ListAccessKeysCommand } = await import('@aws-sdk/client-iam');
    const UserName = name('tgtr');
    await iam.send(new CreateUserCommand({ UserName }));
    await iam.send(new CreateAccessKeyCommand({ UserName }));
    const keys = async () => (await iam.send(new ListAccessKeysCommand({ UserName }))).AccessKeyMetadata?.map((k) => k.AccessKeyId);
    const before = await keys();
    const existing = join(dir, 'existing.json');
    writeFileSync(existing, 'keep');
    for (const target of [dir, join(readOnly, 'r.json'), existing]) {
      const r = await runCli(['rotate-key', UserName, '--no-wait', '--output', target]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(await keys()).toEqual(before);
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(existing, 'utf8')).toBe('keep');
  });
});
