/**
 * `create`: new least-privilege credentials for buckets. planCreate looks around first (who am I,
 * do the buckets exist, does the user exist and how many keys it has) with read-only calls, then
 * returns the plan of writes; the caller prints it (--dry-run) or runs it with executePlan, which
 * rolls back what this run created if a step fails.
 *
 * Three shapes of credential:
 *  - an IAM user with an inline policy and an access key (the default; user-steps.ts);
 *  - --role: a "barren" user whose only right is sts:AssumeRole on a new role that holds the policy
 *    (role-steps.ts);
 *  - --duration: no user at all, temporary credentials from AssumeRole on the shared
 *    s3-share-temporary role, narrowed by the policy passed as the session policy (temporary.ts).
 */
import { ListAccessKeysCommand, type AccessKey } from '@aws-sdk/client-iam';
import { OperationError } from '../../errors';
import { accessKeyCredentials, type IssuedCredentials } from '../../output/credentials';
import type { Reporter } from '../../output/reporter';
import { chooseBoundary } from '../../policies/boundaries';
import { withChangeOwnPassword } from '../../policies/console-password';
import { checkPolicySize, minifyPolicy } from '../../policies/documents';
import { ACCESS_KEYS_PER_USER } from '../../policies/iam-limits';
import { defaultUserName, inlinePolicyName } from '../../policies/names';
import { assumeOnlyPolicy } from '../../policies/trust';
import { bucketSteps } from '../buckets/existence';
import { step, type PlanResults, type PlanStep } from '../plan';
import { callerIdentity } from '../users/identity';
import { createAccessKeyStep } from './access-key';
import { consoleSteps, consoleUrls } from './console-login';
import { deliveryStep } from './delivery';
import { waitForKey } from './key-readiness';
import { checkUserInlineTotal } from './inline-size';
import { barrenRoleSteps } from './role-steps';
import { temporaryPlan } from './temporary';
import { existingUser, userPolicyNames, userPolicySteps, userSteps } from './user-steps';
import type { CreateClients, CreateInput, CreatePlan } from './create-input';

const ACCESS_KEY = 'accessKey';

/**
 * The plan of a create: the grant's steps, then (for a new key) waiting until it works, then the
 * delivery, so a failed delivery rolls the grant back.
 */
export async function planCreate(clients: CreateClients, input: CreateInput, reporter: Reporter): Promise<CreatePlan> {
  const plan = await planGrant(clients, input, reporter);
  if (input.wait && input.durationSeconds === undefined) plan.steps.push(waitStep(input.wait, plan.credentials, reporter));
  if (input.delivery) plan.steps.push(deliveryStep(input.delivery, plan.credentials));
  return plan;
}

/** A new key can take seconds to work on AWS: waiting is worth a warning, not a rollback. */
function waitStep(wait: NonNullable<CreateInput['wait']>, credentials: CreatePlan['credentials'], reporter: Reporter): PlanStep {
  const seconds = Math.round(wait.timeoutMs / 1000);
  return step<unknown>({
    service: 'sts',
    operation: 'GetCallerIdentity',
    description: `wait until the new key works (up to ${seconds} s)`,
    input: { AccessKeyId: '(the new key)' },
    run: async (results) => {
      const result = await waitForKey(await wait.probes(credentials(results)), {
        reporter,
        timeoutMs: wait.timeoutMs,
        signal: wait.signal,
      });
      if (!result.ready && result.lastError !== 'interrupted') {
        reporter.warn(
          `the new key did not work within ${seconds} s (${result.lastError}): it usually does within a minute; try it again shortly`,
        );
      }
    },
  });
}

async function planGrant(clients: CreateClients, input: CreateInput, reporter: Reporter): Promise<CreatePlan> {
  // First, so bad or expired credentials are reported as such, not as a missing bucket.
  const me = await callerIdentity(clients.sts);
  const steps: PlanStep[] = [];
  steps.push(...(await bucketSteps(clients, input, reporter)));
  if (input.durationSeconds !== undefined) return temporaryPlan(clients, input, me, steps, reporter);

  const userName = input.userName ?? defaultUserName(input.mode, input.buckets);
  const userArn = `arn:${me.partition}:iam::${me.account}:user/${userName}`;
  const existing = await existingUser(clients.iam, userName);
  const { arn: boundary, notice } = chooseBoundary(
    {
      requested: input.permissionsBoundary,
      mode: input.mode,
      passwordResetRequired: !!input.console?.passwordResetRequired,
      role: !!input.role,
    },
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
      reporter.warn(
        `user ${userName} keeps its permissions boundary ${kept}: unless it allows iam:ChangePassword, the user cannot choose a new password at first sign-in`,
      );
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
    login = () => ({ Password: built.password(), ...consoleUrls(me.account, input.buckets, me.partition, input.prefix) });
  }

  steps.push(
    createAccessKeyStep(iam, userName, ACCESS_KEY, {
      description: `create an access key for user ${userName}`,
      undo: (keyId) => `delete access key ${keyId} of user ${userName}`,
    }),
  );

  return {
    steps,
    account: me.account,
    partition: me.partition,
    userName,
    credentials: (results) => {
      return {
        ...accessKeyCredentials(userName, results.get<AccessKey>(ACCESS_KEY)),
        ...(roleArn ? { RoleArn: roleArn } : {}),
        ...(login ? login(results) : {}),
      };
    },
  };
}
