import { UsageError } from '../../../src/errors';
import { MAX_PREFIX_BYTES, normalizePrefix } from '../../../src/policies/prefix';

function messageFor(raw: string): string {
  try {
    normalizePrefix(raw);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).not.toMatch(/[\n\r]/);
    return (err as Error).message;
  }
  throw new Error(`'${raw}' was accepted`);
}

describe('normalizePrefix', () => {
  it('keeps a folder that ends in a slash, with no notice', () => {
    expect(normalizePrefix('alice/')).toEqual({ prefix: 'alice/' });
    expect(normalizePrefix('team/alice/')).toEqual({ prefix: 'team/alice/' });
  });

  it('adds the trailing slash and says so', () => {
    expect(normalizePrefix('alice')).toEqual({
      prefix: 'alice/',
      notice: 'prefix alice means the folder alice/; added the trailing slash',
    });
    expect(normalizePrefix('team/alice').prefix).toBe('team/alice/');
  });

  it('accepts Latin-1 letters, spaces and punctuation S3 allows', () => {
    expect(normalizePrefix('r\u00e9sum\u00e9s 2024/').prefix).toBe('r\u00e9sum\u00e9s 2024/');
    expect(normalizePrefix('a+b=c,d@e').prefix).toBe('a+b=c,d@e/');
    expect(normalizePrefix('.hidden/').prefix).toBe('.hidden/');
    expect(normalizePrefix('a...b/').prefix).toBe('a...b/');
    expect(normalizePrefix('my documents/2024 q1/').prefix).toBe('my documents/2024 q1/');
  });

  it('accepts a prefix up to the byte limit and counts bytes, not characters', () => {
    expect(normalizePrefix('a'.repeat(MAX_PREFIX_BYTES - 1)).prefix).toHaveLength(MAX_PREFIX_BYTES);
    expect(messageFor('a'.repeat(MAX_PREFIX_BYTES))).toMatch(
      /is 1001 bytes long: S3 keys are at most 1,024 bytes, so keep the prefix to 1,000 bytes/,
    );
    // 'é' is two bytes in UTF-8.
    expect(messageFor('\u00e9'.repeat(500))).toMatch(/is 1001 bytes long/);
  });

  it.each([
    ['', /^prefix is empty: give a folder such as 'alice\/', or no prefix to share the whole bucket$/],
    ['/alice/', /starts with '\/': S3 keys have no leading slash, use 'alice\/'/],
    ['/', /starts with '\/'/],
    ['ali*ce/', /contains '\*', which IAM reads it as a wildcard: a prefix is a literal folder name, remove it/],
    ['alice?/', /contains '\?'/],
    ['${aws:username}/', /contains '\$', which IAM reads \$\{\.\.\.\} as a policy variable/],
    ['alice\n/', /contains the control character U\+000A: remove it/],
    ['alice\t', /control character U\+0009/],
    ['alice\u0085', /control character U\+0085/],
    ['alice//bob/', /contains '\/\/', an empty folder name: use single slashes/],
    ['alice/../bob/', /has a '.' or '..' segment: S3 does not resolve them/],
    ['..', /has a '.' or '..' segment/],
    ['alice/./', /has a '.' or '..' segment/],
    ['\u65e5\u672c/', /contains '\u65e5' \(U\+65E5\): IAM policies may only contain Latin-1 characters/],
    ['emoji-\u{1F600}/', /U\+1F600/],
    [
      ' alice',
      /^prefix ' alice' starts with a space: whitespace at either end of a folder or file name is usually pasted by mistake, remove it$/,
    ],
    ['alice ', /^prefix 'alice ' ends with a space: /],
    ['alice /', /^prefix 'alice \/' has a folder name that ends with a space \('alice '\): /],
    ['team/ alice/', /^prefix 'team\/ alice\/' has a folder name that starts with a space \(' alice'\): /],
    ['\u00a0alice/', /starts with whitespace \(U\+00A0\)/],
    ['alice/ ', /^prefix 'alice\/ ' ends with a space: /],
  ])('rejects %j', (raw, expected) => {
    expect(messageFor(raw)).toMatch(expected);
  });

  it('shortens a very long prefix in its message', () => {
    const message = messageFor('x'.repeat(2000));
    expect(message.length).toBeLessThan(200);
  });
});
