import { DeleteUserCommand } from '@aws-sdk/client-iam';
import { DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { runCli } from '../support/run-cli';
import { fakeIam, writeCalls, type FakeAccount } from '../support/mock-iam';

const cli = runCli;

const grant = (resource: string) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: resource }] });
const account = (): FakeAccount => ({
  users: {
    alice: { keys: ['AKIA1'], inline: { 's3-share.read-write.x': grant('arn:aws:s3:::b/alice/*') } },
    bob: { keys: ['AKIAB'] },
    whole: { inline: { p: grant('arn:aws:s3:::b/*') } },
  },
});

let iam: ReturnType<typeof fakeIam>;
const s3 = mockClient(S3Client);
const sts = mockClient(STSClient);
beforeEach(() => {
  sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/admin', UserId: 'AID' });
});
afterEach(() => {
  iam?.restore();
  s3.reset();
  sts.reset();
});

test("the caller's own user: refused (exit 2, one line, nothing removed) unless --delete-self", async () => {
  iam = fakeIam(account());
  sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/bob' });
  const r = await cli(['delete-user', 'alice', 'bob']);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(
    /^error: user bob is the identity running s3-share \(arn:aws:iam::123456789012:user\/bob\): .*add --delete-self/,
  );
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(writeCalls(iam)).toEqual([]);
  const forced = await cli(['delete-user', 'bob', '--delete-self', '--silent']);
  expect(forced.code).toBe(0);
  expect(writeCalls(iam)).toEqual(['DeleteAccessKey', 'DeleteUser']);
});

test('default output: a JSON array of removed items; progress and summary on stderr; exit 0', async () => {
  iam = fakeIam(account());
  const r = await cli(['delete-user', 'alice']);
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout)).toEqual([
    { UserName: 'alice', Type: 'access-key', Id: 'AKIA1' },
    { UserName: 'alice', Type: 'inline-policy', Id: 's3-share.read-write.x' },
    { UserName: 'alice', Type: 'user', Id: 'alice' },
  ]);
  expect(r.stderr).toMatch(/alice: removed access-key AKIA1/);
  expect(r.stderr).toMatch(/deleted 1 of 1 user\(s\)\n$/);
});

test('--nl: one record per line; --silent: nothing on stderr', async () => {
  iam = fakeIam(account());
  const r = await cli(['delete-user', 'bob', '--nl', '--silent']);
  expect(r.code).toBe(0);
  expect(
    r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l)),
  ).toEqual([
    { UserName: 'bob', Type: 'access-key', Id: 'AKIAB' },
    { UserName: 'bob', Type: 'user', Id: 'bob' },
  ]);
  expect(r.stderr).toBe('');
});

test('a missing and a failing user: one error line each, a summary, exit 1; the others deleted', async () => {
  iam = fakeIam(account());
  iam
    .on(DeleteUserCommand, { UserName: 'bob' })
    .rejects(Object.assign(new Error('Cannot delete entity.'), { name: 'DeleteConflict', $metadata: {} }));
  const r = await cli(['delete-user', 'ghost', 'alice', 'bob', '--silent']);
  expect(r.code).toBe(1);
  expect(r.stderr.split('\n').filter(Boolean)).toEqual([
    'error: ghost: user ghost does not exist (NoSuchEntity)',
    'error: bob: removing user bob failed: Cannot delete entity (DeleteConflict)',
    'error: 2 of 3 user(s) not deleted: ghost, bob: see the errors above; rerunning finishes a partial delete',
  ]);
  expect(
    iam
      .commandCalls(DeleteUserCommand)
      .map((c) => c.args[0].input.UserName)
      .sort(),
  ).toEqual(['alice', 'bob']);
});

test('--dry-run: says so, prints the plan, writes nothing', async () => {
  iam = fakeIam(account());
  const r = await cli(['delete-user', 'alice', '--dry-run', '--nl']);
  expect(r.code).toBe(0);
  expect(r.stderr).toMatch(/^dry run: nothing will be removed\n/);
  expect(r.stdout.trim().split('\n')).toHaveLength(3);
  expect(writeCalls(iam)).toEqual([]);
});

describe('--delete-objects', () => {
  test('not a terminal and no --yes: usage error, exit 2, before any AWS call', async () => {
    iam = fakeIam(account());
    const r = await cli(['delete-user', 'alice', '--delete-objects']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: --delete-objects needs confirmation and this is not a terminal: add --yes\n');
    expect(iam.calls()).toHaveLength(0);
  });

  test('--yes: deletes the folder objects first, then the user, and reports the count', async () => {
    iam = fakeIam(account());
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: 'alice/1' }, { Key: 'alice/2' }] });
    s3.on(DeleteObjectsCommand).resolves({});
    const r = await cli(['delete-user', 'alice', '--delete-objects', '--yes']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)[0]).toEqual({ UserName: 'alice', Type: 'objects', Id: 's3://b/alice/', Count: 2 });
    expect(s3.commandCalls(ListObjectsV2Command)[0]!.args[0].input).toMatchObject({ Bucket: 'b', Prefix: 'alice/' });
    expect(r.stderr).toMatch(/deleted 1 of 1 user\(s\) and 2 object\(s\)/);
  });

  test('a whole-bucket grant: refused, nothing deleted (not even the other user)', async () => {
    iam = fakeIam(account());
    const r = await cli(['delete-user', 'alice', 'whole', '--delete-objects', '--yes']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: --delete-objects refused, nothing was deleted: whole: arn:aws:s3:::b\/\* grants the whole bucket b/m);
    expect(writeCalls(iam)).toEqual([]);
    expect(s3.calls()).toHaveLength(0);
  });

  test('on a terminal: asks, and "n" deletes nothing', async () => {
    iam = fakeIam(account());
    const r = await cli(['delete-user', 'alice', '--delete-objects'], { tty: true, stdin: 'n\n' });
    expect(r.stderr).toContain('s3://b/alice/ (alice)');
    expect(r.stderr).toContain('Delete them? [y/N]');
    expect(r.code).toBe(1);
    expect(writeCalls(iam)).toEqual([]);
    expect(s3.calls()).toHaveLength(0);
  });

  test('on a terminal: "y" goes ahead', async () => {
    iam = fakeIam(account());
    s3.on(ListObjectsV2Command).resolves({ Contents: [] });
    const r = await cli(['delete-user', 'alice', '--delete-objects'], { tty: true, stdin: 'y\n' });
    expect(r.code).toBe(0);
    expect(writeCalls(iam)).toContain('DeleteUser');
  });
});
