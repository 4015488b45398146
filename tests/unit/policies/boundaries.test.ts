// The permissions boundary create chooses: every row of the decision, read from the pure function.
import { chooseBoundary, type BoundaryRequest } from '../../../src/policies/boundaries';

const base: BoundaryRequest = { mode: 'read-only', passwordResetRequired: false, role: false };
const S3_READ = 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess';
const S3_FULL = 'arn:aws:iam::aws:policy/AmazonS3FullAccess';

test.each<[string, Partial<BoundaryRequest>, string, string | undefined]>([
  ['read-only defaults to S3 read-only', {}, 'aws', S3_READ],
  ['read-write defaults to S3 full access', { mode: 'read-write' }, 'aws', S3_FULL],
  ['write-only defaults to S3 full access', { mode: 'write-only' }, 'aws', S3_FULL],
  ['the partition is kept', { mode: 'read-write' }, 'aws-cn', 'arn:aws-cn:iam::aws:policy/AmazonS3FullAccess'],
  ['a custom policy gets none (it may grant more than S3)', { mode: 'custom' }, 'aws', undefined],
  ["'none' means none", { requested: 'none' }, 'aws', undefined],
  [
    'an explicit ARN wins',
    { requested: 'arn:aws:iam::111122223333:policy/mine', mode: 'custom' },
    'aws',
    'arn:aws:iam::111122223333:policy/mine',
  ],
  ['--role keeps the default (it goes on the role)', { passwordResetRequired: true, role: true }, 'aws', S3_READ],
])('%s', (_, request, partition, arn) => {
  const choice = chooseBoundary({ ...base, ...request }, partition);
  expect(choice.arn).toBe(arn);
  expect(choice.notice).toBeUndefined();
});

test('a password reset without --role drops the default boundary and says why', () => {
  const choice = chooseBoundary({ ...base, passwordResetRequired: true }, 'aws');
  expect(choice.arn).toBeUndefined();
  expect(choice.notice).toMatch(/iam:ChangePassword/);
});

test('an explicit boundary is kept even with a password reset (create refuses that pair earlier)', () => {
  expect(chooseBoundary({ ...base, requested: S3_READ, passwordResetRequired: true }, 'aws').arn).toBe(S3_READ);
});
