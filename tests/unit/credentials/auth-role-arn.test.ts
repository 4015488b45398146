// assume-and-sync --auth FILE: the keys written by `create --role` may only assume the role the
// same file names, so that RoleArn is used without --role-arn.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { readAuthRoleArn } from '../../../src/aws/config';
import { main } from '../../../src/cli';
import { fakeIo } from '../support/fake-io';

const s3 = mockClient(S3Client);
const sts = mockClient(STSClient);
const dir = mkdtempSync(join(tmpdir(), 's3share-auth-role-'));
const ROLE = 'arn:aws:iam::123456789012:role/photos-reader';
const KEYS = { AccessKeyId: 'AKIAROLEUSER', SecretAccessKey: 'role-user-secret' };

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function sync(args: string[]) {
  const local = mkdtempSync(join(tmpdir(), 's3share-auth-src-'));
  const f = fakeIo({ AWS_REGION: 'us-east-1' });
  const code = await main(['assume-and-sync', local, 's3://photos/in', '--dry-run', ...args], f.io);
  await new Promise((r) => setImmediate(r));
  return { code, stderr: f.err() };
}

beforeEach(() => {
  s3.reset();
  sts.reset();
  s3.on(ListObjectsV2Command).resolves({ Contents: [] });
  sts.on(AssumeRoleCommand).resolves({
    Credentials: { AccessKeyId: 'ASIAX', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(Date.now() + 3_600_000) },
  });
});

describe('readAuthRoleArn', () => {
  it('reads RoleArn from the JSON create --role writes, and role_arn from an INI section', async () => {
    expect(await readAuthRoleArn(file('role.json', JSON.stringify({ ...KEYS, RoleArn: ROLE })))).toBe(ROLE);
    expect(await readAuthRoleArn(file('role.ini', `[alice]\naws_access_key_id = A\naws_secret_access_key = B\nrole_arn = ${ROLE}\n`))).toBe(
      ROLE,
    );
  });

  it('is undefined for keys without a role, a file that is not there, or one that is not JSON', async () => {
    expect(await readAuthRoleArn(file('plain.json', JSON.stringify(KEYS)))).toBeUndefined();
    expect(await readAuthRoleArn(join(dir, 'missing.json'))).toBeUndefined();
    expect(await readAuthRoleArn(file('broken.json', '{ nope'))).toBeUndefined();
  });
});

describe('assume-and-sync --auth FILE', () => {
  it('assumes the RoleArn in the file, with no --role-arn', async () => {
    const r = await sync(['--auth', file('create-role.json', JSON.stringify({ ...KEYS, RoleArn: ROLE }))]);
    expect(r.stderr).not.toMatch(/^error/m);
    expect(r.code).toBe(0);
    expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleArn)).toEqual([ROLE]);
    expect(r.stderr).toContain(`assumed ${ROLE}`);
  });

  it('an explicit --role-arn wins over the file', async () => {
    const other = 'arn:aws:iam::123456789012:role/other';
    const r = await sync(['--auth', file('create-role2.json', JSON.stringify({ ...KEYS, RoleArn: ROLE })), '--role-arn', other]);
    expect(r.code).toBe(0);
    expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleArn)).toEqual([other]);
  });

  it('a file without RoleArn syncs with the keys themselves', async () => {
    const r = await sync(['--auth', file('keys.json', JSON.stringify(KEYS))]);
    expect(r.code).toBe(0);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(0);
    expect(r.stderr).toMatch(/no --role-arn given/);
  });
});
