/**
 * `s3-share policy`: print the policy s3-share would grant, without touching AWS. The policy
 * options (--read-only, --write-only, --prefix, --policy, --statement) and the reading of --policy
 * are exported for the commands that create credentials, so every command reads them alike.
 */
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { UsageError } from '../errors';
import { formatObject } from '../output/records';
import type { PolicySpec } from '../policies/templates';
import { addSilentOption, reporterFor } from './shared/common-options';
import { readStdinText, type CliIo } from '../io';

export interface PolicyOptions {
  readOnly?: boolean;
  writeOnly?: boolean;
  prefix?: string;
  policy?: string;
  statement?: string[];
}

export function addPolicyOptions(cmd: Command): Command {
  return cmd
    .option('--read-only', 'list and download only (the default is read-write: list, download, upload, delete)')
    .option('--write-only', 'upload only: no listing, no downloading')
    .option('--prefix <folder>', "only keys under this folder ('alice' and 'alice/' both mean alice/)")
    .option('--policy <template>', 'a custom policy template: a file, JSON text starting with {, or - for stdin')
    .option('--statement <json>', 'add a statement (a JSON object) to the policy; repeatable', (value: string, all?: string[]) => [...(all ?? []), value]);
}

/** The text of --policy: `-` is stdin, text starting with `{` is the JSON itself, anything else a file path. */
export async function readPolicyTemplate(value: string, io: CliIo): Promise<{ text: string; source: string }> {
  if (value === '-') return { text: await readStdinText(io), source: '--policy from stdin' };
  if (value.trim().startsWith('{')) return { text: value, source: '--policy' };
  try {
    return { text: await readFile(value, 'utf8'), source: `--policy file ${value}` };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new UsageError(`cannot read --policy file ${value}: ${why}: give a file path, JSON text starting with '{', or - for stdin`);
  }
}

/** The PolicySpec the policy options describe (conflicting options are a UsageError). */
export async function policySpecFromOptions(buckets: string[], opts: PolicyOptions, io: CliIo): Promise<PolicySpec> {
  if (opts.readOnly && opts.writeOnly) {
    throw new UsageError('--read-only and --write-only conflict: leave both out for read-write access');
  }
  const mode = opts.readOnly ? 'read-only' : opts.writeOnly ? 'write-only' : undefined;
  if (opts.policy !== undefined && mode !== undefined) {
    throw new UsageError(`--policy and --${mode} conflict: a custom policy says itself what it allows, use one of them`);
  }
  const spec: PolicySpec = { buckets, mode, prefix: opts.prefix, statements: opts.statement ?? [] };
  if (opts.policy !== undefined) {
    const { text, source } = await readPolicyTemplate(opts.policy, io);
    spec.template = text;
    spec.templateSource = source;
  }
  return spec;
}

interface PolicyCommandOptions extends PolicyOptions {
  publicBucket?: boolean;
  nl?: boolean;
  silent?: boolean;
}

/** Renders and prints the policy the options ask for; every mistake is a UsageError. */
export async function runPolicy(buckets: string[], opts: PolicyCommandOptions, io: CliIo): Promise<void> {
  const reporter = reporterFor(opts, io);
  // Loaded here rather than at the top so that other commands do not parse the policy code.
  const [{ checkPolicySize, POLICY_SIZE_LIMITS }, { renderPolicy, renderPublicBucketPolicy }] = await Promise.all([
    import('../policies/documents'),
    import('../policies/templates'),
  ]);
  if (opts.publicBucket) {
    const clash = (['readOnly', 'writeOnly', 'prefix', 'policy'] as const).find((k) => opts[k] !== undefined);
    if (clash) {
      const flag = `--${clash.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
      throw new UsageError(`--public-bucket and ${flag} conflict: --public-bucket prints the bucket policy that makes every object public, use it alone`);
    }
    if (buckets.length !== 1) throw new UsageError(`--public-bucket takes one bucket, not ${buckets.length}: run it once per bucket`);
    const { document } = await renderPublicBucketPolicy({ bucket: buckets[0]!, statements: opts.statement });
    checkPolicySize(document, 'bucket');
    io.stdout.write(formatObject(document, opts.nl));
    return;
  }
  const { document, notices } = await renderPolicy(await policySpecFromOptions(buckets, opts, io));
  for (const notice of notices) reporter.info(notice);
  // Printed for a managed policy at most; over a user's inline budget it still has a use.
  const size = checkPolicySize(document, 'managed');
  if (size > POLICY_SIZE_LIMITS['user-inline']) {
    reporter.warn(
      `the policy is ${size.toLocaleString('en-US')} characters (not counting whitespace), over the 2,048 limit of a user's inline policies and of a session policy: it fits only a managed policy; share fewer buckets per user to fit`,
    );
  }
  io.stdout.write(formatObject(document, opts.nl));
}

export function registerPolicy(program: Command, io: CliIo): void {
  const cmd = program
    .command('policy')
    .description('Print the IAM policy s3-share grants for the buckets, without calling AWS')
    .argument('<buckets...>', 'the buckets; several give one policy covering all of them');
  addPolicyOptions(cmd)
    .option('--public-bucket', 'print instead the bucket policy that lets anyone read every object in the bucket')
    .option('--nl', 'print the JSON on one line');
  addSilentOption(cmd)
    .addHelpText(
      'after',
      [
        '',
        'In a --policy template, $!BUCKET_NAME!$ is replaced by each bucket in turn and $!PREFIX!$ by the',
        '--prefix folder; the results are merged into one policy. Action names are checked against the',
        'IAM action catalogue, and the size as AWS counts it (characters, not counting whitespace).',
        '',
        'Examples:',
        '  $ s3-share policy reports-2024 --read-only',
        '  $ s3-share policy photos videos --prefix alice/ --nl',
        '  $ s3-share policy photos --policy my-template.json',
        `  $ s3-share policy photos --read-only --statement '{"Effect":"Allow","Action":"s3:PutObjectTagging","Resource":"arn:aws:s3:::photos/*"}'`,
        '  $ s3-share policy site-assets --public-bucket',
      ].join('\n'),
    )
    .action((buckets: string[], opts: PolicyCommandOptions) => runPolicy(buckets, opts, io));
}
