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
import { ListAccessKeysCommand, type AccessKey, type User } from '@aws-sdk/client-iam';
import { OperationError, UsageError } from '../../errors';
import { accessKeyCredentials, type IssuedCredentials } from '../../output/credentials';
import type { Reporter } from '../../output/reporter';
import { chooseBoundary } from '../../policies/boundaries';
import { withChangeOwnPassword } from '../../policies/console-password';
import { checkPolicySize, minifyPolicy } from '../../policies/documents';
import { ACCESS_KEYS_PER_USER } from '../../policies/iam-limits';
import type { PolicySet } from '../../policies/access';
import { creationTags, isS3SharePolicyName } from '../../policies/creation-tags';
import { defaultUserName, inlinePolicyName } from '../../policies/names';
import { TAG_EXPIRES, TAG_GRANT, TAG_MADE_BY, madeByS3Share } from '../../policies/ownership';
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
import {
  NO_OVERRIDES,
  checkReach,
  refuseOwnUser,
  userPolicies,
  userTags,
  withWritten,
  type CreateGuard,
  type Written,
} from './reach-check';
import { existingUser, tagUserSteps, userPolicyNames, userPolicySteps, userSteps } from './user-steps';
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
  const guard = input.guard ?? NO_OVERRIDES;
  const userName = input.userName ?? defaultUserName(input.mode, input.buckets);
  if (input.durationSeconds === undefined) refuseOwnUser(me.arn, userName, 'choose another --username');
  const steps: PlanStep[] = [];
  steps.push(...(await bucketSteps(clients, input, reporter)));
  if (input.durationSeconds !== undefined) return temporaryPlan(clients, input, me, steps, reporter);

  const { iam } = clients;
  const prefixes = input.prefixes ?? (input.prefix ? [input.prefix] : []);
  const tags = creationTags({ mode: input.mode, buckets: input.buckets, prefixes, expires: input.expires }, new Date());
  const existing = await existingUser(iam, userName);
  const userArn = existing?.Arn ?? `arn:${me.partition}:iam::${me.account}:user/${userName}`;
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

  const existingPolicies = existing ? await userPolicyNames(iam, userName) : new Set<string>();
  // Tags that cannot be read count as none: the user then has to be recognised by its policy names.
  const currentTags = (existing ? await userTags(iam, userName) : undefined) ?? [];
  // A user tagged by s3-share, or (made before the tags) holding an s3-share policy, is s3-share's own.
  const ownUser = !existing || madeByS3Share(currentTags) || [...existingPolicies].some(isS3SharePolicyName);
  if (existing) {
    if (!ownUser && !guard.reuseUser) {
      throw new UsageError(
        `user ${userName} exists and was not made by s3-share: add --reuse-user to give it this grant and a new key (its other policies and its boundary stay as they are), or choose another --username`,
      );
    }
    reporter.info(`user ${userName} exists: adding the policy and a new access key to it`);
    const keys = (await iam.send(new ListAccessKeysCommand({ UserName: userName }))).AccessKeyMetadata ?? [];
    if (keys.length >= ACCESS_KEYS_PER_USER) {
      throw new OperationError(
        `user ${userName} already has ${keys.length} access keys, the most AWS allows per user (${ACCESS_KEYS_PER_USER}): run 's3-share rotate-key ${userName}' to replace one, or delete one (aws iam delete-access-key --user-name ${userName} --access-key-id ...), or pick another --username`,
        'LimitExceeded',
      );
    }
  }

  // With --role the boundary goes on the role: on the user it would block sts:AssumeRole.
  const userBoundary = input.role ? undefined : existing ? existingUserBoundary(existing, input, boundary, guard, reporter) : boundary;
  const boundaryAfter = userBoundary === undefined ? existing?.PermissionsBoundary?.PermissionsBoundaryArn : (userBoundary ?? undefined);
  if (input.console && existing) {
    await consoleSteps.checkNoLoginProfile(iam, userName);
    if (input.console.passwordResetRequired && boundaryAfter) {
      reporter.warn(
        `user ${userName} keeps its permissions boundary ${boundaryAfter}: unless it allows iam:ChangePassword, the user cannot choose a new password at first sign-in`,
      );
    }
  }

  steps.push(...userSteps(iam, userName, existing, userBoundary, tags));
  if (existing && ownUser) {
    // Reusing s3-share's own user records the new grant; someone else's user is not marked as s3-share's.
    const wanted = tags.filter(
      (t) => t.Key === TAG_GRANT || t.Key === TAG_EXPIRES || (t.Key === TAG_MADE_BY && !madeByS3Share(currentTags)),
    );
    steps.push(...tagUserSteps(iam, userName, currentTags, wanted));
  }

  const scope = { partition: me.partition, account: me.account, buckets: input.buckets, prefixes };
  const userCheck = async (written: Written) => {
    const label = `user ${userName} inline ${written.name}`;
    const grant: PolicySet = { inline: [{ label, document: written.document }] };
    const full = existing ? await existingReach(iam, userName, boundaryAfter, written, guard, reporter) : grant;
    if (full) {
      const remedy = existing ? `remove the other policies from user ${userName}, or choose another --username` : 'check the policy';
      checkReach({ who: `user ${userName}`, principal: userArn, full, grant, scope, allowExcess: guard.allowExcess, remedy }, reporter);
    }
  };

  let roleArn: string | undefined;
  if (input.role) {
    roleArn = `arn:${me.partition}:iam::${me.account}:role/${input.role}`;
    steps.push(...(await barrenRoleSteps(iam, input, input.role, userArn, me, boundary, tags)));
    // The role is new (barrenRoleSteps refuses an existing one): its reach is its policy, within its boundary.
    const rolePolicy: PolicySet = { inline: [{ label: `role ${input.role} inline`, document: input.policy }] };
    checkReach(
      {
        who: `role ${input.role}`,
        principal: roleArn,
        full: rolePolicy,
        grant: rolePolicy,
        scope,
        allowExcess: guard.allowExcess,
        remedy: 'check the policy',
      },
      reporter,
    );
    const assumeOnly = assumeOnlyPolicy(roleArn);
    const name = inlinePolicyName('custom', minifyPolicy(assumeOnly)).replace('.custom.', '.assume-role.');
    if (existing) await checkUserInlineTotal(iam, userName, existingPolicies, { name, document: assumeOnly });
    await userCheck({ name, document: assumeOnly });
    steps.push(...userPolicySteps(iam, userName, name, assumeOnly, existingPolicies));
  } else {
    const document = input.console?.passwordResetRequired ? withChangeOwnPassword(input.policy, userArn) : input.policy;
    checkPolicySize(document, 'user-inline');
    const name = inlinePolicyName(input.mode, minifyPolicy(document));
    if (existing) await checkUserInlineTotal(iam, userName, existingPolicies, { name, document });
    await userCheck({ name, document });
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

/**
 * The boundary change for an existing user: its boundary is never changed without
 * --replace-boundary. An explicit --user-permissions-boundary that differs is refused (exit 2);
 * the mode's default is not applied, and the user keeps its own (said on stderr).
 * Returns a string to set, null to remove, undefined to leave it as it is.
 */
function existingUserBoundary(
  existing: User,
  input: CreateInput,
  wanted: string | undefined,
  guard: CreateGuard,
  reporter: Reporter,
): string | null | undefined {
  const current = existing.PermissionsBoundary?.PermissionsBoundaryArn;
  const userName = existing.UserName ?? '';
  if (wanted === current) return undefined;
  if (guard.replaceBoundary) return wanted ?? null;
  const explicit = input.permissionsBoundary !== undefined && input.permissionsBoundary !== 'none';
  if (explicit) {
    throw new UsageError(
      `user ${userName} exists with permissions boundary ${current ?? 'none'}: setting ${wanted} on it needs --replace-boundary, or leave out --user-permissions-boundary to keep it`,
    );
  }
  if (wanted) {
    reporter.info(
      `user ${userName} keeps its permissions boundary (${current ?? 'none'}); add --replace-boundary to set ${wanted} instead`,
    );
  }
  return undefined;
}

/**
 * The policies an existing user will have after this run; undefined when they cannot be read and
 * --allow-excess was given (the check is then skipped, with a warning).
 */
async function existingReach(
  iam: CreateClients['iam'],
  userName: string,
  boundaryAfter: string | undefined,
  written: Written,
  guard: CreateGuard,
  reporter: Reporter,
): Promise<PolicySet | undefined> {
  try {
    const { set } = await userPolicies(iam, userName, boundaryAfter);
    return withWritten(set, `user ${userName}`, written);
  } catch (err) {
    if (!guard.allowExcess) throw err;
    reporter.warn(`${(err as Error).message.replace(/: use credentials.*$/, '')}: not checked (--allow-excess)`);
    return undefined;
  }
}
