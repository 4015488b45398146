// The input rules that run before any AWS call: console password characters, the size of a policy
// source (--policy FILE, --policy -, --policy '{...}', --statement), and the one path rule that
// --prefix, sync destinations and upload keys share.
import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { UsageError } from '../../../src/errors';
import { MAX_POLICY_SOURCE_BYTES, passwordCharacterProblem } from '../../../src/policies/input-rules';
import { keyPathProblem, validateDestinationKey } from '../../../src/policies/prefix';
import { parseDestination } from '../../../src/services/sync/destination';
import { passwordProblem } from '../../../src/services/credentials/console-login';
import { policySpecFromOptions, readPolicyTemplate } from '../../../src/commands/shared/policy-options';
import { readCapped } from '../../../src/io';
import { fakeIo } from '../support/fake-io';

describe('console password characters', () => {
  it.each(['Correct horse battery 9!', 'a~`"\'\\{}[]<>?/|;:,.^%$#@!', 'x'.repeat(128)])('accepts %j', (password) => {
    expect(passwordCharacterProblem(password)).toBeUndefined();
  });

  it.each([
    ['pass\tword-123', /control character/],
    ['pass\u007fword-123', /control character/],
    ['p\u00e4ssword-123', /outside printable ASCII/],
    ['passw\u00f6rd-\u{1F600}', /outside printable ASCII/],
    ['x'.repeat(129), /longer than 128 characters/],
  ])('refuses %j without quoting it', (password, expected) => {
    const problem = passwordCharacterProblem(password);
    expect(problem).toMatch(expected);
    expect(problem).not.toContain(password);
    expect(problem).not.toMatch(/U\+|position/);
  });

  it('is part of the password check against the account policy', () => {
    expect(passwordProblem('p\u00e4ssword-123', { MinimumPasswordLength: 8 })).toMatch(/outside printable ASCII/);
  });
});

describe('one path rule for prefixes, sync destinations and upload keys', () => {
  it.each([
    ['../x', /'\.' or '\.\.' segment/],
    ['a/./b', /'\.' or '\.\.' segment/],
    ['a//b', /contains '\/\/'/],
    ['/a', /starts with '\/'/],
    [' a', /starts with a space/],
    ['a/b ', /^ends with a space: /],
    ['a /b', /^has a folder name that ends with a space \('a '\)/],
    ['a\rb', /control character U\+000D/],
  ])('keyPathProblem(%j)', (path, expected) => {
    expect(keyPathProblem(path)).toMatch(expected);
  });

  it.each(['a', 'a/', 'a b/c d.txt', '.hidden/x', 'a...b', 'r\u00e9sum\u00e9.pdf', 'a*b?$c'])('%j is a plain path', (path) => {
    expect(keyPathProblem(path)).toBeUndefined();
  });

  it.each([
    ['s3://bkt/../x', /^destination folder '\.\.\/x' of s3:\/\/bkt\/\.\.\/x has a '\.' or '\.\.' segment: S3 does not resolve them/],
    ['s3://bkt/a/./b', /has a '\.' or '\.\.' segment/],
    ['s3://bkt//x', /^destination folder '\/x' of s3:\/\/bkt\/\/x starts with '\/': S3 keys have no leading slash, use 'x'/],
    ['bkt/a//b', /contains '\/\/', an empty folder name/],
    ['s3://bkt/ alice', /^destination folder ' alice' of s3:\/\/bkt\/ alice starts with a space: /],
    ['s3://bkt/a\nb', /^destination folder 'a\?b' of s3:\/\/bkt\/a\?b contains the control character U\+000A/],
  ])('a sync destination %j is refused as --prefix would be', (text, expected) => {
    expect(() => parseDestination(text)).toThrow(UsageError);
    expect(() => parseDestination(text)).toThrow(expected);
  });

  it('a sync destination with a plain folder still parses', () => {
    expect(parseDestination('s3://bkt/team/alice')).toEqual({ bucket: 'bkt', prefix: 'team/alice/' });
  });

  it.each([
    ['../etc/passwd', /^key '\.\.\/etc\/passwd' has a '\.' or '\.\.' segment/],
    ['/abs.txt', /^key '\/abs\.txt' starts with '\/'/],
    ['a//b.txt', /^key 'a\/\/b\.txt' contains '\/\/'/],
    [' report.pdf', /^key ' report\.pdf' starts with a space/],
    ['', /^the key is empty/],
    ['k'.repeat(1025), /^the key is 1025 bytes long: S3 keys are at most 1024 bytes/],
  ])('an upload key %j is refused', (key, expected) => {
    expect(() => validateDestinationKey(key)).toThrow(expected);
  });

  it('an upload key with spaces, dots and unicode inside is fine', () => {
    expect(() => validateDestinationKey('2024 q1/report v1.2 \u00fc.pdf')).not.toThrow();
  });
});

describe('policy source size, checked before parsing', () => {
  const dir = mkdtempSync(join(tmpdir(), 's3share-policy-size-'));
  const over =
    /is ([\d,]+|more than 262,144) bytes, over the 262,144-byte limit for a policy source: IAM and S3 accept documents of at most 20 KB/;

  it('refuses a 20 MB file by its size, without reading it', async () => {
    const big = join(dir, 'big.json');
    writeFileSync(big, '');
    truncateSync(big, 20 * 1024 * 1024);
    const started = Date.now();
    await expect(readPolicyTemplate(big, fakeIo().io)).rejects.toThrow(
      `--policy file ${big} is 20,971,520 bytes, over the 262,144-byte limit`,
    );
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('reads a file at the limit', async () => {
    const edge = join(dir, 'edge.json');
    writeFileSync(edge, `{"Version":"2012-10-17","Statement":[]}${' '.repeat(MAX_POLICY_SOURCE_BYTES - 39)}`);
    const { text } = await readPolicyTemplate(edge, fakeIo().io);
    expect(Buffer.byteLength(text)).toBe(MAX_POLICY_SOURCE_BYTES);
  });

  it('stops reading stdin at the limit', async () => {
    let served = 0;
    const endless = new Readable({
      read() {
        // 4 MiB in all, so that a reader without the cap finishes (and the test fails) rather than hangs.
        if (served >= 4 * 1024 * 1024) return void this.push(null);
        served += 65536;
        this.push(Buffer.alloc(65536, 0x20));
      },
    });
    const { io } = fakeIo();
    io.stdin = endless;
    // Compared as a message, so a failure does not print megabytes of spaces.
    const outcome = await readPolicyTemplate('-', io).then(
      ({ text }) => `read all ${text.length} bytes`,
      (err: Error) => err.message,
    );
    expect(outcome).toMatch(/^--policy from stdin is more than 262,144 bytes, over the 262,144-byte limit/);
    expect(served).toBeLessThan(MAX_POLICY_SOURCE_BYTES + 4 * 65536);
  });

  it('refuses inline JSON and --statement texts over the limit', async () => {
    const inline = `{${' '.repeat(MAX_POLICY_SOURCE_BYTES)}}`;
    expect(
      await readPolicyTemplate(inline, fakeIo().io).then(
        () => 'read',
        (err: Error) => err.message,
      ),
    ).toMatch(over);
    const statement = `{"Effect":"Allow","Action":"s3:GetObject","Resource":"${'a'.repeat(MAX_POLICY_SOURCE_BYTES)}"}`;
    await expect(policySpecFromOptions(['b'], { statement: [statement] }, fakeIo().io)).rejects.toThrow(
      /^--statement is [\d,]+ bytes, over the 262,144-byte limit/,
    );
  });

  it('keeps a UTF-8 character split across chunks whole', async () => {
    const bytes = Buffer.from('{"Sid":"\u00e9t\u00e9"}');
    const text = await readCapped(Readable.from([bytes.subarray(0, 9), bytes.subarray(9)]), 100, () => new Error('too large'));
    expect(text).toBe('{"Sid":"\u00e9t\u00e9"}');
  });

  it('still names a missing file', async () => {
    await expect(readPolicyTemplate(join(dir, 'nope.json'), fakeIo().io)).rejects.toThrow(
      /cannot read --policy file .*nope\.json: no such file/,
    );
    await expect(readPolicyTemplate(dir, fakeIo().io)).rejects.toThrow(/it is a directory/);
  });
});
