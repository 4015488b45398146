/**
 * --role: the policy goes on a new role that only the new user may assume; the user itself holds
 * nothing but sts:AssumeRole on it. getRole and roleSteps also serve the shared role of --duration.
 */
import {
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  GetRoleCommand,
  PutRolePolicyCommand,
  type IAMClient,
  type Role,
} from '@aws-sdk/client-iam';
import { isNoSuchEntity } from '../../aws/errors';
import { OperationError } from '../../errors';
import { minifyPolicy } from '../../policies/documents';
import { inlinePolicyName } from '../../policies/names';
import { ROLE_OWNER_TAG } from '../../policies/ownership';
import { userOnlyTrustPolicy } from '../../policies/trust';
import { step, type PlanStep } from '../plan';
import type { Caller } from '../users/identity';
import type { CreateInput } from './create-input';

/** The role, or undefined when there is none of that name. */
export async function getRole(iam: IAMClient, roleName: string): Promise<Role | undefined> {
  try {
    return (await iam.send(new GetRoleCommand({ RoleName: roleName }))).Role;
  } catch (err) {
    if (isNoSuchEntity(err)) return undefined;
    throw err;
  }
}

/** CreateRole with its trust policy, then PutRolePolicy; each undone on rollback. */
export function roleSteps(
  iam: IAMClient,
  roleName: string,
  trust: object,
  policyName: string,
  policy: object,
  extra: { MaxSessionDuration?: number; PermissionsBoundary?: string; Description: string; Tags?: Array<{ Key: string; Value: string }> },
): PlanStep[] {
  const createInput = { RoleName: roleName, AssumeRolePolicyDocument: trust, ...extra };
  return [
    step<unknown>({
      service: 'iam',
      operation: 'CreateRole',
      description: `create IAM role ${roleName}`,
      input: createInput,
      run: () => iam.send(new CreateRoleCommand({ ...createInput, AssumeRolePolicyDocument: JSON.stringify(trust) })),
      undo: () => ({ description: `delete role ${roleName}`, run: () => iam.send(new DeleteRoleCommand({ RoleName: roleName })) }),
    }),
    step<unknown>({
      service: 'iam',
      operation: 'PutRolePolicy',
      description: `add inline policy ${policyName} to role ${roleName}`,
      input: { RoleName: roleName, PolicyName: policyName, PolicyDocument: policy },
      run: () => iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: policyName, PolicyDocument: JSON.stringify(policy) })),
      undo: () => ({
        description: `delete inline policy ${policyName} of role ${roleName}`,
        run: () => iam.send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: policyName })),
      }),
    }),
  ];
}

/** --role: a new role holding the policy, which only the new user may assume (see userOnlyTrustPolicy). */
export async function barrenRoleSteps(
  iam: IAMClient,
  input: Pick<CreateInput, 'buckets' | 'mode' | 'policy'>,
  roleName: string,
  userArn: string,
  me: Caller,
  boundary: string | undefined,
  tags: Array<{ Key: string; Value: string }> = [],
): Promise<PlanStep[]> {
  if (await getRole(iam, roleName)) {
    throw new OperationError(
      `role ${roleName} already exists: choose another --role name, or delete that role first`,
      'EntityAlreadyExists',
    );
  }
  const trust = userOnlyTrustPolicy(me.partition, me.account, userArn);
  const userName = userArn.slice(userArn.lastIndexOf('/') + 1);
  return roleSteps(iam, roleName, trust, inlinePolicyName(input.mode, minifyPolicy(input.policy)), input.policy, {
    Description: `s3-share: access to ${input.buckets.join(', ')}`.slice(0, 1000),
    // delete-user removes the role with its user only when it can tell whose it is.
    Tags: [{ Key: ROLE_OWNER_TAG, Value: userName }, ...tags],
    ...(boundary ? { PermissionsBoundary: boundary } : {}),
  });
}
