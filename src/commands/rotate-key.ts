/**
 * `s3-share rotate-key USER`: a new access key for the user, printed as `create` prints one, then
 * the old key deleted (or deactivated with --keep-old). The work is in services/credentials/rotate-key.ts, run
 * through the plan engine so --dry-run and rollback behave as they do for create.
 */
import type { Command } from 'commander';
import type { AwsOptions } from '../aws/config';
import type { Reporter } from '../output/reporter';
import { addAwsOptions, addSilentOption, awsContextFor, reporterFor } from './shared/common-options';
import { addKeyWaitOptions, shouldWait, waitTimeoutSeconds, type KeyWaitOptions } from './shared/key-wait-options';
import { addCredentialOutputOptions, deliveryOptions, runCredentialPlan, type CredentialOutputOptions } from './shared/credential-options';
import type { CliIo } from '../io';

export interface RotateKeyOptions extends AwsOptions, CredentialOutputOptions, KeyWaitOptions {
  keepOld?: boolean;
  deleteOldest?: boolean;
  allowExcess?: boolean;
  dryRun?: boolean;
  silent?: boolean;
}

export async function runRotateKey(userName: string, opts: RotateKeyOptions, io: CliIo): Promise<void> {
  const reporter: Reporter = reporterFor(opts, io);
  const { validateIamName } = await import('../policies/names');
  validateIamName(userName, 'USER');
  const ctx = await awsContextFor(opts, io, reporter);
  const wait = shouldWait(opts, io);
  const timeoutMs = waitTimeoutSeconds(opts) * 1000;
  await runCredentialPlan(deliveryOptions(opts), opts, io, reporter, async (delivery) => {
    const [{ clientsForKey, createIamClient, createStsClient }, { planRotate }, { keyProbes }, { callerIdentity }] = await Promise.all([
      import('../aws/clients'),
      import('../services/credentials/rotate-key'),
      import('../services/credentials/key-readiness'),
      import('../services/users/identity'),
    ]);
    const caller = await callerIdentity(await createStsClient(ctx));
    return planRotate(
      await createIamClient(ctx),
      {
        userName,
        keepOld: !!opts.keepOld,
        deleteOldest: !!opts.deleteOldest,
        wait: wait ? { timeoutMs, probes: async (key) => keyProbes(await clientsForKey(ctx, key)) } : undefined,
        // The old key is retired only after this step: the new secret is flushed where the user asked.
        delivery,
        guard: { caller, allowExcess: !!opts.allowExcess },
      },
      reporter,
    );
  });
}

export function registerRotateKey(program: Command, io: CliIo): void {
  const cmd = program
    .command('rotate-key')
    .description("Replace a user's access key: create a new one, print it, then delete the old one (or deactivate it with --keep-old)")
    .argument('<user>', 'the IAM user whose key to replace')
    .option('--keep-old', 'deactivate the old key (Status Inactive) instead of deleting it')
    .option('--delete-oldest', 'when the user already has 2 keys (the AWS limit), delete the oldest first')
    .option(
      '--allow-excess',
      'make the key even when the user can do more than its s3-share policies grant (other policies, groups): by default that is refused',
    );
  addKeyWaitOptions(cmd).option('--dry-run', 'print the plan (the AWS calls, as JSON) and change nothing');
  addCredentialOutputOptions(cmd);
  addSilentOption(addAwsOptions(cmd))
    .addHelpText(
      'after',
      [
        '',
        'With --wait (the default when stderr is a terminal) the old key is touched only once the new one works.',
        'The old key is touched only once the new one is delivered: written and flushed to --output, or to stdout.',
        'If a step fails, the new key is deleted again and the old one is left as it was (exit 1).',
        'Before anything, rotate-key checks what the user can do: beyond its s3-share policies is refused',
        '(exit 1) unless --allow-excess; the identity running s3-share is never given a key (exit 2).',
        '',
        'Examples:',
        '  $ s3-share rotate-key alice --output alice.json',
        '  $ s3-share rotate-key alice --keep-old --format ini',
        '  $ s3-share rotate-key alice --delete-oldest --dry-run',
      ].join('\n'),
    )
    .action((user: string, opts: RotateKeyOptions) => runRotateKey(user, opts, io));
}
