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
  TagUserCommand,
  UntagUserCommand,
  paginateListUserPolicies,
  type IAMClient,
  type Tag,
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
 * CreateUser for a new user, tagged in the same call; for an existing one, the boundary change the
 * caller decided on (a string: set it; null: remove it; undefined: leave it), undone by restoring
 * the previous boundary (or removing it, when there was none).
 */
export function userSteps(
  iam: IAMClient,
  userName: string,
  existing: User | undefined,
  boundary: string | null | undefined,
  tags: Tag[] = [],
): PlanStep[] {
  if (!existing) {
    const input = { UserName: userName, ...(boundary ? { PermissionsBoundary: boundary } : {}), ...(tags.length ? { Tags: tags } : {}) };
    return [
      step<unknown>({
        service: 'iam',
        operation: 'CreateUser',
        description: `create IAM user ${userName}`,
        input,
        run: () => iam.send(new CreateUserCommand(input)),
        undo: () => ({ description: `delete user ${userName}`, run: () => iam.send(new DeleteUserCommand({ UserName: userName })) }),
      }),
    ];
  }
  const previous = existing.PermissionsBoundary?.PermissionsBoundaryArn;
  if (boundary === undefined || (boundary ?? undefined) === previous) return [];
  const restore = () =>
    previous
      ? {
          description: `restore the permissions boundary of user ${userName}`,
          run: () => iam.send(new PutUserPermissionsBoundaryCommand({ UserName: userName, PermissionsBoundary: previous })),
        }
      : {
          description: `remove the permissions boundary of user ${userName}`,
          run: () => iam.send(new DeleteUserPermissionsBoundaryCommand({ UserName: userName })),
        };
  if (boundary === null) {
    return [
      step<unknown>({
        service: 'iam',
        operation: 'DeleteUserPermissionsBoundary',
        description: `remove the permissions boundary of user ${userName} (--replace-boundary)`,
        input: { UserName: userName },
        run: () => iam.send(new DeleteUserPermissionsBoundaryCommand({ UserName: userName })),
        undo: restore,
      }),
    ];
  }
  return [
    step<unknown>({
      service: 'iam',
      operation: 'PutUserPermissionsBoundary',
      description: `set the permissions boundary of user ${userName}`,
      input: { UserName: userName, PermissionsBoundary: boundary },
      run: () => iam.send(new PutUserPermissionsBoundaryCommand({ UserName: userName, PermissionsBoundary: boundary })),
      undo: restore,
    }),
  ];
}

/**
 * TagUser with the tags that differ from the user's current ones, undone by putting back the
 * previous values and removing the keys it did not have.
 */
export function tagUserSteps(iam: IAMClient, userName: string, current: Tag[], wanted: Tag[]): PlanStep[] {
  const before = new Map(current.map((t) => [t.Key ?? '', t.Value ?? '']));
  const changed = wanted.filter((t) => before.get(t.Key ?? '') !== t.Value);
  if (!changed.length) return [];
  const restored = changed.filter((t) => before.has(t.Key ?? '')).map((t) => ({ Key: t.Key, Value: before.get(t.Key ?? '') }));
  const added = changed.filter((t) => !before.has(t.Key ?? '')).map((t) => t.Key ?? '');
  return [
    step<unknown>({
      service: 'iam',
      operation: 'TagUser',
      description: `tag user ${userName} with this grant (${changed.map((t) => t.Key).join(', ')})`,
      input: { UserName: userName, Tags: changed },
      run: () => iam.send(new TagUserCommand({ UserName: userName, Tags: changed })),
      undo: () => ({
        description: `restore the tags of user ${userName}`,
        run: async () => {
          if (restored.length) await iam.send(new TagUserCommand({ UserName: userName, Tags: restored }));
          if (added.length) await iam.send(new UntagUserCommand({ UserName: userName, TagKeys: added }));
        },
      }),
    }),
  ];
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
