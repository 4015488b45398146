import { Option, type Command } from 'commander';
import { CREDENTIAL_FORMATS, parseCredentialFormat, type CredentialFormat, type DeliveryOptions } from '../../output/credentials';

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
