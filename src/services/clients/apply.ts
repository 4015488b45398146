/**
 * apply: converges the account to the client list, one client at a time through the plan engine
 * (so a failure inside one client rolls back what that run made for it), several clients at once
 * (bounded), and one client's failure never stops the others.
 *
 * Interruption: a new key (and console password) is made only on a user tagged pending; the tag
 * comes off only after the secret is delivered. A user that a kill left pending has its keys and
 * password replaced by the next run, so no client keeps a key nobody received, and none has two.
 */
import {
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteRolePolicyCommand,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
  DeleteLoginProfileCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  TagUserCommand,
  UntagUserCommand,
  type AccessKey,
  type IAMClient,
} from '@aws-sdk/client-iam';
import type { S3Client } from '@aws-sdk/client-s3';
import { describeAwsError, isAwsError } from '../../aws/errors';
import { OperationError } from '../../errors';
import { accessKeyCredentials, type IssuedCredentials } from '../../output/credentials';
import type { Reporter } from '../../output/reporter';
import { expiresTag, type Client } from '../../policies/clients/client-list';
import { MADE_BY } from '../../policies/creation-tags';
import { minifyPolicy } from '../../policies/documents';
import { ROLE_OWNER_TAG, TAG_CREATED, TAG_EXPIRES, TAG_GRANT, TAG_MADE_BY, TAG_PENDING, tagTime } from '../../policies/ownership';
import { forEachBounded } from '../concurrency';
import { createAccessKeyStep } from '../credentials/access-key';
import { consoleSteps, consoleUrls } from '../credentials/console-login';
import { userPolicySteps } from '../credentials/user-steps';
import { executePlan, step, type PlanResults, type PlanStep } from '../plan';
import { deleteUsers } from '../users/delete/delete-users';
import { applyAccountClient, bucketLocks } from './account-grants';
import { roleTrust, userPolicyFor, type ClientChange, type Edit } from './changes';
import { roleSteps } from '../credentials/role-steps';
import type { ClientDelivery } from './key-delivery';

export interface ApplyInput {
  changes: ClientChange[];
  delivery: ClientDelivery;
  /** Clients worked on at once. */
  concurrency: number;
  account: string;
  partition: string;
  now: Date;
  signal?: AbortSignal;
  /** For clients with an account: the client their bucket policies are written with. */
  s3?: () => Promise<S3Client>;
}

export interface ClientOutcome {
  UserName: string;
  Action: ClientChange['action'];
  /** One line, when this client failed. */
  Error?: string;
}

const KEY = 'clientKey';

function tagStep(iam: IAMClient, userName: string, tags: Record<string, string>, description: string): PlanStep {
  const Tags = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
  return step<unknown>({
    service: 'iam',
    operation: 'TagUser',
    description,
    input: { UserName: userName, Tags },
    run: () => iam.send(new TagUserCommand({ UserName: userName, Tags })),
  });
}

function untagStep(iam: IAMClient, userName: string, keys: string[], description: string): PlanStep {
  return step<unknown>({
    service: 'iam',
    operation: 'UntagUser',
    description,
    input: { UserName: userName, TagKeys: keys },
    run: () => iam.send(new UntagUserCommand({ UserName: userName, TagKeys: keys })),
  });
}

function iamStep(description: string, operation: string, input: Record<string, unknown>, run: () => Promise<unknown>): PlanStep {
  return step<unknown>({ service: 'iam', operation, description, input, run });
}

/** The steps that make a key (and a password, for a console client) and hand them over. */
async function issueSteps(iam: IAMClient, client: Client, input: ApplyInput, reporter: Reporter, hadConsole: boolean): Promise<PlanStep[]> {
  const user = client.username;
  const steps: PlanStep[] = [];
  let password: (() => string) | undefined;
  if (client.console) {
    if (hadConsole) {
      steps.push(
        iamStep(`delete the undelivered console password of user ${user}`, 'DeleteLoginProfile', { UserName: user }, () =>
          iam.send(new DeleteLoginProfileCommand({ UserName: user })),
        ),
      );
    }
    const built = await consoleSteps.build(iam, user, { passwordResetRequired: false }, reporter);
    steps.push(...built.steps);
    password = built.password;
  }
  steps.push(
    createAccessKeyStep(iam, user, KEY, {
      description: `create an access key for user ${user}`,
      undo: (id) => `delete access key ${id} of user ${user}`,
    }),
  );
  const credentials = (results: PlanResults): IssuedCredentials => ({
    ...accessKeyCredentials(user, results.get<AccessKey>(KEY)),
    ...(password ? { Password: password(), ...consoleUrls(input.account, client.buckets, input.partition, client.prefix) } : {}),
  });
  steps.push(
    step<unknown>({
      service: 'local',
      operation: 'DeliverCredentials',
      description: `write the credentials of ${user} to ${input.delivery.describe(user, 'key')}`,
      input: { UserName: user, Target: input.delivery.describe(user, 'key') },
      run: (results) => input.delivery.deliverKey(credentials(results), { buckets: client.buckets, prefix: client.prefix }),
    }),
  );
  steps.push(untagStep(iam, user, [TAG_PENDING], `mark the key of user ${user} delivered`));
  return steps;
}

/** The steps of a role client's role edits (the role is made before the user's policy names it). */
function roleEditSteps(iam: IAMClient, client: Client, edits: readonly Edit[], input: ApplyInput): PlanStep[] {
  const caller = { account: input.account, partition: input.partition };
  const steps: PlanStep[] = [];
  for (const edit of edits) {
    switch (edit.kind) {
      case 'create-role':
        steps.push(
          ...roleSteps(iam, edit.role, roleTrust(client, caller), client.policyName!, client.policy!, {
            Description: `s3-share: access to ${client.buckets.join(', ')}`.slice(0, 1000),
            // delete-user (and --prune) remove the role with its user only when it can tell whose it is.
            Tags: [
              { Key: ROLE_OWNER_TAG, Value: client.username },
              { Key: TAG_MADE_BY, Value: MADE_BY },
            ],
          }),
        );
        break;
      case 'update-trust': {
        const trust = JSON.stringify(roleTrust(client, caller));
        steps.push(
          iamStep(`restore the trust policy of role ${edit.role}`, 'UpdateAssumeRolePolicy', { RoleName: edit.role }, () =>
            iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: edit.role, PolicyDocument: trust })),
          ),
        );
        break;
      }
      case 'put-role-policy':
        steps.push(
          iamStep(
            `put inline policy ${edit.name} of role ${edit.role}`,
            'PutRolePolicy',
            { RoleName: edit.role, PolicyName: edit.name, PolicyDocument: client.policy },
            () =>
              iam.send(
                new PutRolePolicyCommand({ RoleName: edit.role, PolicyName: edit.name, PolicyDocument: minifyPolicy(client.policy!) }),
              ),
          ),
        );
        break;
      case 'delete-role-policy':
        steps.push(
          iamStep(
            `delete old inline policy ${edit.name} of role ${edit.role}`,
            'DeleteRolePolicy',
            { RoleName: edit.role, PolicyName: edit.name },
            () => iam.send(new DeleteRolePolicyCommand({ RoleName: edit.role, PolicyName: edit.name })),
          ),
        );
        break;
      default:
        break;
    }
  }
  return steps;
}

async function createSteps(iam: IAMClient, change: ClientChange, input: ApplyInput, reporter: Reporter): Promise<PlanStep[]> {
  const client = change.client!;
  const user = client.username;
  const own = userPolicyFor(client, { account: input.account, partition: input.partition });
  const tags: Record<string, string> = {
    [TAG_MADE_BY]: MADE_BY,
    [TAG_CREATED]: tagTime(input.now),
    [TAG_GRANT]: client.grant,
    [TAG_PENDING]: 'key',
  };
  const expires = expiresTag(client);
  if (expires) tags[TAG_EXPIRES] = expires;
  const Tags = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
  return [
    // Made pending from its first moment: a kill at any later point leaves a user the next run repairs.
    step<unknown>({
      service: 'iam',
      operation: 'CreateUser',
      description: `create IAM user ${user}`,
      input: { UserName: user, Tags },
      run: () => iam.send(new CreateUserCommand({ UserName: user, Tags })),
      undo: () => ({ description: `delete user ${user}`, run: () => iam.send(new DeleteUserCommand({ UserName: user })) }),
    }),
    ...roleEditSteps(iam, client, change.edits, input),
    ...userPolicySteps(iam, user, own.name, own.document, new Set()),
    ...(await issueSteps(iam, client, input, reporter, false)),
  ];
}

async function editSteps(iam: IAMClient, change: ClientChange, input: ApplyInput, reporter: Reporter): Promise<PlanStep[]> {
  const client = change.client!;
  const user = client.username;
  const steps: PlanStep[] = [];
  const replacingKey = change.edits.find((e): e is Extract<Edit, { kind: 'replace-key' }> => e.kind === 'replace-key');
  const own = userPolicyFor(client, { account: input.account, partition: input.partition });
  steps.push(...roleEditSteps(iam, client, change.edits, input));
  for (const edit of change.edits) {
    switch (edit.kind) {
      case 'put-policy':
        steps.push(...userPolicySteps(iam, user, edit.name, own.document, new Set()));
        break;
      case 'delete-policy':
        steps.push(
          iamStep(
            `delete old inline policy ${edit.name} of user ${user}`,
            'DeleteUserPolicy',
            { UserName: user, PolicyName: edit.name },
            () => iam.send(new DeleteUserPolicyCommand({ UserName: user, PolicyName: edit.name })),
          ),
        );
        break;
      case 'remove-console':
        steps.push(
          iamStep(`remove the console password of user ${user}`, 'DeleteLoginProfile', { UserName: user }, () =>
            iam.send(new DeleteLoginProfileCommand({ UserName: user })),
          ),
        );
        break;
      case 'add-console':
      case 'replace-password': {
        // With a key being replaced, the password goes with the key.
        if (replacingKey) break;
        steps.push(tagStep(iam, user, { [TAG_PENDING]: 'password' }, `mark the console password of user ${user} pending`));
        if (edit.kind === 'replace-password') {
          steps.push(
            iamStep(`delete the undelivered console password of user ${user}`, 'DeleteLoginProfile', { UserName: user }, () =>
              iam.send(new DeleteLoginProfileCommand({ UserName: user })),
            ),
          );
        }
        const built = await consoleSteps.build(iam, user, { passwordResetRequired: false }, reporter);
        steps.push(...built.steps);
        steps.push(
          step<unknown>({
            service: 'local',
            operation: 'DeliverPassword',
            description: `write the console password of ${user} to ${input.delivery.describe(user, 'password')}`,
            input: { UserName: user, Target: input.delivery.describe(user, 'password') },
            run: () =>
              input.delivery.deliverPassword({
                UserName: user,
                Password: built.password(),
                ...consoleUrls(input.account, client.buckets, input.partition, client.prefix),
              }),
          }),
        );
        steps.push(untagStep(iam, user, [TAG_PENDING], `mark the console password of user ${user} delivered`));
        break;
      }
      case 'tag':
        steps.push(tagStep(iam, user, edit.tags, `update the tags of user ${user}`));
        break;
      case 'untag':
        steps.push(untagStep(iam, user, edit.keys, `remove tags ${edit.keys.join(', ')} of user ${user}`));
        break;
      default:
        break;
    }
  }
  if (replacingKey) {
    for (const id of replacingKey.keys) {
      steps.push(
        iamStep(`delete undelivered access key ${id} of user ${user}`, 'DeleteAccessKey', { UserName: user, AccessKeyId: id }, () =>
          iam.send(new DeleteAccessKeyCommand({ UserName: user, AccessKeyId: id })),
        ),
      );
    }
    const hadConsole = !change.edits.some((e) => e.kind === 'add-console');
    steps.push(...(await issueSteps(iam, client, input, reporter, client.console && hadConsole)));
  }
  return steps;
}

/** The steps of one client's change (deletes excepted: deleteUsers does those). */
export async function clientSteps(iam: IAMClient, change: ClientChange, input: ApplyInput, reporter: Reporter): Promise<PlanStep[]> {
  if (change.action === 'create') return createSteps(iam, change, input, reporter);
  if (change.action === 'update' || change.action === 'replace-key') return editSteps(iam, change, input, reporter);
  return [];
}

function oneLine(err: unknown): string {
  return err instanceof OperationError ? err.message : isAwsError(err) ? describeAwsError(err) : ((err as Error)?.message ?? String(err));
}

/**
 * Runs every change that does something; returns one outcome per such change, in list order.
 * Never throws for one client's failure: its outcome carries the error.
 */
export async function applyChanges(iam: IAMClient, input: ApplyInput, reporter: Reporter): Promise<ClientOutcome[]> {
  const work = input.changes.filter((c) => c.action !== 'none');
  const outcomes = new Map<ClientChange, ClientOutcome>();
  const lock = bucketLocks();
  await forEachBounded(
    work,
    input.concurrency,
    async (change) => {
      const outcome: ClientOutcome = { UserName: change.username, Action: change.action };
      outcomes.set(change, outcome);
      try {
        if (change.action === 'refused') throw new OperationError(change.reason ?? 'refused');
        if (change.client?.account) {
          if (!input.s3) throw new OperationError('no S3 client to write bucket policies with');
          await applyAccountClient(await input.s3(), change.client, lock, reporter, input.signal);
        } else if (change.action === 'delete') {
          const [result] = await deleteUsers(
            { iam },
            { users: [change.username], concurrency: 1, dryRun: false, deleteObjects: false },
            reporter,
          );
          if (result?.error) throw new OperationError(result.error);
        } else {
          await executePlan({ steps: await clientSteps(iam, change, input, reporter) }, { reporter, signal: input.signal });
        }
      } catch (err) {
        outcome.Error = oneLine(err);
        reporter.warn(`${change.username}: ${outcome.Error}`);
      }
    },
    () => !!input.signal?.aborted,
  );
  return work.filter((c) => outcomes.has(c)).map((c) => outcomes.get(c)!);
}
