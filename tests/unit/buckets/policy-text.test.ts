import { UsageError } from '../../../src/errors';
import {
  checkBucketPolicyTextSize,
  mergeGrant,
  parseAccountPrincipal,
  parseBucketPolicy,
  revokeGrants,
} from '../../../src/policies/bucket-grants';
import { formatJsonText, policyTextSize, readArrayElements, readObjectMembers } from '../../../src/policies/policy-text';

const BUCKET = 'photos';
const ACCOUNT = parseAccountPrincipal('111122223333');

// Statements someone else wrote, in forms JSON.parse + JSON.stringify would change: a number past
// 2^53, decimals, \u and \/ escapes, keys in an unusual order, whitespace inside.
const BIG_NUMBER =
  '{"Condition":{"NumericLessThan":{"s3:max-keys":12345678901234567891}},"Sid":"Big","Effect":"Deny","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::photos"}';
const DECIMALS =
  '{ "Sid" : "Dec", "Effect":"Deny", "Principal":{"AWS":"*"}, "Action":["s3:GetObject"], "Resource":"arn:aws:s3:::photos/*", "Condition":{"NumericGreaterThan":{"s3:signatureAge":1.0e3, "aws:MultiFactorAuthAge": 1.50}} }';
const ESCAPES =
  '{"Effect":"Allow","Sid":"Caf\\u00e9","Principal":{"AWS":"arn:aws:iam::999988887777:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::photos\\/caf\\u00e9\\/*"}';

const doc = (statements: string, head = '"Version":"2012-10-17","Id":"Team\\u0020policy"') => `{${head},\n  "Statement": ${statements}\n}`;

function grantThenRevoke(text: string): string {
  const granted = mergeGrant(parseBucketPolicy(text, BUCKET), { bucket: BUCKET, principal: ACCOUNT, mode: 'read-write' });
  expect(granted.added.length).toBeGreaterThan(0);
  const revoked = revokeGrants(parseBucketPolicy(granted.text!, BUCKET), { account: ACCOUNT.account });
  expect(revoked.removed.length).toBe(granted.added.length);
  return revoked.text!;
}

describe("other people's statements survive grant then revoke exactly", () => {
  it('keeps big numbers, decimals, escapes, key order and whitespace inside statements, byte for byte', () => {
    const before = doc(`[${BIG_NUMBER},\n ${DECIMALS}, ${ESCAPES}]`);
    const after = grantThenRevoke(before);
    expect(readArrayElements(readObjectMembers(after)!.find((m) => m.name === 'Statement')!.valueText)).toEqual([
      BIG_NUMBER,
      DECIMALS,
      ESCAPES,
    ]);
    for (const s of [BIG_NUMBER, DECIMALS, ESCAPES, '12345678901234567891', '1.0e3', '1.50', 'Caf\\u00e9', 'photos\\/caf'])
      expect(after).toContain(s);
    // The other members too, as written, in their order.
    expect(after).toBe('{"Version":"2012-10-17","Id":"Team\\u0020policy","Statement":[' + [BIG_NUMBER, DECIMALS, ESCAPES].join(',') + ']}');
  });

  it('keeps a single (non-array) Statement exactly, adding the grant beside it', () => {
    const before = doc(BIG_NUMBER);
    const granted = mergeGrant(parseBucketPolicy(before, BUCKET), { bucket: BUCKET, principal: ACCOUNT, mode: 'read-only' });
    expect(
      granted.text!.startsWith(`{"Version":"2012-10-17","Id":"Team\\u0020policy","Statement":[${BIG_NUMBER},{"Sid":"S3ShareRead`),
    ).toBe(true);
    expect(JSON.parse(granted.text!)).toEqual(granted.policy);
    expect(grantThenRevoke(before)).toContain(`"Statement":[${BIG_NUMBER}]`);
  });

  it('keeps members after Statement and a byte-order mark out of the JSON', () => {
    const before = '\uFEFF{"Statement":[' + DECIMALS + '],"Version":"2012-10-17"}';
    expect(grantThenRevoke(before)).toBe('{"Statement":[' + DECIMALS + '],"Version":"2012-10-17"}');
  });

  it('re-granting replaces only s3-share statements and leaves the rest as read', () => {
    const first = mergeGrant(parseBucketPolicy(doc(`[${ESCAPES}]`), BUCKET), { bucket: BUCKET, principal: ACCOUNT, mode: 'read-only' });
    const again = mergeGrant(parseBucketPolicy(first.text!, BUCKET), { bucket: BUCKET, principal: ACCOUNT, mode: 'read-write' });
    expect(again.removed.length).toBeGreaterThan(0);
    expect(again.added.length).toBeGreaterThan(0);
    expect(again.text).toContain(`"Statement":[${ESCAPES},`);
  });

  it('refuses a policy with two Statement members rather than guess which one counts', () => {
    expect(() => parseBucketPolicy(`{"Statement":[${ESCAPES}],"Statement":[${DECIMALS}]}`, BUCKET)).toThrow(
      /more than one Statement member/,
    );
  });
});

describe('readObjectMembers / readArrayElements', () => {
  it('give each value exactly as written, nested brackets and brackets inside strings included', () => {
    const text = ' { "a\\"]" : [1, {"b":"}]"}] , "c":true,"d" :null , "e": -0.00E+1 } ';
    expect(readObjectMembers(text)).toEqual([
      { name: 'a"]', nameText: '"a\\"]"', valueText: '[1, {"b":"}]"}]' },
      { name: 'c', nameText: '"c"', valueText: 'true' },
      { name: 'd', nameText: '"d"', valueText: 'null' },
      { name: 'e', nameText: '"e"', valueText: '-0.00E+1' },
    ]);
    expect(readArrayElements('[ ]')).toEqual([]);
    expect(readArrayElements('[1.0 ,"\\\\",{}]')).toEqual(['1.0', '"\\\\"', '{}']);
    expect(readObjectMembers('[]')).toBeUndefined();
    expect(readArrayElements('{}')).toBeUndefined();
  });
});

describe('the bucket-policy size counts the text written', () => {
  it('counts characters outside strings without whitespace, inside strings with it', () => {
    expect(policyTextSize('{ "a b" : [ 1 ,\n 2 ] }')).toBe('{"a b":[1,2]}'.length);
    expect(policyTextSize('"\\u00e9"')).toBe(8);
    expect(policyTextSize('"\\"x"')).toBe(5);
    expect(policyTextSize('"😀"')).toBe(3);
  });

  it('refuses a policy whose kept statements push the written text over 20,480 characters', () => {
    // Escaped text is longer than its parsed form: the check must count what is sent.
    const filler = '\\u0041'.repeat(3300);
    const text = `{"Version":"2012-10-17","Statement":[{"Sid":"Pad","Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::photos/${filler}"}]}`;
    const change = mergeGrant(parseBucketPolicy(text, BUCKET), { bucket: BUCKET, principal: ACCOUNT, mode: 'read-only' });
    expect(JSON.stringify(change.policy).length).toBeLessThan(20480);
    expect(() => checkBucketPolicyTextSize(change.text!)).toThrow(UsageError);
    expect(() => checkBucketPolicyTextSize(change.text!)).toThrow(/over the 20,480-character limit of a bucket policy/);
    expect(checkBucketPolicyTextSize(JSON.stringify(change.policy))).toBeLessThan(20480);
  });
});

describe('formatJsonText', () => {
  it.each([
    '{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::1:root","x"]},"Action":"s3:*","Resource":[]}]}',
    '{"a":{},"b":[],"c":[[],[{}],{"d":[1,2,{"e":null}]}],"f":true,"g":-1.5e-7,"h":"x\\"y\\\\z\\n"}',
    '[1,"two",[3],{"four":4}]',
    '"just a string"',
    '{}',
  ])('lays ordinary JSON out exactly as JSON.stringify does: %s', (text) => {
    expect(formatJsonText(text, false)).toBe(JSON.stringify(JSON.parse(text), null, 2));
    expect(formatJsonText(text, true)).toBe(JSON.stringify(JSON.parse(text)));
  });

  it('drops only the whitespace between tokens', () => {
    expect(formatJsonText(' {\n\t"a b" :\r\n [ 1 , "c d" ] ,"e":{ } }\n', true)).toBe('{"a b":[1,"c d"],"e":{}}');
  });

  it('keeps every token as written', () => {
    const text = '{"n":12345678901234567891,"d":1.0,"s":"\\u00e9\\/","n":2}';
    expect(formatJsonText(text, true)).toBe(text);
    expect(formatJsonText(`\uFEFF ${text} `, false)).toBe(
      '{\n  "n": 12345678901234567891,\n  "d": 1.0,\n  "s": "\\u00e9\\/",\n  "n": 2\n}',
    );
  });
});
