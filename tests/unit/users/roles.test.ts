import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { listRoles } from '../../../src/services/users/roles';
import { awsError } from '../support/aws-error';
import { runCli } from '../support/run-cli';

const iamMock = mockClient(IAMClient);
const iam = new IAMClient({ region: 'us-east-1' });
const d = new Date('2024-01-02T03:04:05Z');
const trust = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};
const doc = (action: string) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });
const role = (name: string) => ({
  RoleName: name,
  RoleId: `ID-${name}`,
  Arn: `arn:aws:iam::111122223333:role/${name}`,
  Path: '/',
  CreateDate: d,
  AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(trust)),
  MaxSessionDuration: 3600,
});

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

beforeEach(() => iamMock.reset());

describe('listRoles', () => {
  it('follows every page and decodes the trust policy', async () => {
    iamMock
      .on(ListRolesCommand, { Marker: undefined })
      .resolves({ Roles: [role('a')], IsTruncated: true, Marker: 'm1' })
      .on(ListRolesCommand, { Marker: 'm1' })
      .resolves({ Roles: [{ ...role('b'), Description: 'the b role', Tags: [{ Key: 'k', Value: 'v' }] }], IsTruncated: false });
    const roles = await all(listRoles(iam, { names: [], details: false, concurrency: 4 }));
    expect(roles.map((r) => r.RoleName)).toEqual(['a', 'b']);
    expect(roles[0]).toEqual({
      Path: '/',
      RoleName: 'a',
      RoleId: 'ID-a',
      Arn: 'arn:aws:iam::111122223333:role/a',
      CreateDate: '2024-01-02T03:04:05.000Z',
      AssumeRolePolicyDocument: trust,
      MaxSessionDuration: 3600,
    });
    expect(roles[1]).toMatchObject({ Description: 'the b role', Tags: [{ Key: 'k', Value: 'v' }] });
    expect(iamMock.commandCalls(ListRolesCommand)).toHaveLength(2);
    expect(iamMock.commandCalls(ListRolePoliciesCommand)).toHaveLength(0);
  });

  it('reads named roles with GetRole, in the order named, and reports each missing one', async () => {
    iamMock
      .on(GetRoleCommand, { RoleName: 'a' })
      .resolves({ Role: role('a') })
      .on(GetRoleCommand, { RoleName: 'ghost' })
      .rejects(awsError('NoSuchEntity', 404))
      .on(GetRoleCommand, { RoleName: 'c' })
      .resolves({ Role: role('c') });
    const missing: string[] = [];
    const roles = await all(
      listRoles(iam, { names: ['c', 'ghost', 'a', 'c'], details: false, concurrency: 2, onMissing: (n) => missing.push(n) }),
    );
    expect(roles.map((r) => r.RoleName)).toEqual(['c', 'a']);
    expect(missing).toEqual(['ghost']);
    expect(iamMock.commandCalls(ListRolesCommand)).toHaveLength(0);
  });

  it('throws any other GetRole failure', async () => {
    iamMock.on(GetRoleCommand).rejects(awsError('AccessDenied', 403));
    await expect(all(listRoles(iam, { names: ['a'], details: false, concurrency: 2, onMissing: () => {} }))).rejects.toMatchObject({
      name: 'AccessDenied',
    });
  });

  it('--details: inline documents and attached managed policies, each managed policy fetched once', async () => {
    iamMock
      .on(ListRolesCommand)
      .resolves({ Roles: [role('a'), role('b')] })
      .on(ListRolePoliciesCommand, { RoleName: 'a' })
      .resolves({ PolicyNames: ['p1'] })
      .on(ListRolePoliciesCommand, { RoleName: 'b' })
      .resolves({ PolicyNames: [] })
      .on(GetRolePolicyCommand, { RoleName: 'a', PolicyName: 'p1' })
      .resolves({ RoleName: 'a', PolicyName: 'p1', PolicyDocument: encodeURIComponent(JSON.stringify(doc('s3:GetObject'))) })
      .on(ListAttachedRolePoliciesCommand)
      .resolves({ AttachedPolicies: [{ PolicyName: 'shared', PolicyArn: 'arn:aws:iam::aws:policy/shared' }] })
      .on(GetPolicyCommand)
      .resolves({ Policy: { DefaultVersionId: 'v2', AttachmentCount: 2 } })
      .on(GetPolicyVersionCommand, { VersionId: 'v2' })
      .resolves({ PolicyVersion: { Document: encodeURIComponent(JSON.stringify(doc('s3:*'))) } });
    const roles = await all(listRoles(iam, { names: [], details: true, concurrency: 4 }));
    expect(roles[0]).toMatchObject({
      inline_policies: [{ PolicyName: 'p1', PolicyDocument: doc('s3:GetObject') }],
      attached_policies: [{ PolicyName: 'shared', PolicyArn: 'arn:aws:iam::aws:policy/shared', PolicyDocument: doc('s3:*') }],
    });
    expect(roles[1]).toMatchObject({ inline_policies: [], attached_policies: [{ PolicyName: 'shared', PolicyDocument: doc('s3:*') }] });
    expect(iamMock.commandCalls(GetPolicyCommand)).toHaveLength(1);
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const slow =
      <T>(value: T) =>
      async () => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        return value;
      };
    const names = Array.from({ length: 12 }, (_, i) => `r${i}`);
    for (const n of names) iamMock.on(GetRoleCommand, { RoleName: n }).callsFake(slow({ Role: role(n) }));
    iamMock.on(ListRolePoliciesCommand).callsFake(slow({ PolicyNames: [] }));
    iamMock.on(ListAttachedRolePoliciesCommand).callsFake(slow({ AttachedPolicies: [] }));
    const roles = await all(listRoles(iam, { names, details: true, concurrency: 3 }));
    expect(roles.map((r) => r.RoleName)).toEqual(names);
    expect(peak).toBeLessThanOrEqual(3);
    expect(peak).toBeGreaterThan(1);
  });
});

describe('s3-share list-roles', () => {
  it('prints the s3-credentials columns as CSV', async () => {
    iamMock.on(ListRolesCommand).resolves({ Roles: [role('a')] });
    const r = await runCli(['list-roles', '--csv']);
    expect(r.code).toBe(0);
    const [header, row] = r.stdout.split('\n');
    expect(header).toBe(
      'Path,RoleName,RoleId,Arn,CreateDate,AssumeRolePolicyDocument,Description,MaxSessionDuration,PermissionsBoundary,Tags,RoleLastUsed',
    );
    expect(row).toMatch(/^\/,a,ID-a,arn:aws:iam::111122223333:role\/a,2024-01-02T03:04:05.000Z,/);
  });

  it('a missing named role: one error line, the others listed, exit 1', async () => {
    iamMock
      .on(GetRoleCommand, { RoleName: 'a' })
      .resolves({ Role: role('a') })
      .on(GetRoleCommand, { RoleName: 'ghost' })
      .rejects(awsError('NoSuchEntity', 404));
    const r = await runCli(['list-roles', 'ghost', 'a', '--nl']);
    expect(r.code).toBe(1);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).RoleName),
    ).toEqual(['a']);
    expect(r.stderr).toBe(
      "error: role ghost does not exist: check the name with 's3-share list-roles'\nerror: 1 of 2 role(s) not found: see the errors above\n",
    );
  });

  it('an invalid role name is a usage error before any AWS call', async () => {
    const r = await runCli(['list-roles', 'bad/name']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: role name 'bad\/name' contains '\/'/);
    expect(r.stderr.split('\n')).toHaveLength(2);
    expect(iamMock.calls()).toHaveLength(0);
  });
});
