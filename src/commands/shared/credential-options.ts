import { Option, type Command } from 'commander';
import type { CliIo } from '../../io';
import {
  CREDENTIAL_FORMATS,
  parseCredentialFormat,
  plannedDelivery,
  prepareDelivery,
  type CredentialFormat,
  type Delivery,
  type DeliveryOptions,
} from '../../output/credentials';
import type { Reporter } from '../../output/reporter';
import type { Plan } from '../../services/plan';
import { runPlan } from './run-plan';

export { checkFormatCarries } from '../../output/credentials';

export interface CredentialOutputOptions {
  format: CredentialFormat;
  output?: string;
  force?: boolean;
}

/** --format, --output and --force, for every command that prints new credentials. */
export function addCredentialOutputOptions(cmd: Command): Command {
  const format = new Option(
    '-f, --format <format>',
    "json, ini (a credentials-file profile), env (export lines), csv (the AWS console CSV), text (a note to send: sign-in link, password, folder, keys, how to connect) or credential-process (the JSON a profile's credential_process prints)",
  )
    .argParser(parseCredentialFormat)
    .default('json');
  // For --help and shell completion; parseCredentialFormat still checks the value and says why.
  format.argChoices = [...CREDENTIAL_FORMATS];
  return cmd
    .addOption(format)
    .option('-o, --output <file>', 'write the credentials to this file, created with mode 0600, instead of stdout')
    .option('--force', 'with --output, replace an existing file');
}

export function deliveryOptions(opts: CredentialOutputOptions): DeliveryOptions {
  return { format: opts.format, output: opts.output, force: opts.force };
}

/**
 * The one way a command that makes new credentials runs: open where they go before anything is
 * created (so a run never makes a key it cannot hand over), build the plan that ends by
 * delivering them, run it (a failed delivery or a signal rolls back what was made), and on any
 * failure remove the file reserved for --output.
 */
export async function runCredentialPlan(
  delivering: DeliveryOptions,
  opts: { dryRun?: boolean; output?: string },
  io: CliIo,
  reporter: Reporter,
  makePlan: (delivery: Delivery) => Promise<Plan>,
): Promise<void> {
  const delivery = opts.dryRun ? plannedDelivery(delivering) : await prepareDelivery(delivering, io);
  try {
    const results = await runPlan(await makePlan(delivery), opts, io, reporter);
    if (results && opts.output) reporter.info(`wrote the credentials to ${opts.output} (mode 0600)`);
  } catch (err) {
    await delivery.discard();
    throw err;
  }
}
