/**
 * The policy options (--read-only, --write-only, --prefix, --policy, --statement) and the reading
 * of --policy, for `policy` and the commands that create credentials, so every command reads them
 * alike.
 */
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { UsageError } from '../../errors';
import type { PolicySpec } from '../../policies/templates';
import { readStdinText, type CliIo } from '../../io';

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
    .option('--statement <json>', 'add a statement (a JSON object) to the policy; repeatable', (value: string, all?: string[]) => [
      ...(all ?? []),
      value,
    ]);
}

/** The text of --policy: `-` is stdin, text starting with `{` is the JSON itself, anything else a file path. */
export async function readPolicyTemplate(value: string, io: CliIo): Promise<{ text: string; source: string }> {
  if (value === '-') return { text: await readStdinText(io), source: '--policy from stdin' };
  if (value.trim().startsWith('{')) return { text: value, source: '--policy' };
  try {
    return { text: await readFile(value, 'utf8'), source: `--policy file ${value}` };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : (err as Error).message;
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
