/**
 * `s3-share set-cors-policy BUCKET [-m METHOD]... [-h HEADER]... [-o ORIGIN]... [-e HEADER]...
 * [--max-age-seconds N]`: replace the bucket's CORS rules with one rule. The flags and their
 * short forms are s3-credentials', so its scripts run unchanged: that is why -h is
 * --allowed-header here and help is --help alone.
 */
import type { Command } from 'commander';
import type { AwsOptions } from '../aws/config';
import { UsageError } from '../errors';
import { addAwsOptions, addSilentOption, awsContextFor, positiveInt, reporterFor } from './shared/common-options';
import { runPlan } from './shared/run-plan';
import type { CliIo } from '../io';

export interface SetCorsPolicyOptions extends AwsOptions {
  allowedMethod?: string[];
  allowedHeader?: string[];
  allowedOrigin?: string[];
  exposeHeader?: string[];
  maxAgeSeconds?: number;
  dryRun?: boolean;
  nl?: boolean;
  silent?: boolean;
}

/** S3 stores MaxAgeSeconds as a 32-bit integer. */
const MAX_AGE_LIMIT = 2147483647;

const collect = (value: string, previous: string[] = []) => [...previous, value];

export async function runSetCorsPolicy(bucket: string, opts: SetCorsPolicyOptions, io: CliIo): Promise<void> {
  const reporter = reporterFor(opts, io);
  const { validateBucketName } = await import('../policies/bucket-names');
  validateBucketName(bucket);
  const { CORS_METHODS, corsRule } = await import('../services/buckets/cors');
  const values = (flag: string, given: string[] | undefined): string[] => {
    for (const v of given ?? []) {
      if (v.trim() === '') throw new UsageError(`${flag} must not be empty: give a value, or leave the flag out`);
    }
    return given ?? [];
  };
  const allowedMethods = values('--allowed-method', opts.allowedMethod).map((m) => {
    const method = m.trim().toUpperCase();
    if (!(CORS_METHODS as readonly string[]).includes(method)) {
      throw new UsageError(`--allowed-method '${m}' is not a method S3 allows in CORS: use one of ${CORS_METHODS.join(', ')}`);
    }
    return method;
  });
  const rule = corsRule({
    allowedMethods: [...new Set(allowedMethods)],
    allowedHeaders: values('--allowed-header', opts.allowedHeader),
    allowedOrigins: values('--allowed-origin', opts.allowedOrigin),
    exposeHeaders: values('--expose-header', opts.exposeHeader),
    maxAgeSeconds: opts.maxAgeSeconds,
  });
  const ctx = await awsContextFor(opts, io, reporter);
  const [{ createS3Client }, { planSetCors }] = await Promise.all([import('../aws/clients'), import('../services/buckets/cors')]);
  const plan = await planSetCors(await createS3Client(ctx), bucket, rule);
  if (plan.previous) reporter.info(`replacing the CORS rules of bucket ${bucket}: ${JSON.stringify(plan.previous)}`);
  await runPlan(plan, opts, io, reporter, { result: plan.result });
}

export function registerSetCorsPolicy(program: Command, io: CliIo): void {
  const cmd = program
    .command('set-cors-policy')
    .description("Replace a bucket's CORS rules with one rule (default: GET from any origin)")
    .argument('<bucket>', 'the bucket')
    // -h is --allowed-header, as in s3-credentials: help is --help alone on this command.
    .helpOption('--help', 'show help (-h is --allowed-header here)')
    .option(
      '-m, --allowed-method <method>',
      `an allowed method: ${['GET', 'PUT', 'POST', 'DELETE', 'HEAD'].join(', ')} (repeatable; default GET)`,
      collect,
    )
    .option('-h, --allowed-header <header>', 'a header browsers may send, e.g. Authorization (repeatable)', collect)
    .option('-o, --allowed-origin <origin>', 'an allowed origin, e.g. https://www.example.com (repeatable; default *)', collect)
    .option('-e, --expose-header <header>', 'a response header scripts may read, e.g. ETag (repeatable)', collect)
    .option('--max-age-seconds <n>', 'how long browsers may cache a preflight response', positiveInt('--max-age-seconds', MAX_AGE_LIMIT))
    .option('--dry-run', 'print the CORS configuration it would put, and change nothing')
    .option('--nl', 'print the JSON on one line');
  addSilentOption(addAwsOptions(cmd))
    .addHelpText(
      'after',
      [
        '',
        'The bucket ends up with exactly this one rule: any rules it had are replaced (and shown on',
        'stderr). The flags are those of s3-credentials set-cors-policy, short forms included, so on',
        'this command -h means --allowed-header and help is --help.',
        '',
        'Examples:',
        '  $ s3-share set-cors-policy photos',
        '  $ s3-share set-cors-policy photos -m GET -m PUT -o https://www.example.com -e ETag',
        '  $ s3-share set-cors-policy photos --allowed-header Authorization --max-age-seconds 3600 --dry-run',
      ].join('\n'),
    )
    .action((bucket: string, opts: SetCorsPolicyOptions) => runSetCorsPolicy(bucket, opts, io));
}
