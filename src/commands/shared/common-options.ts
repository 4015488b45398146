/**
 * Options shared by many commands: AWS access, list output format, --silent. Each command adds
 * the groups it needs, so `s3-share policy --profile x` is an error rather than silently ignored.
 */
import { Command, Option } from 'commander';
import { resolveAwsContext, type AwsContext, type AwsOptions } from '../../aws/config';
import { UsageError } from '../../errors';
import type { RecordFormat } from '../../output/records';
import { createReporter, type Reporter } from '../../output/reporter';
import type { CliIo } from '../../io';
import { timeoutParser } from './durations';

export function addAwsOptions(cmd: Command): Command {
  return (
    cmd
      .option('--profile <name>', 'AWS profile from ~/.aws/config and ~/.aws/credentials')
      .option('--region <region>', 'AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile, then us-east-1)')
      .option('--access-key <id>', 'AWS access key ID')
      .option('--secret-key <secret>', 'AWS secret access key (visible in the process list: prefer the environment or a profile)')
      .option('--session-token <token>', 'AWS session token, for temporary credentials')
      .option('--endpoint-url <url>', 'custom endpoint for IAM, STS and S3 (moto, MinIO); also AWS_ENDPOINT_URL')
      .option('-a, --auth <file>', "credentials file: the JSON that 's3-share create' prints, or an INI credentials file")
      .addOption(
        new Option('--connect-timeout <seconds>', 'give up connecting to AWS after this long; 0 waits for ever (default: 60)').argParser(
          timeoutParser('--connect-timeout'),
        ),
      )
      .addOption(
        new Option(
          '--read-timeout <seconds>',
          'give up when AWS sends nothing for this long; a transfer that keeps moving never times out; 0 waits for ever (default: 60)',
        ).argParser(timeoutParser('--read-timeout')),
      )
      // aws-cli's spellings of the same two settings, so copied commands keep working.
      .addOption(new Option('--cli-connect-timeout <seconds>').hideHelp().argParser(timeoutParser('--cli-connect-timeout')))
      .addOption(new Option('--cli-read-timeout <seconds>').hideHelp().argParser(timeoutParser('--cli-read-timeout')))
  );
}

/** The AWS options as the context needs them: aws-cli's --cli-*-timeout spellings folded in. */
export interface AwsFlagOptions extends AwsOptions {
  cliConnectTimeout?: number;
  cliReadTimeout?: number;
}

export function addSilentOption(cmd: Command): Command {
  return cmd.option('-s, --silent', 'print nothing on stderr but errors');
}

export interface ListOutputOptions {
  nl?: boolean;
  csv?: boolean;
  tsv?: boolean;
  array?: boolean;
}

export function addListOutputOptions(cmd: Command): Command {
  return cmd
    .option('--nl', 'one JSON object per line (NDJSON), for jq and scripts')
    .option('--csv', 'CSV with a header row (nested values JSON-encoded)')
    .option('--tsv', 'TSV with a header row (nested values JSON-encoded)')
    .addOption(new Option('--array', 'a pretty JSON array (the default)'));
}

export function recordFormat(opts: ListOutputOptions): RecordFormat {
  const chosen = (['nl', 'csv', 'tsv', 'array'] as const).filter((k) => opts[k]);
  if (chosen.length > 1) {
    throw new UsageError(`${chosen.map((k) => `--${k}`).join(' and ')} conflict: pick one output format`);
  }
  return chosen[0] === undefined || chosen[0] === 'array' ? 'json' : chosen[0];
}

export function reporterFor(opts: { silent?: boolean }, io: CliIo): Reporter {
  return createReporter(io.stderr, { silent: opts.silent });
}

/** Resolves the AWS options and prints their warnings (such as a secret on the command line). */
export async function awsContextFor(opts: AwsFlagOptions, io: CliIo, reporter: Reporter): Promise<AwsContext> {
  const { cliConnectTimeout, cliReadTimeout, ...aws } = opts;
  const { context, warnings } = await resolveAwsContext(
    { ...aws, connectTimeout: aws.connectTimeout ?? cliConnectTimeout, readTimeout: aws.readTimeout ?? cliReadTimeout },
    io.env,
  );
  for (const w of warnings) reporter.warn(w);
  return context;
}

/** Parses a positive integer option such as --concurrency. */
export function positiveInt(name: string, max = 1000) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < 1 || n > max) {
      throw new UsageError(`${name} must be a whole number from 1 to ${max}, not '${value}'`);
    }
    return n;
  };
}
