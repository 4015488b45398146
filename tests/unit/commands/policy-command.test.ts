import { Command, CommanderError } from 'commander';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerPolicy } from '../../../src/commands/policy';
import { UsageError } from '../../../src/errors';
import { fakeIo } from '../support/fake-io';

const dir = mkdtempSync(join(tmpdir(), 's3share-policy-'));

/** Runs `s3-share policy ARGS` in-process the way cli.ts does: usage errors are one line and exit 2. */
async function policy(args: string[], stdin = '') {
  const f = fakeIo({}, stdin);
  const program = new Command('s3-share').exitOverride();
  registerPolicy(program, f.io);
  for (const cmd of [program, ...program.commands]) {
    cmd.exitOverride().configureOutput({ writeOut: (s) => void f.io.stdout.write(s), writeErr: (s) => void f.io.stderr.write(s) });
  }
  let code = 0;
  try {
    await program.parseAsync(['policy', ...args], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) code = err.code === 'commander.helpDisplayed' ? 0 : 2;
    else if (err instanceof UsageError) {
      f.io.stderr.write(`error: ${err.message}\n`);
      code = err.exitCode;
    } else throw err;
  }
  return { code, stdout: f.out(), stderr: f.err() };
}

describe('s3-share policy', () => {
  it('prints the read-write policy by default as pretty JSON, nothing on stderr', async () => {
    const r = await policy(['photos']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^\{\n {2}"Version": "2012-10-17",\n/);
    const doc = JSON.parse(r.stdout);
    expect(doc.Statement.map((s: { Sid: string }) => s.Sid)).toEqual(['ListBucketAndFindRegion', 'ReadWriteObjects']);
  });

  it('prints one line with --nl, covering all the buckets', async () => {
    const r = await policy(['photos', 'videos', '--read-only', '--nl']);
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd()).not.toContain('\n');
    expect(r.stdout.endsWith('\n')).toBe(true);
    expect(JSON.parse(r.stdout).Statement[1].Resource).toEqual(['arn:aws:s3:::photos/*', 'arn:aws:s3:::videos/*']);
  });

  it('tells on stderr that it added the trailing slash, unless --silent', async () => {
    const r = await policy(['photos', '--write-only', '--prefix', 'alice']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('prefix alice means the folder alice/; added the trailing slash\n');
    expect(JSON.parse(r.stdout).Statement[0].Resource).toBe('arn:aws:s3:::photos/alice/*');
    const quiet = await policy(['photos', '--write-only', '--prefix', 'alice', '--silent']);
    expect(quiet.stderr).toBe('');
    expect(quiet.stdout).toBe(r.stdout);
  });

  it('reads --policy from a file, literal JSON or stdin', async () => {
    const template =
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::$!BUCKET_NAME!$/$!PREFIX!$*"}]}';
    const file = join(dir, 'template.json');
    writeFileSync(file, template);
    const expected = ['arn:aws:s3:::photos/alice/*', 'arn:aws:s3:::videos/alice/*'];
    for (const [value, stdin] of [
      [file, ''],
      [`  ${template}`, ''],
      ['-', template],
    ] as const) {
      const r = await policy(['photos', 'videos', '--policy', value, '--prefix', 'alice/', '--nl'], stdin);
      expect(r).toMatchObject({ code: 0, stderr: '' });
      expect(JSON.parse(r.stdout).Statement[0].Resource).toEqual(expected);
    }
  });

  it('appends repeated --statement options', async () => {
    const r = await policy([
      'photos',
      '--read-only',
      '--statement',
      '{"Effect":"Allow","Action":"s3:PutObjectTagging","Resource":"arn:aws:s3:::photos/*"}',
      '--statement',
      '{"Effect":"Allow","Action":"s3:GetBucketTagging","Resource":"arn:aws:s3:::photos"}',
    ]);
    expect(r.code).toBe(0);
    expect(
      JSON.parse(r.stdout)
        .Statement.map((s: { Action: unknown }) => s.Action)
        .slice(2),
    ).toEqual(['s3:PutObjectTagging', 's3:GetBucketTagging']);
  });

  it('prints the public-read bucket policy with --public-bucket', async () => {
    const r = await policy(['site-assets', '--public-bucket', '--nl']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'PublicReadObjects', Effect: 'Allow', Principal: '*', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::site-assets/*' },
      ],
    });
  });

  it('warns when the policy fits only a managed policy, and refuses one that fits nowhere', async () => {
    const names = (n: number) => Array.from({ length: n }, (_, i) => `company-data-bucket-${String(i + 1).padStart(3, '0')}`);
    const big = await policy([...names(20), '--nl']);
    expect(big.code).toBe(0);
    expect(big.stderr).toMatch(
      /^warning: the policy is 2,1\d\d characters \(not counting whitespace\), over the 2,048 limit of a user's inline policies and of a session policy: it fits only a managed policy/,
    );
    const huge = await policy([...names(80)]);
    expect(huge.code).toBe(2);
    expect(huge.stdout).toBe('');
    expect(huge.stderr).toMatch(
      /^error: the policy is [\d,]+ characters \(not counting whitespace\), over the 6,144-character limit of a managed policy: share fewer buckets per user, or shorten the statements\n$/,
    );
  });

  it.each<[string, string[], RegExp]>([
    [
      '--read-only with --write-only',
      ['photos', '--read-only', '--write-only'],
      /^error: --read-only and --write-only conflict: leave both out for read-write access$/,
    ],
    [
      '--policy with a mode',
      ['photos', '--policy', '{}', '--read-only'],
      /^error: --policy and --read-only conflict: a custom policy says itself what it allows, use one of them$/,
    ],
    [
      '--public-bucket with a mode',
      ['photos', '--public-bucket', '--write-only'],
      /^error: --public-bucket and --write-only conflict: --public-bucket prints the bucket policy that makes every object public, use it alone$/,
    ],
    ['--public-bucket with --prefix', ['photos', '--public-bucket', '--prefix', 'a/'], /^error: --public-bucket and --prefix conflict/],
    ['--public-bucket with --policy', ['photos', '--public-bucket', '--policy', '{}'], /^error: --public-bucket and --policy conflict/],
    [
      '--public-bucket with two buckets',
      ['photos', 'videos', '--public-bucket'],
      /^error: --public-bucket takes one bucket, not 2: run it once per bucket$/,
    ],
    ['a bad bucket name', ['Photos'], /^error: bucket name 'Photos' has uppercase letters/],
    ['a bad prefix', ['photos', '--prefix', 'a/../b'], /^error: prefix 'a\/\.\.\/b' has a '\.' or '\.\.' segment/],
    [
      'a missing --policy file',
      ['photos', '--policy', join(dir, 'nope.json')],
      /^error: cannot read --policy file .*nope\.json: no such file: give a file path, JSON text starting with '\{', or - for stdin$/,
    ],
    ['a directory as --policy', ['photos', '--policy', dir], /: it is a directory: give a file path/],
    [
      'malformed --policy JSON',
      ['photos', '--policy', '{"Version": "2012-10-17", "Statement": [}'],
      /^error: --policy is not valid JSON: unexpected '}' at line 1, column 41/,
    ],
    [
      'a misspelt action in --statement',
      ['photos', '--statement', '{"Effect":"Allow","Action":"s3:GetObjects","Resource":"*"}'],
      /^error: --statement has Action "s3:GetObjects", which is not a known s3 action: did you mean "s3:GetObject"\?$/,
    ],
  ])('refuses %s with one line and exit 2', async (_name, args, expected) => {
    const r = await policy(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.endsWith('\n')).toBe(true);
    expect(r.stderr.slice(0, -1)).not.toContain('\n');
    expect(r.stderr.slice(0, -1)).toMatch(expected);
  });

  it('has no AWS options', async () => {
    const r = await policy(['photos', '--profile', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option '--profile'/);
  });

  it('needs a bucket', async () => {
    const r = await policy([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing required argument 'buckets'/);
  });

  it('has help with examples', async () => {
    const r = await policy(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: s3-share policy [options] <buckets...>');
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toContain('$!BUCKET_NAME!$');
    for (const flag of ['--read-only', '--write-only', '--prefix', '--policy', '--statement', '--public-bucket', '--nl', '--silent']) {
      expect(r.stdout).toContain(flag);
    }
  });
});
