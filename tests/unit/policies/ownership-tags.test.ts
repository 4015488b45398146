import { TAG_MADE_BY, grantTagValue, madeByS3Share, tagTime, tagValue } from '../../../src/policies/ownership';

// IAM's own rule for tag values: letters, digits, spaces and _ . : / = + - @, at most 256.
const IAM_TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;

describe('ownership tags', () => {
  it('keeps a grant readable and within what IAM accepts', () => {
    expect(grantTagValue('read-only', ['photos', 'archive'], ['alice/'])).toBe('read-only photos/alice/ archive/alice/');
    expect(grantTagValue('read-write', ['photos'])).toBe('read-write photos');
  });

  it.each(['a*b', 'x?y', 'bucket/é/[1]', 'x'.repeat(400), 'quote"s & <tags>'])('turns %j into a valid tag value', (text) => {
    const value = tagValue(text);
    expect(value).toMatch(IAM_TAG_VALUE);
    expect(value.length).toBeLessThanOrEqual(256);
  });

  it('writes times to the second in UTC', () => {
    expect(tagTime(new Date('2026-12-04T18:20:00.123Z'))).toBe('2026-12-04T18:20:00Z');
  });

  it('recognises s3-share principals by the made-by tag only', () => {
    expect(madeByS3Share([{ Key: TAG_MADE_BY, Value: 's3-share/0.1.0' }])).toBe(true);
    expect(madeByS3Share([{ Key: 's3-share:user', Value: 'alice' }])).toBe(false);
    expect(madeByS3Share(undefined)).toBe(false);
  });
});
