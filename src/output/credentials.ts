/**
 * Delivering new credentials: the only place secrets are written. They go to stdout, or to a file
 * created with mode 0600 that is never silently overwritten. Formats: json (what `--auth`
 * reads back), ini (a credentials-file profile), env (export lines), csv (the access-key CSV the
 * AWS console gives).
 */
import { constants } from 'node:fs';
import { open, rename, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../errors';
import type { CliIo } from '../io';

export interface IssuedCredentials {
  UserName?: string;
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken?: string;
  Expiration?: string;
  Status?: string;
  CreateDate?: string;
  RoleArn?: string;
  ConsoleUrl?: string;
  BucketConsoleUrls?: string[];
  Password?: string;
}

/** The credentials of a new IAM access key, as create and rotate-key print them. */
export function accessKeyCredentials(
  userName: string,
  key: { AccessKeyId?: string; SecretAccessKey?: string; Status?: string; CreateDate?: Date },
): IssuedCredentials {
  return {
    UserName: userName,
    AccessKeyId: key.AccessKeyId ?? '',
    SecretAccessKey: key.SecretAccessKey ?? '',
    Status: key.Status,
    CreateDate: key.CreateDate?.toISOString(),
  };
}

export const CREDENTIAL_FORMATS = ['json', 'ini', 'env', 'csv'] as const;
export type CredentialFormat = (typeof CREDENTIAL_FORMATS)[number];

export function parseCredentialFormat(value: string): CredentialFormat {
  if ((CREDENTIAL_FORMATS as readonly string[]).includes(value)) return value as CredentialFormat;
  throw new UsageError(`--format ${value} is not a credentials format: use one of ${CREDENTIAL_FORMATS.join(', ')}`);
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * @param profile the INI section name (default: the user name, else "default").
 */
export function formatCredentials(creds: IssuedCredentials, format: CredentialFormat, profile?: string): string {
  switch (format) {
    case 'json':
      return JSON.stringify(creds, null, 2) + '\n';
    case 'ini': {
      const lines = [
        `[${profile ?? creds.UserName ?? 'default'}]`,
        `aws_access_key_id = ${creds.AccessKeyId}`,
        `aws_secret_access_key = ${creds.SecretAccessKey}`,
      ];
      if (creds.SessionToken) lines.push(`aws_session_token = ${creds.SessionToken}`);
      if (creds.Expiration) lines.push(`# expires ${creds.Expiration}`);
      return lines.join('\n') + '\n';
    }
    case 'env': {
      const lines = [
        `export AWS_ACCESS_KEY_ID=${shellQuote(creds.AccessKeyId)}`,
        `export AWS_SECRET_ACCESS_KEY=${shellQuote(creds.SecretAccessKey)}`,
      ];
      if (creds.SessionToken) lines.push(`export AWS_SESSION_TOKEN=${shellQuote(creds.SessionToken)}`);
      return lines.join('\n') + '\n';
    }
    case 'csv': {
      // The header of the file the IAM console offers for download.
      const header = ['User name', 'Access key ID', 'Secret access key'];
      const row = [creds.UserName ?? '', creds.AccessKeyId, creds.SecretAccessKey];
      if (creds.SessionToken) {
        header.push('Session token', 'Expiration');
        row.push(creds.SessionToken, creds.Expiration ?? '');
      }
      if (creds.Password) {
        header.push('Password', 'Console login link');
        row.push(creds.Password, creds.ConsoleUrl ?? '');
      }
      return `${header.join(',')}\n${row.map(csvCell).join(',')}\n`;
    }
  }
}

export interface DeliveryOptions {
  format: CredentialFormat;
  /** Write here (mode 0600) instead of stdout. */
  output?: string;
  /** Replace an existing --output file. */
  force?: boolean;
  profile?: string;
}

export interface Delivery {
  /** Writes the credentials where the user asked. */
  deliver(creds: IssuedCredentials): Promise<void>;
  /** The run failed: remove the file reserved for --output (nothing secret was written to it). */
  discard(): Promise<void>;
}

/**
 * Checks --output before anything is created in AWS, so a run never makes a key it cannot hand
 * over. Without --force the file is reserved now (O_EXCL, mode 0600); with --force the old file
 * is replaced only when the new credentials exist (written beside it, then renamed over it).
 */
export async function prepareDelivery(opts: DeliveryOptions, io: CliIo): Promise<Delivery> {
  const text = (creds: IssuedCredentials) => formatCredentials(creds, opts.format, opts.profile);
  if (!opts.output) {
    return { deliver: async (creds) => void io.stdout.write(text(creds)), discard: async () => {} };
  }
  const path = opts.output;
  const cannot = (err: unknown) =>
    new UsageError(
      `cannot write --output ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'}): check the folder exists and is writable`,
    );
  if (opts.force) {
    const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
    try {
      await (await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600)).close();
    } catch (err) {
      throw cannot(err);
    }
    return {
      deliver: async (creds) => {
        await writeFile(tmp, text(creds), { mode: 0o600 });
        await rename(tmp, path);
      },
      discard: () => rm(tmp, { force: true }),
    };
  }
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new UsageError(`--output ${path} already exists: choose another file, or add --force to replace it`);
    }
    throw cannot(err);
  }
  return {
    deliver: async (creds) => {
      try {
        await handle.writeFile(text(creds), 'utf8');
      } finally {
        await handle.close();
      }
    },
    discard: async () => {
      await handle.close().catch(() => {});
      await rm(path, { force: true });
    },
  };
}
