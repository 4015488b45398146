/**
 * `create`: new least-privilege credentials for buckets. planCreate looks around first (who am I,
 * do the buckets exist, does the user exist and how many keys it has) with read-only calls, then
 * returns the plan of writes; the caller prints it (--dry-run) or runs it with executePlan, which
 * rolls back what this run created if a step fails.
 *
 * Three shapes of credential:
 *  - an IAM user with an inline policy and an access key (the default);
 *  - --role: a "barren" user whose only right is sts:AssumeRole on a new role that holds the policy;
 *  - --duration: no user at all, temporary credentials from AssumeRole on the shared
 *    s3-share-temporary role, narrowed by the policy passed as the session policy.
 */
import {
  CreateAccessKeyCommand,
  CreateRoleCommand,
  DeleteAccessKeyCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  GetRoleCommand,
  ListAccessKeysCommand,
  PutRolePolicyCommand,
  UpdateRoleCommand,
  type AccessKey,
  type IAMClient,
  type Role,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, type Credentials, type STSClient } from '@aws-sdk/client-sts';
import { errorCode, isNoSuchEntity } from '../../aws/errors';
import { OperationError } from '../../errors';
import { accessKeyCredentials, type IssuedCredentials } from '../../output/credentials';
import type { Reporter } from '../../output/reporter';
import { checkPolicySize, minifyPolicy, type PolicyDocument } from '../../policies/documents';
import { chooseBoundary } from '../../policies/boundaries';
import { ACCESS_KEYS_PER_USER, MAX_SESSION_SECONDS } from '../../policies/iam-limits';
import { defaultUserName, inlinePolicyName, roleSessionName, type GrantMode } from '../../policies/names';
import { step, type Plan, type PlanResults, type PlanStep } from '../plan';
import { consoleSteps, consoleUrls, type ConsoleLogin } from './console-login';
import { bucketSteps, type BucketClients, type BucketRequest } from '../buckets/existence';
import { callerIdentity, type Caller } from '../users/identity';
import { checkUserInlineTotal } from './inline-size';
import { existingUser, userPolicyNames, userPolicySteps, userSteps } from './user-steps';
import { withChangeOwnPassword } from '../../policies/console-password';
import { ROLE_OWNER_TAG } from '../../policies/ownership';
import { accountTrustPolicy, assumeOnlyPolicy, userOnlyTrustPolicy } from '../../policies/trust';
import { setTimeout as sleepMs } from 'node:timers/promises';
import type { Sleep } from './key-readiness';

export interface CreateClients extends BucketClients {
  iam: IAMClient;
  sts: STSClient;
}

/** The buckets' part (which, -c and where, --public, --website, --bucket-owner) is BucketRequest. */
export interface CreateInput extends BucketRequest {
  mode: GrantMode;
  /** The rendered, size-checked policy. */
  policy: PolicyDocument;
  /** An explicit user name (validated); default s3.<mode>.<buckets>. */
  userName?: string;
  /** A policy ARN, 'none', or undefined for the default of the mode. */
  permissionsBoundary?: string;
  /** Temporary credentials for this many seconds (no IAM user). */
  durationSeconds?: number;
  /** The barren-user pattern: the policy goes on this new role, the user may only assume it. */
  role?: string;
  console?: ConsoleLogin;
}

/** What the command needs once the plan has run. */
export interface CreatePlan extends Plan {
  account: string;
  partition: string;
  /** The user that gets the key (absent for --duration). */
  userName?: string;
  /** The credentials, from the results of the plan's steps. */
  credentials(results: PlanResults): IssuedCredentials;
}

export const TEMPORARY_ROLE_NAME = 's3-share-temporary';

export async function planCreate(clients: CreateClients, input: CreateInput, reporter: Reporter): Promise<CreatePlan> {
  // First, so bad or expired credentials are reported as such, not as a missing bucket.
  const me = await callerIdentity(clients.sts);
  const steps: PlanStep[] = [];
  steps.push(...(await bucketSteps(clients, input, reporter)));
  if (input.durationSeconds !== undefined) return temporaryPlan(clients, input, me, steps, reporter);

  const userName = input.userName ?? defaultUserName(input.mode, input.buckets);
  const userArn = `arn:${me.partition}:iam::${me.account}:user/${userName}`;
  const existing = await existingUser(clients.iam, userName);
  const { arn: boundary, notice } = chooseBoundary(
    { requested: input.permissionsBoundary, mode: input.mode, passwordResetRequired: !!input.console?.passwordResetRequired, role: !!input.role },
    me.partition,
  );
  if (notice) reporter.info(notice);
  const { iam } = clients;

  if (existing) {
    reporter.info(`user ${userName} exists: adding the policy and a new access key to it`);
    const keys = (await iam.send(new ListAccessKeysCommand({ UserName: userName }))).AccessKeyMetadata ?? [];
    if (keys.length >= ACCESS_KEYS_PER_USER) {
      throw new OperationError(
        `user ${userName} already has ${keys.length} access keys, the most AWS allows per user (${ACCESS_KEYS_PER_USER}): run 's3-share rotate-key ${userName}' to replace one, or delete one (aws iam delete-access-key --user-name ${userName} --access-key-id ...), or pick another --username`,
        'LimitExceeded',
      );
    }
  }
  if (input.console && existing) {
    await consoleSteps.checkNoLoginProfile(iam, userName);
    const kept = existing.PermissionsBoundary?.PermissionsBoundaryArn;
    if (input.console.passwordResetRequired && kept && !boundary) {
      reporter.warn(`user ${userName} keeps its permissions boundary ${kept}: unless it allows iam:ChangePassword, the user cannot choose a new password at first sign-in`);
    }
  }

  // With --role the boundary goes on the role: on the user it would block sts:AssumeRole.
  const userBoundary = input.role ? undefined : boundary;
  steps.push(...userSteps(iam, userName, existing, userBoundary));

  const existingPolicies = existing ? await userPolicyNames(iam, userName) : new Set<string>();
  let roleArn: string | undefined;
  if (input.role) {
    roleArn = `arn:${me.partition}:iam::${me.account}:role/${input.role}`;
    steps.push(...(await barrenRoleSteps(iam, input, input.role, userArn, me, boundary)));
    const assumeOnly = assumeOnlyPolicy(roleArn);
    const name = inlinePolicyName('custom', minifyPolicy(assumeOnly)).replace('.custom.', '.assume-role.');
    if (existing) await checkUserInlineTotal(iam, userName, existingPolicies, { name, document: assumeOnly });
    steps.push(...userPolicySteps(iam, userName, name, assumeOnly, existingPolicies));
  } else {
    const document = input.console?.passwordResetRequired ? withChangeOwnPassword(input.policy, userArn) : input.policy;
    checkPolicySize(document, 'user-inline');
    const name = inlinePolicyName(input.mode, minifyPolicy(document));
    if (existing) await checkUserInlineTotal(iam, userName, existingPolicies, { name, document });
    steps.push(...userPolicySteps(iam, userName, name, document, existingPolicies));
  }

  let login: ((results: PlanResults) => Pick<IssuedCredentials, 'Password' | 'ConsoleUrl' | 'BucketConsoleUrls'>) | undefined;
  if (input.console) {
    const built = await consoleSteps.build(iam, userName, input.console, reporter);
    steps.push(...built.steps);
    login = () => ({ Password: built.password(), ...consoleUrls(me.account, input.buckets, me.partition) });
  }

  steps.push(
    step<AccessKey>({
      service: 'iam',
      operation: 'CreateAccessKey',
      description: `create an access key for user ${userName}`,
      input: { UserName: userName },
      id: 'accessKey',
      run: async () => {
        const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: userName }));
        if (!AccessKey?.AccessKeyId || !AccessKey.SecretAccessKey) throw new OperationError('IAM returned no access key: try again');
        return AccessKey;
      },
      undo: (key) => ({
        description: `delete access key ${key.AccessKeyId} of user ${userName}`,
        run: () => iam.send(new DeleteAccessKeyCommand({ UserName: userName, AccessKeyId: key.AccessKeyId })),
      }),
    }),
  );

  return {
    steps,
    account: me.account,
    partition: me.partition,
    userName,
    credentials: (results) => {
      return {
        ...accessKeyCredentials(userName, results.get<AccessKey>('accessKey')),
        ...(roleArn ? { RoleArn: roleArn } : {}),
        ...(login ? login(results) : {}),
      };
    },
  };
}

async function getRole(iam: IAMClient, roleName: string): Promise<Role | undefined> {
  try {
    return (await iam.send(new GetRoleCommand({ RoleName: roleName }))).Role;
  } catch (err) {
    if (isNoSuchEntity(err)) return undefined;
    throw err;
  }
}

function roleSteps(iam: IAMClient, roleName: string, trust: object, policyName: string, policy: object, extra: { MaxSessionDuration?: number; PermissionsBoundary?: string; Description: string; Tags?: Array<{ Key: string; Value: string }> }): PlanStep[] {
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
async function barrenRoleSteps(
  iam: IAMClient,
  input: CreateInput,
  roleName: string,
  userArn: string,
  me: Caller,
  boundary: string | undefined,
): Promise<PlanStep[]> {
  if (await getRole(iam, roleName)) {
    throw new OperationError(`role ${roleName} already exists: choose another --role name, or delete that role first`, 'EntityAlreadyExists');
  }
  const trust = userOnlyTrustPolicy(me.partition, me.account, userArn);
  const userName = userArn.slice(userArn.lastIndexOf('/') + 1);
  return roleSteps(iam, roleName, trust, inlinePolicyName(input.mode, minifyPolicy(input.policy)), input.policy, {
    Description: `s3-share: access to ${input.buckets.join(', ')}`.slice(0, 1000),
    // delete-user removes the role with its user only when it can tell whose it is.
    Tags: [{ Key: ROLE_OWNER_TAG, Value: userName }],
    ...(boundary ? { PermissionsBoundary: boundary } : {}),
  });
}

/**
 * --duration: ensure the shared role (trusting this account, allowed s3:* — the session policy
 * narrows it to the grant), then AssumeRole with the policy as the session policy.
 */
async function temporaryPlan(clients: CreateClients, input: CreateInput, me: Caller, steps: PlanStep[], reporter: Reporter, sleep: Sleep = sleepMs): Promise<CreatePlan> {
  const { iam, sts } = clients;
  const roleArn = `arn:${me.partition}:iam::${me.account}:role/${TEMPORARY_ROLE_NAME}`;
  const role = await getRole(iam, TEMPORARY_ROLE_NAME);
  const duration = input.durationSeconds ?? 3600;
  if (!role) {
    const rolePolicy = {
      Version: '2012-10-17',
      Statement: [{ Sid: 'SessionPolicyNarrowsThis', Effect: 'Allow', Action: 's3:*', Resource: [`arn:${me.partition}:s3:::*`] }],
    };
    steps.push(
      ...roleSteps(iam, TEMPORARY_ROLE_NAME, accountTrustPolicy(me.partition, me.account), 's3-share.temporary', rolePolicy, {
        MaxSessionDuration: MAX_SESSION_SECONDS,
        Description: 's3-share: temporary credentials, each narrowed by its session policy',
      }),
    );
  } else if ((role.MaxSessionDuration ?? 3600) < duration) {
    const previous = role.MaxSessionDuration ?? 3600;
    steps.push(
      step<unknown>({
        service: 'iam',
        operation: 'UpdateRole',
        description: `raise the maximum session of role ${TEMPORARY_ROLE_NAME} to ${MAX_SESSION_SECONDS} s`,
        input: { RoleName: TEMPORARY_ROLE_NAME, MaxSessionDuration: MAX_SESSION_SECONDS },
        run: () => iam.send(new UpdateRoleCommand({ RoleName: TEMPORARY_ROLE_NAME, MaxSessionDuration: MAX_SESSION_SECONDS })),
        undo: () => ({
          description: `restore the maximum session of role ${TEMPORARY_ROLE_NAME} to ${previous} s`,
          run: () => iam.send(new UpdateRoleCommand({ RoleName: TEMPORARY_ROLE_NAME, MaxSessionDuration: previous })),
        }),
      }),
    );
  } else {
    reporter.info(`using the existing role ${TEMPORARY_ROLE_NAME}`);
  }
  const request = { RoleArn: roleArn, RoleSessionName: roleSessionName(input.buckets), DurationSeconds: duration };
  const Policy = minifyPolicy(input.policy);
  steps.push(
    step<Credentials>({
      service: 'sts',
      operation: 'AssumeRole',
      description: `assume role ${TEMPORARY_ROLE_NAME} for ${duration} s, limited by the policy`,
      input: { ...request, Policy: input.policy },
      id: 'session',
      run: async () => {
        // A role created moments ago is refused until IAM has propagated it (seconds on AWS).
        for (let attempt = 0; ; attempt++) {
          try {
            const { Credentials: c } = await sts.send(new AssumeRoleCommand({ ...request, Policy }));
            if (!c?.AccessKeyId || !c.SecretAccessKey) throw new OperationError('STS returned no credentials: try again');
            return c;
          } catch (err) {
            if (role || attempt >= 5 || errorCode(err) !== 'AccessDenied') throw err;
            await sleep(1000 * 2 ** attempt);
          }
        }
      },
    }),
  );
  return {
    steps,
    account: me.account,
    partition: me.partition,
    credentials: (results) => {
      const c = results.get<Credentials>('session');
      return {
        AccessKeyId: c.AccessKeyId ?? '',
        SecretAccessKey: c.SecretAccessKey ?? '',
        SessionToken: c.SessionToken,
        Expiration: c.Expiration?.toISOString(),
        RoleArn: roleArn,
      };
    },
  };
}
