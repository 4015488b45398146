// grant-account, revoke-account and get-bucket-policy run in-process through main() with S3
// mocked: which calls are made (above all, when PutBucketPolicy is NOT called), what goes to
// stdout and stderr, and the exit codes.
import {
  DeleteBucketPolicyCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  PutBucketPolicyCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { mergeGrant, parseAccountPrincipal, parseBucketPolicy } from '../../../src/policies/bucket-grants';
import { awsError } from '../support/aws-error';
import { runCli } from '../support/run-cli';

const s3 = mockClient(S3Client);

const cli = (...args: string[]) => runCli(args);

const OTHER = {
  Sid: 'Keep',
  Effect: 'Allow',
  Principal: { AWS: 'arn:aws:iam::999988887777:root' },
  Action: 's3:GetObject',
  Resource: 'arn:aws:s3:::photos/*',
};
const STORED = JSON.stringify({ Version: '2012-10-17', Id: 'Mine', Statement: [OTHER] });
const puts = () => s3.commandCalls(PutBucketPolicyCommand);
const oneErrorLine = (stderr: string) => {
  const errors = stderr.split('\n').filter((l) => l.startsWith('error: '));
  expect(errors).toHaveLength(1);
  return errors[0];
};

beforeEach(() => {
  s3.reset();
  s3.on(PutBucketPolicyCommand).resolves({});
  s3.on(DeleteBucketPolicyCommand).resolves({});
  s3.on(GetBucketOwnershipControlsCommand).resolves({ OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } });
});

describe('grant-account', () => {
  it('merges into the existing policy and prints what changed', async () => {
    s3.on(GetBucketPolicyCommand).resolves({ Policy: STORED });
    const r = await cli('grant-account', 'photos', '--account', '111122223333', '--read-only');
    expect(r.code).toBe(0);
    expect(puts()).toHaveLength(1);
    const sent = JSON.parse(puts()[0]!.args[0].input.Policy!);
    expect(sent.Id).toBe('Mine');
    expect(JSON.stringify(sent.Statement[0])).toBe(JSON.stringify(OTHER));
    expect(puts()[0]!.args[0].input.Policy).not.toMatch(/\s/);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      Bucket: 'photos',
      Account: '111122223333',
      Mode: 'read-only',
      Kept: 1,
      Operation: 'PutBucketPolicy',
      Removed: [],
      Replaced: [],
    });
    expect(out.Added).toEqual(['S3ShareRead111122223333ListBucketAndFindRegion', 'S3ShareRead111122223333ReadObjects']);
    expect(out.Policy).toEqual(sent);
    // a read-only grant has no uploads whose ownership matters
    expect(s3.commandCalls(GetBucketOwnershipControlsCommand)).toHaveLength(0);
  });

  it('starts a new policy when the bucket has none', async () => {
    s3.on(GetBucketPolicyCommand).rejects(awsError('NoSuchBucketPolicy', 404));
    const r = await cli(
      'grant-account',
      'photos',
      '--account',
      'arn:aws:iam::111122223333:role/up',
      '--write-only',
      '--prefix',
      'in',
      '--silent',
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(JSON.parse(puts()[0]!.args[0].input.Policy!)).toMatchObject({
      Version: '2012-10-17',
      Statement: [{ Principal: { AWS: 'arn:aws:iam::111122223333:role/up' }, Resource: 'arn:aws:s3:::photos/in/*' }],
    });
  });

  it('a second identical grant does not call PutBucketPolicy and says so', async () => {
    const already = mergeGrant(null, { bucket: 'photos', principal: parseAccountPrincipal('111122223333'), mode: 'read-write' }).policy;
    s3.on(GetBucketPolicyCommand).resolves({ Policy: JSON.stringify(already) });
    const r = await cli('grant-account', 'photos', '--account', '111122223333');
    expect(r.code).toBe(0);
    expect(puts()).toHaveLength(0);
    expect(r.stderr).toMatch(
      /^no change: the bucket policy of photos already grants read-write on photos for arn:aws:iam::111122223333:root$/m,
    );
    expect(JSON.parse(r.stdout)).toMatchObject({ Operation: null, Added: [], Policy: already });
  });

  it('--dry-run prints the merged policy and the plan, and writes nothing', async () => {
    s3.on(GetBucketPolicyCommand).resolves({ Policy: STORED });
    const r = await cli('grant-account', 'photos', '--account', '111122223333', '--prefix', 'alice/', '--dry-run');
    expect(r.code).toBe(0);
    expect(puts()).toHaveLength(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      DryRun: true,
      Operation: 'PutBucketPolicy',
      Prefix: 'alice/',
      Plan: [{ service: 's3', operation: 'PutBucketPolicy', input: { Bucket: 'photos' } }],
    });
    expect(out.Plan[0].input.Policy).toEqual(out.Policy);
    expect(r.stderr).toMatch(/would put the bucket policy of photos: add S3Share/);
  });

  it.each([
    ['ObjectWriter', { OwnershipControls: { Rules: [{ ObjectOwnership: 'ObjectWriter' as const }] } }, /has Object Ownership ObjectWriter/],
    [
      'BucketOwnerPreferred',
      { OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' as const }] } },
      /has Object Ownership BucketOwnerPreferred/,
    ],
    ['no controls', awsError('OwnershipControlsNotFoundError', 404), /has Object Ownership ObjectWriter/],
    ['unreadable', awsError('AccessDenied', 403), /could not read the Object Ownership of photos \(access denied/],
  ])(
    'a write grant on a bucket with %s requires bucket-owner-full-control and recommends BucketOwnerEnforced',
    async (_n, answer, warning) => {
      s3.on(GetBucketPolicyCommand).resolves({ Policy: STORED });
      if (answer instanceof Error) s3.on(GetBucketOwnershipControlsCommand).rejects(answer);
      else s3.on(GetBucketOwnershipControlsCommand).resolves(answer);
      const r = await cli('grant-account', 'photos', '--account', '111122223333', '--write-only');
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(warning);
      expect(r.stderr).toMatch(/ObjectOwnership=BucketOwnerEnforced/);
      const sent = JSON.parse(puts()[0]!.args[0].input.Policy!);
      expect(sent.Statement.at(-1)).toMatchObject({ Sid: 'S3ShareWrite111122223333RequireBucketOwnerFullControl', Effect: 'Deny' });
    },
  );

  it('a write grant on a BucketOwnerEnforced bucket adds no Deny', async () => {
    s3.on(GetBucketPolicyCommand).resolves({ Policy: STORED });
    const r = await cli('grant-account', 'photos', '--account', '111122223333');
    expect(r.stderr).not.toMatch(/warning/);
    expect(JSON.parse(puts()[0]!.args[0].input.Policy!).Statement.some((s: { Effect: string }) => s.Effect === 'Deny')).toBe(false);
  });

  it('refuses to overwrite a stored policy that is not valid JSON (exit 1, nothing written)', async () => {
    s3.on(GetBucketPolicyCommand).resolves({ Policy: '{"Version": "2012-10-17", "Statement": [' });
    const r = await cli('grant-account', 'photos', '--account', '111122223333');
    expect(r.code).toBe(1);
    expect(puts()).toHaveLength(0);
    expect(oneErrorLine(r.stderr)).toMatch(
      /^error: the bucket policy of photos is not valid JSON: .*s3-share will not overwrite a policy it cannot read/,
    );
  });

  it('a merged policy over the 20 KB limit is one error line, nothing written', async () => {
    const big = {
      Version: '2012-10-17',
      Statement: Array.from({ length: 70 }, (_, i) => ({
        ...OTHER,
        Sid: `S${i}`,
        Resource: `arn:aws:s3:::photos/${'x'.repeat(280)}${i}/*`,
      })),
    };
    s3.on(GetBucketPolicyCommand).resolves({ Policy: JSON.stringify(big) });
    const r = await cli('grant-account', 'photos', '--account', '111122223333');
    expect(r.code).toBe(2);
    expect(puts()).toHaveLength(0);
    expect(oneErrorLine(r.stderr)).toMatch(/over the 20,480-character limit of a bucket policy/);
  });

  it('a missing bucket is one error line, exit 1', async () => {
    s3.on(GetBucketPolicyCommand).rejects(awsError('NoSuchBucket', 404));
    const r = await cli('grant-account', 'nope-bucket', '--account', '111122223333');
    expect(r.code).toBe(1);
    expect(oneErrorLine(r.stderr)).toBe(
      'error: bucket nope-bucket does not exist (NoSuchBucket): check the name and --region, or create it',
    );
  });

  it('PutBucketPolicy refused by AWS is exit 1 with the code', async () => {
    s3.on(GetBucketPolicyCommand).resolves({ Policy: STORED });
    s3.on(PutBucketPolicyCommand).rejects(awsError('MalformedPolicy', 400, 'Invalid principal in policy'));
    const r = await cli('grant-account', 'photos', '--account', 'arn:aws:iam::111122223333:role/gone', '--read-only');
    expect(r.code).toBe(1);
    expect(oneErrorLine(r.stderr)).toMatch(/Invalid principal in policy \(MalformedPolicy/);
  });

  it.each([
    [['--account', '12345'], /--account 12345 has 5 digits/],
    [['--account', 'arn:aws:iam::111122223333:group/g'], /is not an IAM principal ARN/],
    [[], /--account is required/],
    [['--account', '111122223333', '--read-only', '--write-only'], /conflict/],
    [['--account', '111122223333', '--prefix', 'a*'], /prefix 'a\*' contains '\*'/],
  ])('bad input %j is one line, exit 2, before any AWS call', async (args, message) => {
    const r = await cli('grant-account', 'photos', ...args);
    expect(r.code).toBe(2);
    expect(oneErrorLine(r.stderr)).toMatch(message);
    expect(s3.calls()).toHaveLength(0);
  });

  it('a bad bucket name is exit 2', async () => {
    const r = await cli('grant-account', 's3://photos', '--account', '111122223333');
    expect(r.code).toBe(2);
    expect(oneErrorLine(r.stderr)).toMatch(/is a URL/);
  });
});

describe('revoke-account', () => {
  const granted = () =>
    JSON.stringify(
      mergeGrant(parseBucketPolicy(STORED, 'photos'), {
        bucket: 'photos',
        principal: parseAccountPrincipal('111122223333'),
        mode: 'read-only',
      }).policy,
    );

  it('removes the account and puts back exactly the rest', async () => {
    s3.on(GetBucketPolicyCommand).resolves({ Policy: granted() });
    const r = await cli('revoke-account', 'photos', '--account', '111122223333');
    expect(r.code).toBe(0);
    expect(puts()[0]!.args[0].input.Policy).toBe(STORED);
    expect(JSON.parse(r.stdout)).toMatchObject({
      Operation: 'PutBucketPolicy',
      Kept: 1,
      Removed: ['S3ShareRead111122223333ListBucketAndFindRegion', 'S3ShareRead111122223333ReadObjects'],
    });
  });

  it('deletes the policy when nothing else is left', async () => {
    s3.on(GetBucketPolicyCommand).resolves({
      Policy: JSON.stringify(
        mergeGrant(null, { bucket: 'photos', principal: parseAccountPrincipal('111122223333'), mode: 'read-only' }).policy,
      ),
    });
    const r = await cli('revoke-account', 'photos', '--account', '111122223333');
    expect(r.code).toBe(0);
    expect(puts()).toHaveLength(0);
    expect(s3.commandCalls(DeleteBucketPolicyCommand)).toHaveLength(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ Operation: 'DeleteBucketPolicy', Policy: null });
  });

  it('revoking what is not there says so, exit 0, writes nothing', async () => {
    s3.on(GetBucketPolicyCommand).resolves({ Policy: STORED });
    const r = await cli('revoke-account', 'photos', '--account', '111122223333');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^nothing to revoke: the bucket policy of photos has no s3-share statements for account 111122223333$/m);
    expect(puts()).toHaveLength(0);
    s3.on(GetBucketPolicyCommand).rejects(awsError('NoSuchBucketPolicy', 404));
    const none = await cli('revoke-account', 'photos', '--account', '111122223333');
    expect(none.code).toBe(0);
    expect(none.stderr).toMatch(/nothing to revoke: bucket photos has no bucket policy/);
    expect(s3.commandCalls(DeleteBucketPolicyCommand)).toHaveLength(0);
  });

  it('--dry-run writes nothing', async () => {
    s3.on(GetBucketPolicyCommand).resolves({ Policy: granted() });
    const r = await cli('revoke-account', 'photos', '--account', '111122223333', '--dry-run');
    expect(r.code).toBe(0);
    expect(puts()).toHaveLength(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ DryRun: true, Policy: JSON.parse(STORED) });
  });

  it('bad account id is exit 2', async () => {
    const r = await cli('revoke-account', 'photos', '--account', '1111-2222-3333');
    expect(r.code).toBe(2);
    expect(oneErrorLine(r.stderr)).toMatch(/neither a 12-digit account ID/);
  });
});

describe('get-bucket-policy', () => {
  it('prints the stored policy, pretty or on one line', async () => {
    s3.on(GetBucketPolicyCommand).resolves({ Policy: STORED });
    const pretty = await cli('get-bucket-policy', 'photos');
    expect(pretty.code).toBe(0);
    expect(pretty.stdout).toBe(JSON.stringify(JSON.parse(STORED), null, 2) + '\n');
    expect((await cli('get-bucket-policy', 'photos', '--nl')).stdout).toBe(STORED + '\n');
  });

  it('no policy: one line, exit 1', async () => {
    s3.on(GetBucketPolicyCommand).rejects(awsError('NoSuchBucketPolicy', 404));
    const r = await cli('get-bucket-policy', 'photos');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(oneErrorLine(r.stderr)).toMatch(/^error: bucket photos has no bucket policy \(NoSuchBucketPolicy\)/);
  });

  it('a stored policy that is not JSON is printed as stored, with an error, exit 1', async () => {
    s3.on(GetBucketPolicyCommand).resolves({ Policy: '{oops' });
    const r = await cli('get-bucket-policy', 'photos');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('{oops\n');
    expect(oneErrorLine(r.stderr)).toMatch(/is not valid JSON/);
  });
});

describe('what is put back of statements s3-share did not write', () => {
  const THEIRS =
    '{"Condition":{"NumericLessThan":{"s3:max-keys":12345678901234567891},"NumericGreaterThan":{"s3:signatureAge":1.0}},"Sid":"Caf\\u00e9","Effect":"Deny","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::photos\\/x"}';
  const ORIGINAL = `{"Version":"2012-10-17","Statement":${THEIRS}}`;

  it('grant-account then revoke-account sends the other statement exactly as it was read', async () => {
    s3.on(GetBucketPolicyCommand).resolves({ Policy: ORIGINAL });
    expect((await cli('grant-account', 'photos', '--account', '111122223333', '--read-only', '--silent')).code).toBe(0);
    const granted = puts()[0]!.args[0].input.Policy!;
    expect(granted).toContain(`"Statement":[${THEIRS},`);
    s3.on(GetBucketPolicyCommand).resolves({ Policy: granted });
    expect((await cli('revoke-account', 'photos', '--account', '111122223333', '--silent')).code).toBe(0);
    expect(puts()[1]!.args[0].input.Policy).toBe(`{"Version":"2012-10-17","Statement":[${THEIRS}]}`);
  });

  it('prints the policy as it will be stored: the other statement as written, with --nl, pretty and in a dry run', async () => {
    s3.on(GetBucketPolicyCommand).resolves({ Policy: ORIGINAL });
    const oneLine = await cli('grant-account', 'photos', '--account', '111122223333', '--read-only', '--silent', '--nl');
    expect(oneLine.code).toBe(0);
    expect(oneLine.stdout).toContain(`"Policy":{"Version":"2012-10-17","Statement":[${THEIRS},`);
    expect(JSON.parse(oneLine.stdout).Added.length).toBeGreaterThan(0);
    const pretty = await cli('grant-account', 'photos', '--account', '111122223333', '--read-only', '--silent', '--dry-run');
    expect(pretty.stdout).toMatch(/\n +"s3:max-keys": 12345678901234567891\n/);
    // Both the result's Policy and the plan's PutBucketPolicy input; never JavaScript's reading.
    expect(pretty.stdout.match(/12345678901234567891/g)).toHaveLength(2);
    expect(pretty.stdout).not.toContain('12345678901234567000');
    expect(pretty.stdout).toContain('"s3:signatureAge": 1.0');
    expect(pretty.stdout).toContain('"Sid": "Caf\\u00e9"');
    expect(JSON.parse(pretty.stdout).DryRun).toBe(true);
    s3.on(GetBucketPolicyCommand).resolves({ Policy: puts()[0]!.args[0].input.Policy! });
    const revoked = await cli('revoke-account', 'photos', '--account', '111122223333', '--silent', '--nl');
    expect(revoked.stdout).toContain(`"Policy":{"Version":"2012-10-17","Statement":[${THEIRS}]}`);
  });

  it('counts the text it would send against the 20 KB limit, escapes as written', async () => {
    const padded = `{"Version":"2012-10-17","Statement":[{"Sid":"Pad","Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::photos/${'\\u0041'.repeat(3300)}"}]}`;
    s3.on(GetBucketPolicyCommand).resolves({ Policy: padded });
    const r = await cli('grant-account', 'photos', '--account', '111122223333', '--read-only');
    expect(r.code).toBe(2);
    expect(oneErrorLine(r.stderr)).toMatch(/over the 20,480-character limit of a bucket policy/);
    expect(puts()).toHaveLength(0);
  });
});

describe('get-bucket-policy prints what is stored, not what JavaScript makes of it', () => {
  const TEXT =
    '{ "Version":"2012-10-17",\n  "Statement":[{"Sid":"Caf\\u00e9","Effect":"Deny","Principal":"*","Action":[],"Resource":"arn:aws:s3:::photos\\/x","Condition":{"NumericLessThan":{"s3:max-keys":12345678901234567891},"NumericGreaterThan":{"s3:signatureAge":1.0}}}]}';

  it('keeps big numbers, decimals and escapes, pretty and on one line', async () => {
    s3.on(GetBucketPolicyCommand).resolves({ Policy: TEXT });
    const pretty = (await cli('get-bucket-policy', 'photos')).stdout;
    expect(pretty).toContain('"s3:max-keys": 12345678901234567891\n');
    expect(pretty).toContain('"s3:signatureAge": 1.0\n');
    expect(pretty).toContain('"Sid": "Caf\\u00e9",');
    expect(pretty).toContain('"Resource": "arn:aws:s3:::photos\\/x",');
    expect(pretty).toContain('"Action": [],');
    expect((await cli('get-bucket-policy', 'photos', '--nl')).stdout).toBe(
      TEXT.replace('{ "Version":"2012-10-17",\n  ', '{"Version":"2012-10-17",') + '\n',
    );
  });
});
