import type { Command } from 'commander';
import type { AwsOptions } from '../aws/config';
import { formatObject } from '../output/records';
import { addAwsOptions, addSilentOption, awsContextFor, reporterFor } from './shared/common-options';
import type { CliIo } from '../io';

export interface WhoamiOptions extends AwsOptions {
  nl?: boolean;
  silent?: boolean;
}

export async function runWhoami(opts: WhoamiOptions, io: CliIo): Promise<void> {
  const ctx = await awsContextFor(opts, io, reporterFor(opts, io));
  const [{ createStsClient }, { whoami }] = await Promise.all([import('../aws/clients'), import('../services/users/identity')]);
  io.stdout.write(formatObject(await whoami(await createStsClient(ctx)), opts.nl));
}

export function registerWhoami(program: Command, io: CliIo): void {
  const cmd = program
    .command('whoami')
    .description('Show the account, user ID and ARN of the credentials in use (STS GetCallerIdentity)')
    .option('--nl', 'print the JSON on one line')
    .addHelpText(
      'after',
      '\nExamples:\n  $ s3-share whoami\n  $ s3-share whoami --profile client-a\n  $ s3-share whoami --auth alice.json',
    );
  addSilentOption(addAwsOptions(cmd)).action((opts: WhoamiOptions) => runWhoami(opts, io));
}
