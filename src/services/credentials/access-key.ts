/**
 * The CreateAccessKey step of create and rotate-key. Its undo deletes exactly the key the step
 * made, so a failure or an interruption after it leaves the user's keys as they were.
 */
import { CreateAccessKeyCommand, DeleteAccessKeyCommand, type AccessKey, type IAMClient } from '@aws-sdk/client-iam';
import { OperationError } from '../../errors';
import { step, type PlanStep } from '../plan';

/** What the step and its undo say on stderr and in --dry-run: each command words them its own way. */
export interface AccessKeyWording {
  /** "create an access key for user alice". */
  description: string;
  /** The undo's line, for the key that was made. */
  undo(keyId: string | undefined): string;
}

/** The new key (with its secret) is kept under `id` in the plan's results. */
export function createAccessKeyStep(iam: IAMClient, userName: string, id: string, wording: AccessKeyWording): PlanStep {
  return step<AccessKey>({
    service: 'iam',
    operation: 'CreateAccessKey',
    description: wording.description,
    input: { UserName: userName },
    id,
    run: async () => {
      const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: userName }));
      if (!AccessKey?.AccessKeyId || !AccessKey.SecretAccessKey) throw new OperationError('IAM returned no access key: try again');
      return AccessKey;
    },
    undo: (key) => ({
      description: wording.undo(key.AccessKeyId),
      run: () => iam.send(new DeleteAccessKeyCommand({ UserName: userName, AccessKeyId: key.AccessKeyId })),
    }),
  });
}
