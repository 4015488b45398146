/**
 * The client list of plan and apply: read (held to a size), parsed, and every row validated
 * before any AWS call. Every problem is printed, one line each, then the run stops with exit 2.
 */
import type { Command } from 'commander';
import { open } from 'node:fs/promises';
import { UsageError } from '../../errors';
import { readCapped, type CliIo } from '../../io';
import type { Client } from '../../policies/clients/client-list';
import { positiveInt } from './common-options';

/** A list of 5,000 clients is well under 1 MB; more is a wrong file. */
const MAX_LIST_BYTES = 8 * 1024 * 1024;

export interface ClientListOptions {
  prune?: boolean;
  pruneExpired?: boolean;
  concurrency: number;
}

export function addClientListOptions(cmd: Command): Command {
  return cmd
    .argument('<file>', 'the client list: a .csv, .json, .yaml or .yml file, one row per client')
    .option('--prune', 'also delete the users s3-share made that the list no longer names')
    .option('--prune-expired', 'also delete the users s3-share made whose access has expired')
    .option('--concurrency <n>', 'requests (plan) or clients (apply) in flight at most', positiveInt('--concurrency', 64), 8);
}

export async function loadClients(file: string, io: CliIo, now: Date): Promise<Client[]> {
  const [{ parseClientList, listFormat }, { validateClientRows, formatProblem }] = await Promise.all([
    import('../../policies/clients/list-file'),
    import('../../policies/clients/client-list'),
  ]);
  const format = listFormat(file);
  let text: string;
  try {
    const handle = await open(file, 'r');
    try {
      text = await readCapped(handle.createReadStream({ autoClose: false }), MAX_LIST_BYTES, () => {
        return new UsageError(`client list ${file} is over 8 MiB: give the list itself`);
      });
    } finally {
      await handle.close();
    }
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot read client list ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'}): check the path`);
  }
  const { clients, problems } = await validateClientRows(parseClientList(text, file, format), file, now);
  if (problems.length) {
    for (const p of problems) io.stderr.write(`error: ${formatProblem(p)}\n`);
    throw new UsageError(
      `${problems.length} problem${problems.length === 1 ? '' : 's'} in client list ${file}, listed above: fix them and run again; nothing was changed`,
    );
  }
  return clients;
}
