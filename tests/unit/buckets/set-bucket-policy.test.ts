// set-bucket-policy runs in-process through main() with S3 mocked: the merge by Sid of
// --allow-all-get, the --replace rule of --policy-file, the statement diff on stderr, --dry-run,
// Block Public Access, rollback, and every bad input refused before any AWS call.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteBucketPolicyCommand,
  GetBucketPolicyCommand,
  GetPublicAccessBlockCommand,
  PutBucketPolicyCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { diffLines, diffStatements, isPublicStatement, publicReadStatements } from '../../../src/policies/bucket-policies';
import { awsError } from '../support/aws-error';
import { main } from '../../../src/cli';
import { fakeIo } from '../support/fake-io';
import { CREDS, runCli } from '../support/run-cli';

const s3 = mockClient(S3Client);
const cli = (args: string[], stdin?: string) => runCli(['set-bucket-policy', ...args], { stdin });
const puts = () => s3.commandCalls(PutBucketPolicyCommand);
const sent = (i = 0) => JSON.parse(puts()[i]!.args[0].input.Policy!);
const oneErrorLine = (stderr: string) => {
  const errors = stderr.split('\n').filter((l) => l.startsWith('error: '));
  expect(errors).toHaveLength(1);
  return errors[0]!;
};

const ALL_GET = {
  Sid: 'AllowAllGetObject',
  Effect: 'Allow',
  Principal: '*',
  Action: ['s3:GetObject'],
  Resource: ['arn:aws:s3:::photos/*'],
};
const KEEP = {
  Sid: 'Keep',
  Effect: 'Allow',
  Principal: { AWS: 'arn:aws:iam::999988887777:root' },
  Action: 's3:ListBucket',
  Resource: 'arn:aws:s3:::photos',
};
const NO_SID = { Effect: 'Deny', Principal: '*', Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::photos/*' };
// Written with a big number and an escape, which must survive as written.
const STORED = `{"Version":"2012-10-17","Id":"Mine","Statement":[{"Sid":"Keep","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:root"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::photos","Condition":{"NumericLessThan":{"s3:max-keys":12345678901234567891}}},{"Sid":"Old\\u0041","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::photos/old/*"}]}`;

let dir: string;
const file = (name: string, content: unknown) => {
  const p = join(dir, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return p;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'set-bucket-policy-'));
});

beforeEach(() => {
  s3.reset();
  s3.on(PutBucketPolicyCommand).resolves({});
  s3.on(DeleteBucketPolicyCommand).resolves({});
  s3.on(GetPublicAccessBlockCommand).rejects(awsError('NoSuchPublicAccessBlockConfiguration', 404));
  s3.on(GetBucketPolicyCommand).rejects(awsError('NoSuchBucketPolicy', 404));
});

describe('set-bucket-policy --allow-all-get', () => {
  it("on a bucket with no policy writes s3-credentials' statement and prints the result", async () => {
    const r = await cli(['photos', '--allow-all-get']);
    expect(r.code).toBe(0);
    expect(sent()).toEqual({ Version: '2012-10-17', Statement: [ALL_GET] });
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ Bucket: 'photos', Source: 'allow-all-get', Added: ['AllowAllGetObject'], Operation: 'PutBucketPolicy' });
    expect(out.Policy).toEqual(sent());
    expect(r.stderr).toMatch(/^bucket photos has no bucket policy; the new one:$/m);
    expect(r.stderr).toMatch(/^ {2}\+ statement 1 \(Sid AllowAllGetObject\): \{"Sid":"AllowAllGetObject",/m);
  });

  it('merges into the stored policy: other statements stay exactly as written, in place', async () => {
    s3.on(GetBucketPolicyCommand).resolves({ Policy: STORED });
    const r = await cli(['photos', '--allow-all-get']);
    expect(r.code).toBe(0);
    const text = puts()[0]!.args[0].input.Policy!;
    expect(text).toContain('12345678901234567891');
    expect(text).toContain('"Old\\u0041"');
    expect(sent()).toMatchObject({ Id: 'Mine', Statement: [{ Sid: 'Keep' }, { Sid: 'OldA' }, ALL_GET] });
    expect(JSON.parse(r.stdout)).toMatchObject({ Added: ['AllowAllGetObject'], Replaced: [], Removed: [], Kept: 2 });
    expect(r.stderr).toMatch(/^ {2}= statement 1 \(Sid Keep\): unchanged$/m);
    expect(r.stderr).toMatch(/^ {2}= statement 2 \(Sid OldA\): unchanged$/m);
    expect(r.stderr).toMatch(/^ {2}\+ statement 3 \(Sid AllowAllGetObject\)/m);
  });

  it('replaces an earlier AllowAllGetObject by Sid, in its place, and shows old and new', async () => {
    const older = { ...ALL_GET, Action: 's3:GetObject', Resource: 'arn:aws:s3:::photos/pub/*' };
    s3.on(GetBucketPolicyCommand).resolves({ Policy: JSON.stringify({ Version: '2012-10-17', Statement: [older, KEEP] }) });
    const r = await cli(['photos', '--allow-all-get']);
    expect(r.code).toBe(0);
    expect(sent().Statement).toEqual([ALL_GET, KEEP]);
    expect(JSON.parse(r.stdout)).toMatchObject({ Added: [], Replaced: ['AllowAllGetObject'], Kept: 1 });
    expect(r.stderr).toMatch(/^ {2}- statement 1 \(Sid AllowAllGetObject\): .*photos\/pub\/\*/m);
    expect(r.stderr).toMatch(/^ {2}\+ statement 1 \(Sid AllowAllGetObject\): .*photos\/\*"\]\}$/m);
  });

  it('a second run changes nothing and says so', async () => {
    s3.on(GetBucketPolicyCommand).resolves({ Policy: JSON.stringify({ Version: '2012-10-17', Statement: [KEEP, ALL_GET] }) });
    const r = await cli(['photos', '--allow-all-get']);
    expect(r.code).toBe(0);
    expect(puts()).toHaveLength(0);
    expect(r.stderr).toMatch(/no change: the bucket policy of photos already lets anyone GetObject/);
    expect(JSON.parse(r.stdout)).toMatchObject({ Operation: null });
  });

  it('--dry-run prints the plan and the merged policy, and writes nothing', async () => {
    s3.on(GetBucketPolicyCommand).resolves({ Policy: STORED });
    const r = await cli(['photos', '--allow-all-get', '--dry-run']);
    expect(r.code).toBe(0);
    expect(puts()).toHaveLength(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ DryRun: true, Plan: [{ operation: 'PutBucketPolicy', input: { Bucket: 'photos' } }] });
    expect(out.Plan[0].input.Policy).toEqual(out.Policy);
    expect(out.Policy.Statement).toHaveLength(3);
    expect(r.stderr).toMatch(/would put the bucket policy of photos: add AllowAllGetObject; keep 2 other statement\(s\)/);
  });

  it('BlockPublicPolicy on: one line saying what to do, nothing written', async () => {
    const on = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };
    s3.on(GetPublicAccessBlockCommand).resolves({ PublicAccessBlockConfiguration: on });
    const r = await cli(['photos', '--allow-all-get']);
    expect(r.code).toBe(1);
    expect(puts()).toHaveLength(0);
    expect(oneErrorLine(r.stderr)).toBe(
      'error: bucket photos blocks public bucket policies (Block Public Access BlockPublicPolicy is on) and this policy is public (AllowAllGetObject): turn that off first with s3-share set-public-access-block photos --block-public-policy false --restrict-public-buckets false, or leave the public statement out',
    );
  });

  it('RestrictPublicBuckets alone: the policy is written, with a warning that anonymous users still cannot read', async () => {
    const some = { BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: true };
    s3.on(GetPublicAccessBlockCommand).resolves({ PublicAccessBlockConfiguration: some });
    const r = await cli(['photos', '--allow-all-get']);
    expect(r.code).toBe(0);
    expect(puts()).toHaveLength(1);
    expect(r.stderr).toMatch(/^warning: Block Public Access RestrictPublicBuckets is on for photos: .*not anonymous users/m);
  });

  it('a refused write is one line with the AWS code, and nothing else is written', async () => {
    s3.on(GetBucketPolicyCommand).resolves({ Policy: STORED });
    s3.on(PutBucketPolicyCommand).rejects(awsError('MalformedPolicy', 400, 'Invalid principal in policy'));
    const r = await cli(['photos', '--allow-all-get']);
    expect(r.code).toBe(1);
    expect(oneErrorLine(r.stderr)).toMatch(/put the bucket policy of photos: .* failed: Invalid principal in policy \(MalformedPolicy/);
    expect(puts()).toHaveLength(1);
    expect(s3.commandCalls(DeleteBucketPolicyCommand)).toHaveLength(0);
  });

  it('AccessDenied on a public policy names both causes: Block Public Access (account or bucket) and the permission', async () => {
    s3.on(PutBucketPolicyCommand).rejects(awsError('AccessDenied', 403, 'Access Denied'));
    const r = await cli(['photos', '--allow-all-get']);
    expect(r.code).toBe(1);
    expect(oneErrorLine(r.stderr)).toMatch(
      /failed: S3 refused the public policy \(AccessDenied\): either Block Public Access of the account .* or of the bucket has BlockPublicPolicy on, or these credentials may not call s3:PutBucketPolicy; for the bucket: s3-share set-public-access-block photos --block-public-policy false/,
    );
  });

  it('AccessDenied on a policy that is not public is the usual access-denied line', async () => {
    s3.on(PutBucketPolicyCommand).rejects(awsError('AccessDenied', 403, 'Access Denied'));
    const p = file('private.json', { Version: '2012-10-17', Statement: [KEEP] });
    const r = await cli(['photos', '--policy-file', p]);
    expect(r.code).toBe(1);
    expect(oneErrorLine(r.stderr)).not.toMatch(/public policy/);
    expect(oneErrorLine(r.stderr)).toMatch(/AccessDenied/);
  });

  it.each([
    ['a policy', STORED],
    ['no policy', undefined],
  ])('a signal during the write on a bucket with %s puts the old state back exactly (exit 130)', async (_n, before) => {
    const f = fakeIo(CREDS);
    if (before === undefined) s3.on(GetBucketPolicyCommand).rejects(awsError('NoSuchBucketPolicy', 404));
    else s3.on(GetBucketPolicyCommand).resolves({ Policy: before });
    const interruptDuring = async () => {
      if (!f.io.interrupts.signal.aborted) f.interrupt('SIGINT');
      return {};
    };
    s3.on(PutBucketPolicyCommand).callsFake(interruptDuring);
    s3.on(DeleteBucketPolicyCommand).callsFake(interruptDuring);
    const code = await main(['set-bucket-policy', 'photos', '--allow-all-get'], f.io);
    expect(code).toBe(130);
    expect(f.out()).toBe('');
    const written = puts().map((c) => c.args[0].input.Policy);
    if (before === undefined) {
      expect(written).toHaveLength(1);
      expect(s3.commandCalls(DeleteBucketPolicyCommand).map((c) => c.args[0].input)).toEqual([{ Bucket: 'photos' }]);
      expect(f.err()).toMatch(/^error: interrupted by SIGINT; rolled back: delete the bucket policy of photos again$/m);
    } else {
      expect(written).toHaveLength(2);
      expect(written[1]).toBe(before);
      expect(f.err()).toMatch(/rolled back: restore the previous bucket policy of photos/);
    }
  });
});

describe('set-bucket-policy --policy-file', () => {
  it('on a bucket with no policy stores the file as written', async () => {
    const p = file(
      'new.json',
      `{\n  "Version": "2012-10-17",\n  "Statement": [${JSON.stringify(KEEP)}, {"Sid":"N","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::photos/a/*","Condition":{"NumericLessThan":{"s3:max-keys":1.0}}}]\n}\n`,
    );
    const r = await cli(['photos', '--policy-file', p]);
    expect(r.code).toBe(0);
    expect(puts()[0]!.args[0].input.Policy).toContain('1.0');
    expect(JSON.parse(r.stdout)).toMatchObject({ Source: 'policy-file', Added: ['Keep', 'N'], Removed: [], Kept: 0 });
  });

  it('refuses to drop or rewrite stored statements without --replace (exit 2, naming them), after showing the diff', async () => {
    s3.on(GetBucketPolicyCommand).resolves({ Policy: STORED });
    const changedKeep = { ...KEEP, Action: 's3:*' };
    const p = file('other.json', { Version: '2012-10-17', Statement: [changedKeep] });
    const r = await cli(['photos', '--policy-file', p]);
    expect(r.code).toBe(2);
    expect(puts()).toHaveLength(0);
    expect(oneErrorLine(r.stderr)).toBe(
      `error: the bucket policy of photos has statements that --policy-file ${p} would drop or rewrite (statement 1 (Sid Keep), statement 2 (Sid OldA)): add them to the file, or give --replace to replace the whole policy`,
    );
    expect(r.stderr).toMatch(/^ {2}- statement 1 \(Sid Keep\): .*"s3:ListBucket"/m);
    expect(r.stderr).toMatch(/^ {2}\+ statement 1 \(Sid Keep\): .*"s3:\*"/m);
    expect(r.stderr).toMatch(/^ {2}- statement 2 \(Sid OldA\): /m);
  });

  it('--replace replaces the policy, and the result names what went', async () => {
    s3.on(GetBucketPolicyCommand).resolves({ Policy: STORED });
    const p = file('replace.json', { Version: '2012-10-17', Statement: [ALL_GET] });
    const r = await cli(['photos', '--policy-file', p, '--replace']);
    expect(r.code).toBe(0);
    expect(sent()).toEqual({ Version: '2012-10-17', Statement: [ALL_GET] });
    expect(JSON.parse(r.stdout)).toMatchObject({ Added: ['AllowAllGetObject'], Removed: ['Keep', 'OldA'], Replaced: [], Kept: 0 });
  });

  it('a file that only adds to the stored statements needs no --replace; Sid-less statements match by content', async () => {
    s3.on(GetBucketPolicyCommand).resolves({ Policy: JSON.stringify({ Version: '2012-10-17', Statement: [KEEP, NO_SID] }) });
    const p = file('superset.json', { Version: '2012-10-17', Statement: [NO_SID, KEEP, ALL_GET] });
    const r = await cli(['photos', '--policy-file', p]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ Added: ['AllowAllGetObject'], Removed: [], Replaced: [], Kept: 2 });
  });

  it('a changed Sid-less statement is a removal plus an addition, so it needs --replace', async () => {
    s3.on(GetBucketPolicyCommand).resolves({ Policy: JSON.stringify({ Version: '2012-10-17', Statement: [NO_SID] }) });
    const p = file('nosid.json', { Version: '2012-10-17', Statement: [{ ...NO_SID, Action: 's3:PutObject' }] });
    const r = await cli(['photos', '--policy-file', p]);
    expect(r.code).toBe(2);
    expect(oneErrorLine(r.stderr)).toMatch(/would drop or rewrite \(statement 1\)/);
  });

  it('the same policy again changes nothing', async () => {
    s3.on(GetBucketPolicyCommand).resolves({ Policy: JSON.stringify({ Version: '2012-10-17', Statement: [KEEP] }) });
    const p = file('same.json', { Version: '2012-10-17', Statement: [KEEP] });
    const r = await cli(['photos', '--policy-file', p]);
    expect(r.code).toBe(0);
    expect(puts()).toHaveLength(0);
    expect(r.stderr).toMatch(/no change: the bucket policy of photos is already the one in --policy-file/);
  });

  it('reads the policy from stdin with -', async () => {
    const r = await cli(['photos', '--policy-file', '-', '--dry-run'], JSON.stringify({ Version: '2012-10-17', Statement: [KEEP] }));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ DryRun: true, Added: ['Keep'] });
    expect(puts()).toHaveLength(0);
  });

  it('--replace with --dry-run shows what would go and writes nothing', async () => {
    s3.on(GetBucketPolicyCommand).resolves({ Policy: STORED });
    const p = file('dry.json', { Version: '2012-10-17', Statement: [ALL_GET] });
    const r = await cli(['photos', '--policy-file', p, '--replace', '--dry-run']);
    expect(r.code).toBe(0);
    expect(puts()).toHaveLength(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ DryRun: true, Removed: ['Keep', 'OldA'] });
    expect(r.stderr).toMatch(/^ {2}- statement 1 \(Sid Keep\)/m);
  });

  it('--replace overwrites a stored policy that is not valid JSON, with a warning', async () => {
    s3.on(GetBucketPolicyCommand).resolves({ Policy: '{"Statement": [' });
    const p = file('fix.json', { Version: '2012-10-17', Statement: [KEEP] });
    const r = await cli(['photos', '--policy-file', p, '--replace']);
    expect(r.code).toBe(0);
    expect(sent().Statement).toEqual([KEEP]);
    expect(r.stderr).toMatch(/warning: the stored bucket policy of photos cannot be read, and --replace drops it whole/);
    const without = await cli(['photos', '--policy-file', p]);
    expect(without.code).toBe(1);
    expect(oneErrorLine(without.stderr)).toMatch(/s3-share will not overwrite a policy it cannot read/);
  });
});

describe('set-bucket-policy bad input: one line, exit 2, no AWS call', () => {
  it.each([
    [['--allow-all-get', '--policy-file', 'x.json'], /--allow-all-get and --policy-file conflict/],
    [[], /nothing to set: give --policy-file FILE \(- for stdin\) or --allow-all-get/],
    [['--allow-all-get', '--replace'], /--replace goes with --policy-file/],
    [['--policy-file', '/nonexistent/p.json'], /cannot read --policy-file \/nonexistent\/p.json: no such file/],
    [['--allow-all-get', '--allow-all-get'], /--allow-all-get was given 2 times/],
  ])('%j', async (args, message) => {
    const r = await cli(['photos', ...args]);
    expect(r.code).toBe(2);
    expect(oneErrorLine(r.stderr)).toMatch(message);
    expect(s3.calls()).toHaveLength(0);
  });

  it.each([
    ['not JSON', '{"Version": "2012-10-17",', /is not valid JSON: .* at line 1/],
    ['empty', '', /is empty/],
    [
      'no Principal',
      { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::photos/*' }] },
      /statement 1 has no Principal/,
    ],
    [
      'another bucket',
      { Version: '2012-10-17', Statement: [{ ...ALL_GET, Resource: 'arn:aws:s3:::other/*' }] },
      /has Resource arn:aws:s3:::other\/\*, which is not in bucket photos/,
    ],
    ['two equal Sids', { Version: '2012-10-17', Statement: [KEEP, KEEP] }, /two statements with Sid "Keep"/],
    ['no Statement', { Version: '2012-10-17' }, /has no "Statement"/],
  ])('a policy file that is %s', async (_n, content, message) => {
    const p = file('bad.json', content);
    const r = await cli(['photos', '--policy-file', p]);
    expect(r.code).toBe(2);
    expect(oneErrorLine(r.stderr)).toMatch(message);
    expect(s3.calls()).toHaveLength(0);
  });

  it('an invalid bucket name', async () => {
    const r = await cli(['Bad_Bucket', '--allow-all-get']);
    expect(r.code).toBe(2);
    expect(s3.calls()).toHaveLength(0);
  });
});

describe('statement diff and public statements (pure)', () => {
  const side = (statements: unknown[]) => ({ statements, texts: statements.map((s) => JSON.stringify(s)) });

  it('matches by Sid, then by content, in the new order with removals last', () => {
    const d = diffStatements(
      side([KEEP, NO_SID, ALL_GET]),
      side([{ ...ALL_GET, Resource: 'arn:aws:s3:::photos/x/*' }, NO_SID, { Sid: 'New', ...NO_SID }]),
    );
    expect(d.map((e) => [e.change, e.name])).toEqual([
      ['replace', 'AllowAllGetObject'],
      ['keep', 'statement 2'],
      ['add', 'New'],
      ['remove', 'Keep'],
    ]);
    expect(diffLines(d)).toHaveLength(5);
  });

  it.each([
    [ALL_GET, true],
    [{ ...ALL_GET, Principal: { AWS: '*' } }, true],
    [{ ...ALL_GET, Principal: { AWS: ['arn:aws:iam::999988887777:root'] } }, false],
    [{ ...ALL_GET, Effect: 'Deny' }, false],
    [{ ...ALL_GET, Condition: { IpAddress: { 'aws:SourceIp': '192.0.2.0/24' } } }, false],
    [{ ...ALL_GET, Condition: { StringLike: { 'aws:SourceArn': 'arn:*' } } }, true],
    [{ ...ALL_GET, Condition: { Bool: { 'aws:SecureTransport': 'true' } } }, true],
  ])('isPublicStatement(%j) is %s', (s, expected) => expect(isPublicStatement(s)).toBe(expected));

  it.each([
    [{ ...ALL_GET, Action: 's3:Get*' }, ['AllowAllGetObject']],
    [{ ...ALL_GET, Action: '*', Resource: '*' }, ['AllowAllGetObject']],
    [{ ...ALL_GET, Action: 's3:ListBucket', Resource: 'arn:aws:s3:::photos' }, []],
    [{ ...ALL_GET, Resource: 'arn:aws:s3:::photos/public/*' }, ['AllowAllGetObject']],
    [{ ...ALL_GET, Resource: 'arn:aws:s3:::photos' }, []],
    [{ ...ALL_GET, NotAction: 's3:PutObject', Action: undefined }, ['AllowAllGetObject']],
  ])('publicReadStatements of %j', (s, expected) => expect(publicReadStatements([s], 'photos')).toEqual(expected));
});
