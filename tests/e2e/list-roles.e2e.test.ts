// list-roles against moto with IAM enforcement: the s3-credentials columns, named roles, a
// missing role among them, --details with inline and attached managed policies, and bad input.
import { AttachRolePolicyCommand, CreatePolicyCommand, CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { adminClients, describeE2E, runCli, uniqueName, type Clients } from '../support/e2e';

const doc = (Action: string) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action, Resource: '*' }] });
const trust = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

describeE2E('list-roles on moto', () => {
  let admin: Clients;
  let plain: string;
  let loaded: string;
  let policyArn: string;
  beforeAll(async () => {
    admin = adminClients();
    plain = uniqueName('role-plain');
    loaded = uniqueName('role-loaded');
    for (const RoleName of [plain, loaded]) {
      await admin.iam.send(
        new CreateRoleCommand({ RoleName, AssumeRolePolicyDocument: JSON.stringify(trust), Description: `the ${RoleName} role` }),
      );
    }
    await admin.iam.send(
      new PutRolePolicyCommand({ RoleName: loaded, PolicyName: 'inline-read', PolicyDocument: JSON.stringify(doc('s3:GetObject')) }),
    );
    policyArn = (
      await admin.iam.send(
        new CreatePolicyCommand({ PolicyName: uniqueName('managed'), PolicyDocument: JSON.stringify(doc('s3:ListBucket')) }),
      )
    ).Policy!.Arn!;
    await admin.iam.send(new AttachRolePolicyCommand({ RoleName: loaded, PolicyArn: policyArn }));
  });

  it('lists every role with the s3-credentials columns, as JSON, NDJSON and CSV', async () => {
    const json = await runCli(['list-roles']);
    expect(json.code).toBe(0);
    const roles = JSON.parse(json.stdout) as Array<Record<string, unknown>>;
    const mine = roles.find((r) => r.RoleName === plain);
    expect(mine).toMatchObject({
      Path: '/',
      RoleName: plain,
      Arn: expect.stringMatching(new RegExp(`:role/${plain}$`)),
      RoleId: expect.any(String),
      CreateDate: expect.any(String),
      AssumeRolePolicyDocument: trust,
      Description: `the ${plain} role`,
    });
    expect(mine).not.toHaveProperty('inline_policies');
    const nl = await runCli(['list-roles', '--nl']);
    expect(
      nl.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).RoleName),
    ).toEqual(roles.map((r) => r.RoleName));
    const csv = await runCli(['list-roles', '--csv']);
    expect(csv.stdout.split('\n')[0]).toBe(
      'Path,RoleName,RoleId,Arn,CreateDate,AssumeRolePolicyDocument,Description,MaxSessionDuration,PermissionsBoundary,Tags,RoleLastUsed',
    );
    expect(csv.stdout).toContain(`,${plain},`);
  });

  it('--details: named roles with their inline and attached managed policies', async () => {
    const r = await runCli(['list-roles', loaded, plain, '--details']);
    expect(r.code).toBe(0);
    const roles = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(roles.map((x) => x.RoleName)).toEqual([loaded, plain]);
    expect(roles[0]).toMatchObject({
      inline_policies: [{ PolicyName: 'inline-read', PolicyDocument: doc('s3:GetObject') }],
      attached_policies: [{ PolicyArn: policyArn, PolicyDocument: doc('s3:ListBucket') }],
    });
    expect(roles[1]).toMatchObject({ inline_policies: [], attached_policies: [] });
  });

  it('a named role that does not exist: one error line, the others listed, exit 1', async () => {
    const ghost = uniqueName('ghost');
    const r = await runCli(['list-roles', ghost, plain, '--nl']);
    expect(r.code).toBe(1);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).RoleName),
    ).toEqual([plain]);
    expect(r.stderr).toBe(
      `error: role ${ghost} does not exist: check the name with 's3-share list-roles'\nerror: 1 of 2 role(s) not found: see the errors above\n`,
    );
  });

  it('bad input: exit 2, one line naming the cause, nothing printed', async () => {
    for (const [args, cause] of [
      [['list-roles', 'bad/name'], /^error: role name 'bad\/name' contains '\/'/],
      [['list-roles', '--concurrency', '0'], /--concurrency/],
      [['list-roles', '--csv', '--tsv'], /--csv|--tsv/],
    ] as const) {
      const r = await runCli([...args]);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr).toMatch(cause);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stdout).toBe('');
    }
  });
});
