// `s3-share rotate-key` against moto: one working key afterwards, the old one refused (or, with
// --keep-old, Inactive: moto still lets inactive keys sign requests, so ListAccessKeys says it).
import { CreateAccessKeyCommand, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { adminClients, clientsFor, createTestUser, describeE2E, expectAllowed, runCli, uniqueName, type TestUser } from '../support/e2e';

interface Printed {
  UserName: string;
  AccessKeyId: string;
  SecretAccessKey: string;
}

const whoami = (accessKeyId: string, secretAccessKey: string) =>
  clientsFor({ accessKeyId, secretAccessKey }).sts.send(new GetCallerIdentityCommand({}));

async function keys(userName: string): Promise<Array<{ id: string; status: string }>> {
  const out = await adminClients().iam.send(new ListAccessKeysCommand({ UserName: userName }));
  return (out.AccessKeyMetadata ?? [])
    .map((k) => ({ id: k.AccessKeyId ?? '', status: k.Status ?? '' }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

async function rotateOk(args: string[]): Promise<Printed> {
  const r = await runCli(['rotate-key', ...args]);
  if (r.code !== 0) throw new Error(`rotate-key ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  expect(r.stderr).not.toMatch(/SecretAccessKey|[A-Za-z0-9/+]{40}/);
  return JSON.parse(r.stdout) as Printed;
}

describeE2E('rotate-key on moto', () => {
  let user: TestUser;
  beforeEach(async () => {
    user = await createTestUser(uniqueName('rot'), {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' }],
    });
  });

  test('leaves exactly one working key: the new one works, the old one is refused', async () => {
    const printed = await rotateOk([user.userName, '--wait']);
    expect(printed.UserName).toBe(user.userName);
    expect(printed.AccessKeyId).not.toBe(user.accessKeyId);
    expect(await keys(user.userName)).toEqual([{ id: printed.AccessKeyId, status: 'Active' }]);
    await expectAllowed(whoami(printed.AccessKeyId, printed.SecretAccessKey));
    await expect(whoami(user.accessKeyId, user.secretAccessKey)).rejects.toMatchObject({ name: 'InvalidClientTokenId' });
  });

  test('--keep-old leaves the old key Inactive beside the new one', async () => {
    const printed = await rotateOk([user.userName, '--keep-old', '--silent']);
    const expected = [
      { id: printed.AccessKeyId, status: 'Active' },
      { id: user.accessKeyId, status: 'Inactive' },
    ].sort((a, b) => a.id.localeCompare(b.id));
    expect(await keys(user.userName)).toEqual(expected);
  });

  test('2 keys: refused in one line, nothing changed; --delete-oldest then works', async () => {
    const { AccessKey: second } = await adminClients().iam.send(new CreateAccessKeyCommand({ UserName: user.userName }));
    const before = await keys(user.userName);
    const r = await runCli(['rotate-key', user.userName]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/already has 2 access keys, the most AWS allows per user \(2\): .*--delete-oldest/);
    expect(r.stderr).toContain(user.accessKeyId);
    expect(r.stderr).toContain(second!.AccessKeyId!);
    expect(r.stdout).toBe('');
    expect(await keys(user.userName)).toEqual(before);

    const printed = await rotateOk([user.userName, '--delete-oldest']);
    expect(await keys(user.userName)).toEqual([{ id: printed.AccessKeyId, status: 'Active' }]);
    await expectAllowed(whoami(printed.AccessKeyId, printed.SecretAccessKey));
  });

  test('--dry-run changes nothing', async () => {
    const before = await keys(user.userName);
    const r = await runCli(['rotate-key', user.userName, '--dry-run']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as Array<{ operation: string }>).map((s) => s.operation)).toEqual([
      'CreateAccessKey',
      'DeliverCredentials',
      'DeleteAccessKey',
    ]);
    expect(await keys(user.userName)).toEqual(before);
  });

  test('a missing user: exit 1, one line', async () => {
    const r = await runCli(['rotate-key', uniqueName('ghost')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: user \S+ does not exist \(NoSuchEntity\)/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
  });
});
