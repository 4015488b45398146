// A flag that takes one value, given twice, is a usage error (commander would keep the last one
// silently); a flag whose help says "repeatable" may repeat.
import { runCli } from '../support/run-cli';

const GET = '{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}';
const PUT = '{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::bkt/*"}';

test.each([
  // list-bucket lists one folder; policy and create take several (below).
  [['list-bucket', 'bkt', '--prefix', 'a/', '--prefix', 'b/'], '--prefix was given 2 times'],
  [['list-bucket', 'bkt', '--prefix=a/', '--prefix', 'b/'], '--prefix was given 2 times'],
  [['create', 'bkt', '-o', 'one.json', '--output', 'two.json'], '-o/--output was given 2 times'],
  [['create', 'bkt', '--username', 'alice', '--username', 'bob'], '--username was given 2 times'],
  [['share', 'bkt', 'k', '--expires', '1h', '--expires', '2h'], '--expires was given 2 times'],
  [['list-users', '--profile', 'a', '--profile', 'b'], '--profile was given 2 times'],
])('%j is a usage error before anything runs', async (args, words) => {
  const r = await runCli(args as string[]);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toBe(`error: ${words}, and it takes one value: give it once\n`);
});

test('a repeatable flag may repeat, and every value counts', async () => {
  const r = await runCli(['policy', 'bkt', '--read-only', '--statement', GET, '--statement', PUT, '--nl']);
  expect(r.code).toBe(0);
  const actions = JSON.parse(r.stdout).Statement.map((s: { Action: unknown }) => s.Action);
  expect(actions).toEqual(expect.arrayContaining(['s3:GetObject', 's3:PutObject']));
});

test('--prefix repeats in policy, and every folder is in the one policy (s3-credentials issue 56)', async () => {
  const r = await runCli(['policy', 'bkt', '--read-only', '--prefix', 'a/', '--prefix=b', '--nl']);
  expect(r.code).toBe(0);
  const text = r.stdout;
  expect(JSON.parse(text).Statement.find((s: { Sid: string }) => s.Sid === 'ListPrefix').Condition).toEqual({
    StringLike: { 's3:prefix': ['a/*', 'b/*'] },
  });
  expect(text).toContain('"arn:aws:s3:::bkt/a/*"');
  expect(text).toContain('"arn:aws:s3:::bkt/b/*"');
});

test('a value after -- is not a flag', async () => {
  const r = await runCli(['policy', 'bkt', '--prefix', 'a/', '--', '--prefix']);
  expect(r.stderr).not.toContain('was given 2 times');
});
