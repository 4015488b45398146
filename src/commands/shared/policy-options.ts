/**
 * The policy options (--read-only, --write-only, --prefix, --policy, --statement) and the reading
 * of --policy, for `policy` and the commands that create credentials, so every command reads them
 * alike.
 */
import type { Command } from 'commander';
import { open } from 'node:fs/promises';
import { UsageError } from '../../errors';
import { MAX_POLICY_SOURCE_BYTES, policySourceTooLarge } from '../../policies/input-rules';
import type { PolicySpec } from '../../policies/templates';
import { readCapped, type CliIo } from '../../io';

export interface PolicyOptions {
  readOnly?: boolean;
  writeOnly?: boolean;
  /** Every --prefix given, in order (the option is repeatable). */
  prefix?: string[];
  policy?: string;
  statement?: string[];
}

export function addPolicyOptions(cmd: Command): Command {
  return cmd
    .option('--read-only', 'list and download only (the default is read-write: list, download, upload, delete)')
    .option('--write-only', 'upload only: no listing, no downloading')
    .option(
      '--prefix <folder>',
      "only keys under this folder ('alice' and 'alice/' both mean alice/); repeatable: several give one policy covering all of them",
      (value: string, all?: string[]) => [...(all ?? []), value],
    )
    .option('--policy <template>', 'a custom policy template: a file, JSON text starting with {, or - for stdin')
    .option('--statement <json>', 'add a statement (a JSON object) to the policy; repeatable', (value: string, all?: string[]) => [
      ...(all ?? []),
      value,
    ]);
}

function fileProblem(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT'
    ? 'no such file'
    : code === 'EISDIR'
      ? 'it is a directory'
      : code === 'EACCES'
        ? 'permission denied'
        : (err as Error).message;
}

/**
 * The text of --policy: `-` is stdin, text starting with `{` is the JSON itself, anything else a
 * file path. Every source is held to MAX_POLICY_SOURCE_BYTES before it is parsed: a regular
 * file by its size on disk (nothing is read), a pipe or stdin by reading at most that much.
 */
export async function readPolicyTemplate(value: string, io: CliIo): Promise<{ text: string; source: string }> {
  if (value === '-') {
    const source = '--policy from stdin';
    return { text: await readCapped(io.stdin, MAX_POLICY_SOURCE_BYTES, () => policySourceTooLarge(source, 'more')), source };
  }
  if (value.trim().startsWith('{')) {
    const bytes = Buffer.byteLength(value, 'utf8');
    if (bytes > MAX_POLICY_SOURCE_BYTES) throw policySourceTooLarge('--policy', bytes);
    return { text: value, source: '--policy' };
  }
  const source = `--policy file ${value}`;
  const cannotRead = (why: string) =>
    new UsageError(`cannot read --policy file ${value}: ${why}: give a file path, JSON text starting with '{', or - for stdin`);
  let handle;
  try {
    handle = await open(value, 'r');
  } catch (err) {
    throw cannotRead(fileProblem(err));
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw cannotRead('it is a directory');
    if (info.isFile() && info.size > MAX_POLICY_SOURCE_BYTES) throw policySourceTooLarge(source, info.size);
    let text;
    try {
      // Not only regular files: <(generate-policy) and /dev/stdin are pipes, read up to the limit.
      text = await readCapped(handle.createReadStream({ autoClose: false }), MAX_POLICY_SOURCE_BYTES, () =>
        policySourceTooLarge(source, 'more'),
      );
    } catch (err) {
      if (err instanceof UsageError) throw err;
      throw cannotRead(fileProblem(err));
    }
    return { text, source };
  } finally {
    await handle.close();
  }
}

/** The --statement texts together are a policy source like --policy, held to the same limit. */
export function checkStatementSize(statements: readonly string[]): void {
  const bytes = statements.reduce((sum, text) => sum + Buffer.byteLength(text, 'utf8'), 0);
  if (bytes > MAX_POLICY_SOURCE_BYTES) throw policySourceTooLarge(statements.length === 1 ? '--statement' : 'the --statement texts', bytes);
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
  checkStatementSize(opts.statement ?? []);
  const spec: PolicySpec = { buckets, mode, prefixes: opts.prefix ?? [], statements: opts.statement ?? [] };
  if (opts.policy !== undefined) {
    const { text, source } = await readPolicyTemplate(opts.policy, io);
    spec.template = text;
    spec.templateSource = source;
  }
  return spec;
}
