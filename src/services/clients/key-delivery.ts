/**
 * Where apply puts the secrets it makes: one file per client in a folder (mode 0600, in the chosen
 * format), or one NDJSON line per client on stdout. A file is written beside its final name,
 * flushed, then renamed over it, so a kill never leaves half a file, and a re-run that replaces an
 * undelivered key replaces the file too.
 */
import { constants } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { OperationError } from '../../errors';
import {
  formatCredentials,
  writeAndFlush,
  type CredentialFormat,
  type HandOffContext,
  type IssuedCredentials,
} from '../../output/credentials';

export interface ClientDelivery {
  /** For plans and messages: "keys/alice.json (json, mode 0600)" or "stdout (NDJSON)". */
  describe(userName: string, what: 'key' | 'password'): string;
  /** The new key (and password), flushed before it resolves. */
  deliverKey(creds: IssuedCredentials, context: HandOffContext): Promise<void>;
  /** A console password alone, for a client that keeps its key. */
  deliverPassword(login: { UserName: string; Password: string; ConsoleUrl?: string; BucketConsoleUrls?: string[] }): Promise<void>;
}

const EXTENSIONS: Record<CredentialFormat, string> = {
  json: 'json',
  ini: 'ini',
  env: 'env',
  csv: 'csv',
  text: 'txt',
  'credential-process': 'json',
};

const WRITE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL;

async function writeFileAtomically(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await rm(tmp, { force: true });
    const handle = await open(tmp, WRITE_NEW, 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => {});
    throw new OperationError(
      `cannot write ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): check the --keys-dir folder is writable and has space`,
    );
  }
}

export function keysDirDelivery(dir: string, format: CredentialFormat): ClientDelivery {
  const keyPath = (user: string) => join(dir, `${user}.${EXTENSIONS[format]}`);
  const passwordPath = (user: string) => join(dir, `${user}.console.json`);
  return {
    describe: (user, what) => `${what === 'key' ? keyPath(user) : passwordPath(user)} (${what === 'key' ? format : 'json'}, mode 0600)`,
    deliverKey: (creds, context) =>
      writeFileAtomically(keyPath(creds.UserName ?? ''), formatCredentials(creds, format, undefined, context)),
    deliverPassword: (login) => writeFileAtomically(passwordPath(login.UserName), JSON.stringify(login, null, 2) + '\n'),
  };
}

export function stdoutDelivery(stdout: Writable): ClientDelivery {
  const line = async (record: object) => {
    try {
      await writeAndFlush(stdout, JSON.stringify(record) + '\n');
    } catch (err) {
      throw new OperationError(
        `cannot print the credentials on stdout (${(err as NodeJS.ErrnoException).code ?? 'error'}): run again with --keys-dir DIR`,
      );
    }
  };
  return {
    describe: () => 'stdout (NDJSON)',
    deliverKey: (creds) => line(creds),
    deliverPassword: (login) => line(login),
  };
}
