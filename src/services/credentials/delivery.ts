/**
 * Delivering the new credentials is a step of the plan, like the AWS calls: when it fails (a full
 * disk, a closed stdout) the plan rolls back the key it made, and rotate-key retires the old key
 * only after it. Its printable input says where and in which format, never the secret.
 */
import type { Delivery, IssuedCredentials } from '../../output/credentials';
import { step, type PlanResults, type PlanStep } from '../plan';

export function deliveryStep(delivery: Delivery, credentials: (results: PlanResults) => IssuedCredentials): PlanStep {
  const { Target, Format } = delivery.target;
  const toFile = Target !== 'stdout';
  return step<unknown>({
    service: 'local',
    operation: 'DeliverCredentials',
    description: toFile ? `write the credentials to ${Target} (${Format}, mode 0600)` : `print the credentials on stdout (${Format})`,
    input: { ...delivery.target },
    run: (results) => delivery.deliver(credentials(results)),
    // A file naming a key the rollback deletes goes too; what stdout took cannot be taken back,
    // and the rollback's report names the key it deleted.
    undo: () => (toFile ? { description: `remove ${Target}`, run: () => delivery.discard() } : undefined),
  });
}
