/**
 * `s3-share set-bucket-policy BUCKET (--policy-file F | --allow-all-get) [--replace] [--dry-run]`:
 * s3-credentials' command, made safe to rerun. --allow-all-get merges one statement by Sid and
 * keeps the rest of the policy; --policy-file replaces the policy, and dropping or rewriting
 * statements already there needs --replace. The difference goes to stderr statement by statement.
 */
import type { Command } from 'commander';
import { open } from 'node:fs/promises';
import type { AwsOptions } from '../aws/config';
import { UsageError } from '../errors';
import type { PolicySource } from '../services/buckets/set-policy';
import { addAwsOptions, addSilentOption, awsContextFor, reporterFor } from './shared/common-options';
import { runPlan } from './shared/run-plan';
import { readCapped, type CliIo } from '../io';

export interface SetBucketPolicyOptions extends AwsOptions {
  policyFile?: string;
  allowAllGet?: boolean;
  replace?: boolean;
  dryRun?: boolean;
  nl?: boolean;
  silent?: boolean;
}

/** The text of --policy-file: a file, or `-` for stdin (as click.File reads it), held to the policy source limit. */
export async function readPolicyFile(value: string, io: CliIo): Promise<{ text: string; source: string }> {
  const { MAX_POLICY_SOURCE_BYTES, policySourceTooLarge } = await import('../policies/input-rules');
  if (value === '-') {
    const source = '--policy-file from stdin';
    return { text: await readCapped(io.stdin, MAX_POLICY_SOURCE_BYTES, () => policySourceTooLarge(source, 'more')), source };
  }
  const source = `--policy-file ${value}`;
  const cannotRead = (err: unknown) => {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : (err as Error).message;
    return new UsageError(`cannot read ${source}: ${why}: give the path of a JSON policy file, or - for stdin`);
  };
  let handle;
  try {
    handle = await open(value, 'r');
  } catch (err) {
    throw cannotRead(err);
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw cannotRead(Object.assign(new Error('directory'), { code: 'EISDIR' }));
    if (info.isFile() && info.size > MAX_POLICY_SOURCE_BYTES) throw policySourceTooLarge(source, info.size);
    try {
      const text = await readCapped(handle.createReadStream({ autoClose: false }), MAX_POLICY_SOURCE_BYTES, () =>
        policySourceTooLarge(source, 'more'),
      );
      return { text, source };
    } catch (err) {
      if (err instanceof UsageError) throw err;
      throw cannotRead(err);
    }
  } finally {
    await handle.close();
  }
}

/** Checks the command line (and reads and checks the policy file) into a typed source; UsageError otherwise. */
export async function policySourceFrom(bucket: string, opts: SetBucketPolicyOptions, io: CliIo): Promise<PolicySource> {
  const [{ validateBucketName }, { parseGivenBucketPolicy }] = await Promise.all([
    import('../policies/bucket-names'),
    import('../policies/bucket-policies'),
  ]);
  validateBucketName(bucket);
  if (opts.allowAllGet && opts.policyFile !== undefined) {
    throw new UsageError('--allow-all-get and --policy-file conflict: give one of them');
  }
  if (!opts.allowAllGet && opts.policyFile === undefined) {
    throw new UsageError('nothing to set: give --policy-file FILE (- for stdin) or --allow-all-get');
  }
  if (opts.allowAllGet) {
    if (opts.replace) throw new UsageError('--replace goes with --policy-file: --allow-all-get keeps the other statements');
    return { kind: 'allow-all-get' };
  }
  const { text, source } = await readPolicyFile(opts.policyFile!, io);
  return { kind: 'policy-file', policy: parseGivenBucketPolicy(text, source, bucket), source };
}

export async function runSetBucketPolicy(bucket: string, opts: SetBucketPolicyOptions, io: CliIo): Promise<void> {
  const reporter = reporterFor(opts, io);
  const source = await policySourceFrom(bucket, opts, io);
  const ctx = await awsContextFor(opts, io, reporter);
  const [{ createS3Client }, { planSetBucketPolicy }] = await Promise.all([
    import('../aws/clients'),
    import('../services/buckets/set-policy'),
  ]);
  const plan = await planSetBucketPolicy(await createS3Client(ctx), { bucket, source, replace: !!opts.replace }, reporter);
  await runPlan(plan, opts, io, reporter, {
    result: plan.result,
    unchanged:
      source.kind === 'allow-all-get'
        ? `no change: the bucket policy of ${bucket} already lets anyone GetObject (Sid AllowAllGetObject)`
        : `no change: the bucket policy of ${bucket} is already the one in ${source.source}`,
  });
}

export function registerSetBucketPolicy(program: Command, io: CliIo): void {
  const cmd = program
    .command('set-bucket-policy')
    .description("Set a bucket's policy from a file, or let anyone download its objects (--allow-all-get)")
    .argument('<bucket>', 'the bucket')
    .option('--policy-file <file>', 'the bucket policy, a JSON file (- for stdin); replaces the stored policy')
    .option('--allow-all-get', 'let anyone on the internet download objects: merge Sid AllowAllGetObject into the policy')
    .option('--replace', 'with --policy-file: drop or rewrite statements of the stored policy that the file does not have')
    .option('--dry-run', 'print the new policy and the difference, and change nothing')
    .option('--nl', 'print the JSON on one line');
  addSilentOption(addAwsOptions(cmd))
    .addHelpText(
      'after',
      [
        '',
        'The difference from the stored policy is printed on stderr, statement by statement (- goes,',
        '+ comes, = stays); the result, with the policy as stored, on stdout. A failed or interrupted',
        'write puts the old policy back. Block Public Access must allow a public policy',
        '(set-public-access-block BUCKET --block-public-policy false).',
        '',
        'Examples:',
        '  $ s3-share set-bucket-policy my-bucket --policy-file policy.json',
        '  $ s3-share set-bucket-policy my-bucket --allow-all-get',
        '  $ generate-policy | s3-share set-bucket-policy my-bucket --policy-file - --replace --dry-run',
      ].join('\n'),
    )
    .action((bucket: string, opts: SetBucketPolicyOptions) => runSetBucketPolicy(bucket, opts, io));
}
