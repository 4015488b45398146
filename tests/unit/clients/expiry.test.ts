import { hasExpired, parseExpiry, withExpiry } from '../../../src/policies/expiry';
import type { PolicyDocument } from '../../../src/policies/documents';

const NOW = new Date('2026-12-04T12:00:00.500Z');

describe('expiry', () => {
  test('dates, times and (for create) days', () => {
    expect(parseExpiry('2027-01-31', 'expires', NOW).toISOString()).toBe('2027-01-31T00:00:00.000Z');
    expect(parseExpiry('2027-01-31T18:30:00+02:00', 'expires', NOW).toISOString()).toBe('2027-01-31T16:30:00.000Z');
    expect(parseExpiry('30d', '--expires', NOW, true).toISOString()).toBe('2027-01-03T12:00:00.000Z');
    expect(() => parseExpiry('30d', 'expires', NOW)).toThrow(/'30d' is not a date/);
    expect(() => parseExpiry('2027-02-29', 'expires', NOW)).toThrow(/not a date/);
    expect(() => parseExpiry('0d', '--expires', NOW, true)).toThrow(/at least 1d/);
    expect(() => parseExpiry('2026-01-01', '--expires', NOW, true)).toThrow(/is in the past/);
    expect(parseExpiry('2026-01-01', 'expires', NOW).toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });

  test('every Allow gets DateLessThan aws:CurrentTime; a Deny and other conditions are kept', () => {
    const doc: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::b', Condition: { StringLike: { 's3:prefix': ['a/*'] } } },
        { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/a/*' },
        { Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': false } } },
      ],
    };
    const out = withExpiry(doc, new Date('2027-01-31T00:00:00Z'));
    expect(out.Statement[0]!.Condition).toEqual({
      StringLike: { 's3:prefix': ['a/*'] },
      DateLessThan: { 'aws:CurrentTime': '2027-01-31T00:00:00Z' },
    });
    expect(out.Statement[1]!.Condition).toEqual({ DateLessThan: { 'aws:CurrentTime': '2027-01-31T00:00:00Z' } });
    expect(out.Statement[2]).toEqual(doc.Statement[2]);
    expect(withExpiry(doc, undefined)).toBe(doc);
    expect(doc.Statement[1]!.Condition).toBeUndefined();
  });

  test('expired means at or before now', () => {
    expect(hasExpired(new Date('2026-12-04T12:00:00Z'), NOW)).toBe(true);
    expect(hasExpired(new Date('2026-12-05T00:00:00Z'), NOW)).toBe(false);
    expect(hasExpired(undefined, NOW)).toBe(false);
  });
});
