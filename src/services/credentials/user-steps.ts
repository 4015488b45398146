/**
 * The IAM user that receives the grant: found or created, its permissions boundary set, its inline
 * policy put. A user that existed before this run is never deleted on rollback, and what it held
 * before (its boundary, an identical inline policy) is restored or left as it was.
 */
import {
  CreateUserCommand,
  DeleteUserCommand,
  DeleteUserPermissionsBoundaryCommand,
  DeleteUserPolicyCommand,
  GetUserCommand,
  PutUserPermissionsBoundaryCommand,
  PutUserPolicyCommand,
  paginateListUserPolicies,
  type IAMClient,
  type User,
} from '@aws-sdk/client-iam';
import { isNoSuchEntity } from '../../aws/errors';
import { minifyPolicy, type PolicyDocument } from '../../policies/documents';
import { step, type PlanStep } from '../plan';

/** The user, or undefined when there is none of that name. */
export async function existingUser(iam: IAMClient, userName: string): Promise<User | undefined> {
  try {
    return (await iam.send(new GetUserCommand({ UserName: userName }))).User;
  } catch (err) {
    if (isNoSuchEntity(err)) return undefined;
    throw err;
  }
}

/** The names of the user's inline policies. */
export async function userPolicyNames(iam: IAMClient, userName: string): Promise<Set<string>> {
  const names = new Set<string>();
  for await (const page of paginateListUserPolicies({ client: iam }, { UserName: userName })) {
    for (const n of page.PolicyNames ?? []) names.add(n);
  }
  return names;
}

/**
 * CreateUser for a new user; for an existing one, PutUserPermissionsBoundary when the boundary
 * differs, undone by restoring the previous boundary (or removing it, when there was none).
 */
export function userSteps(iam: IAMClient, userName: string, existing: User | undefined, boundary: string | undefined): PlanStep[] {
  if (!existing) {
    return [
      step<unknown>({
        service: 'iam',
        operation: 'CreateUser',
        description: `create IAM user ${userName}`,
        input: { UserName: userName, ...(boundary ? { PermissionsBoundary: boundary } : {}) },
        run: () => iam.send(new CreateUserCommand({ UserName: userName, ...(boundary ? { PermissionsBoundary: boundary } : {}) })),
        undo: () => ({ description: `delete user ${userName}`, run: () => iam.send(new DeleteUserCommand({ UserName: userName })) }),
      }),
    ];
  }
  if (boundary && existing.PermissionsBoundary?.PermissionsBoundaryArn !== boundary) {
    const previous = existing.PermissionsBoundary?.PermissionsBoundaryArn;
    return [
      step<unknown>({
        service: 'iam',
        operation: 'PutUserPermissionsBoundary',
        description: `set the permissions boundary of user ${userName}`,
        input: { UserName: userName, PermissionsBoundary: boundary },
        run: () => iam.send(new PutUserPermissionsBoundaryCommand({ UserName: userName, PermissionsBoundary: boundary })),
        undo: () =>
          previous
            ? {
                description: `restore the permissions boundary of user ${userName}`,
                run: () => iam.send(new PutUserPermissionsBoundaryCommand({ UserName: userName, PermissionsBoundary: previous })),
              }
            : {
                description: `remove the permissions boundary of user ${userName}`,
                run: () => iam.send(new DeleteUserPermissionsBoundaryCommand({ UserName: userName })),
              },
      }),
    ];
  }
  return [];
}

/**
 * PutUserPolicy, undone by deleting it, unless the user already had that very policy (the name
 * ends with a hash of the content, so the same name is the same content): rollback leaves it.
 */
export function userPolicySteps(
  iam: IAMClient,
  userName: string,
  policyName: string,
  doc: PolicyDocument,
  existing: Set<string>,
): PlanStep[] {
  const PolicyDocument = minifyPolicy(doc);
  const already = existing.has(policyName);
  return [
    step<unknown>({
      service: 'iam',
      operation: 'PutUserPolicy',
      description: `${already ? 'refresh' : 'add'} inline policy ${policyName} of user ${userName}`,
      input: { UserName: userName, PolicyName: policyName, PolicyDocument: doc },
      run: () => iam.send(new PutUserPolicyCommand({ UserName: userName, PolicyName: policyName, PolicyDocument })),
      undo: already
        ? undefined
        : () => ({
            description: `delete inline policy ${policyName} of user ${userName}`,
            run: () => iam.send(new DeleteUserPolicyCommand({ UserName: userName, PolicyName: policyName })),
          }),
    }),
  ];
}
