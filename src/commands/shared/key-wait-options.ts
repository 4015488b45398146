/**
 * --wait, --no-wait and --wait-timeout, for every command that makes an IAM access key: a new key
 * works only after IAM has propagated it, usually within a minute.
 */
import type { Command } from 'commander';
import type { CliIo } from '../../io';
import { parseWaitTimeout } from './durations';

export interface KeyWaitOptions {
  wait?: boolean;
  waitTimeout?: number;
}

const DEFAULT_WAIT_TIMEOUT_SECONDS = 60;

export function addKeyWaitOptions(cmd: Command): Command {
  return cmd
    .option('--wait', 'wait until the new key works (default when stderr is a terminal)')
    .option('--no-wait', 'print the key at once, without waiting until it works')
    .option(
      '--wait-timeout <seconds>',
      `give up waiting after this many seconds (default ${DEFAULT_WAIT_TIMEOUT_SECONDS})`,
      parseWaitTimeout,
    );
}

/** Whether to wait for a new key: --wait/--no-wait, else when a person is watching stderr. */
export function shouldWait(opts: KeyWaitOptions & { dryRun?: boolean }, io: Pick<CliIo, 'stderrIsTTY'>): boolean {
  return opts.wait ?? (io.stderrIsTTY && !opts.dryRun);
}

export function waitTimeoutSeconds(opts: KeyWaitOptions): number {
  return opts.waitTimeout ?? DEFAULT_WAIT_TIMEOUT_SECONDS;
}
