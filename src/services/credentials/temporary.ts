/**
 * --duration: temporary credentials, with no IAM user. They come from AssumeRole on one shared
 * role per account, made once; the policy of each grant is passed as the session policy.
 */
import { UpdateRoleCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, type Credentials } from '@aws-sdk/client-sts';
import { setTimeout as sleepMs } from 'node:timers/promises';
import { errorCode } from '../../aws/errors';
import { OperationError } from '../../errors';
import type { Reporter } from '../../output/reporter';
import { creationTags } from '../../policies/creation-tags';
import { minifyPolicy } from '../../policies/documents';
import { MAX_SESSION_SECONDS } from '../../policies/iam-limits';
import { roleSessionName } from '../../policies/names';
import { accountTrustPolicy } from '../../policies/trust';
import { step, type PlanStep } from '../plan';
import type { Caller } from '../users/identity';
import type { CreateClients, CreateInput, CreatePlan } from './create-input';
import type { Sleep } from './key-readiness';
import { getRole, roleSteps } from './role-steps';

export const TEMPORARY_ROLE_NAME = 's3-share-temporary';

/**
 * --duration: ensure the shared role (trusting this account, allowed s3:* — the session policy
 * narrows it to the grant), then AssumeRole with the policy as the session policy.
 */
export async function temporaryPlan(
  clients: CreateClients,
  input: CreateInput,
  me: Caller,
  steps: PlanStep[],
  reporter: Reporter,
  sleep: Sleep = sleepMs,
): Promise<CreatePlan> {
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
        Tags: creationTags({ mode: 'session-policy', buckets: [] }, new Date()),
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
  // The credentials carry exactly STS's four keys, as s3-credentials prints them (scripts compare
  // that set); which role they are a session of is said here, on stderr.
  reporter.info(`the temporary credentials will be a session of ${roleArn}, limited by the policy`);
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
      };
    },
  };
}
