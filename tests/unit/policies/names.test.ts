import { defaultUserName, inlinePolicyName, roleSessionName, shortenName, validateIamName } from '../../../src/policies/names';

describe('names', () => {
  it('defaults the user name to s3.<mode>.<buckets>', () => {
    expect(defaultUserName('read-only', ['a', 'b'])).toBe('s3.read-only.a,b');
  });

  it('shortens long names deterministically to 64 characters with 8 hex of SHA-256', () => {
    const buckets = ['a-very-long-bucket-name-number-one', 'a-very-long-bucket-name-number-two'];
    const name = defaultUserName('read-write', buckets);
    expect(name).toHaveLength(64);
    expect(name.slice(0, 55)).toBe(`s3.read-write.${buckets.join(',')}`.slice(0, 55));
    expect(name).toMatch(/-[0-9a-f]{8}$/);
    expect(defaultUserName('read-write', buckets)).toBe(name);
    expect(defaultUserName('read-write', [buckets[0]!, `${buckets[1]}x`])).not.toBe(name);
    expect(shortenName('short')).toBe('short');
  });

  it.each([[''], ['x'.repeat(65)], ['bad name'], ['bad/name'], ['ünï']])('refuses the IAM name %j', (n) => {
    expect(() => validateIamName(n, '--username')).toThrow(/--username/);
  });

  it('accepts IAM names with + = , . @ _ -', () => {
    expect(validateIamName('a+b=c,d.e@f_g-h', '--username')).toBe('a+b=c,d.e@f_g-h');
  });

  it('names the inline policy by mode and content', () => {
    const a = inlinePolicyName('read-only', '{"a":1}');
    expect(a).toMatch(/^s3-share\.read-only\.[0-9a-f]{8}$/);
    expect(inlinePolicyName('read-only', '{"a":1}')).toBe(a);
    expect(inlinePolicyName('read-only', '{"a":2}')).not.toBe(a);
  });

  it('makes a valid RoleSessionName', () => {
    expect(roleSessionName(['b1', 'b2'])).toMatch(/^[\w+=,.@-]{2,64}$/);
    expect(roleSessionName(['x'.repeat(63), 'y'.repeat(63)])).toHaveLength(64);
  });
});
