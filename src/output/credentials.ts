/**
 * Delivering new credentials: the only place secrets are written. They go to stdout, or to a file
 * created with mode 0600 that is never silently overwritten. Formats: json (what `--auth`
 * reads back), ini (a credentials-file profile), env (export lines), csv (the access-key CSV the
 * AWS console gives), text (a hand-off note for a person: sign-in link, password, folder, keys).
 *
 * A delivery is written and flushed (fsync for a file, the write callback for stdout) before it
 * counts as done, because a command may retire an old key only once the new secret is safe.
 */
import { constants } from 'node:fs';
import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import { OperationError, UsageError } from '../errors';
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

export const CREDENTIAL_FORMATS = ['json', 'ini', 'env', 'csv', 'text', 'credential-process'] as const;
export type CredentialFormat = (typeof CREDENTIAL_FORMATS)[number];

export function parseCredentialFormat(value: string): CredentialFormat {
  if ((CREDENTIAL_FORMATS as readonly string[]).includes(value)) return value as CredentialFormat;
  throw new UsageError(`--format ${value} is not a credentials format: use one of ${CREDENTIAL_FORMATS.join(', ')}`);
}

/** The secrets a command can make, by the field that holds them. */
export type SecretKind = 'SecretAccessKey' | 'SessionToken' | 'Password';

/** Which secrets each format can carry: a format that lacks one would lose it. */
const FORMAT_CARRIES: Record<CredentialFormat, readonly SecretKind[]> = {
  json: ['SecretAccessKey', 'SessionToken', 'Password'],
  ini: ['SecretAccessKey', 'SessionToken'],
  env: ['SecretAccessKey', 'SessionToken'],
  csv: ['SecretAccessKey', 'SessionToken', 'Password'],
  text: ['SecretAccessKey', 'SessionToken', 'Password'],
  'credential-process': ['SecretAccessKey', 'SessionToken'],
};

/**
 * Refuses (exit 2, before any AWS call) a format that cannot carry a secret the command will make:
 * a console password in ini or env would be made and shown nowhere.
 */
export function checkFormatCarries(format: CredentialFormat, secrets: readonly SecretKind[]): void {
  const missing = secrets.filter((s) => !FORMAT_CARRIES[format].includes(s));
  if (missing.length === 0) return;
  const names: Record<SecretKind, string> = {
    SecretAccessKey: 'a secret key',
    SessionToken: 'a session token',
    Password: 'the console password',
  };
  const fit = CREDENTIAL_FORMATS.filter((f) => secrets.every((s) => FORMAT_CARRIES[f].includes(s)));
  throw new UsageError(
    `--format ${format} cannot hold ${missing.map((m) => names[m]).join(' and ')}, which this command makes: use --format ${fit.join(', ')}`,
  );
}

/** What the text hand-off says about where the files are; not part of the credentials themselves. */
export interface HandOffContext {
  buckets: readonly string[];
  /** The folder a prefix user is limited to ("alice/"). */
  prefix?: string;
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * @param profile the INI section name (default: the user name, else "default").
 * @param context for the text hand-off: the buckets and the folder shared.
 */
export function formatCredentials(creds: IssuedCredentials, format: CredentialFormat, profile?: string, context?: HandOffContext): string {
  switch (format) {
    case 'json':
      return JSON.stringify(creds, null, 2) + '\n';
    case 'credential-process': {
      // What aws-cli and the SDKs read from a profile's credential_process: Version 1, the keys,
      // and for temporary credentials the token and expiry (an absent Expiration never expires).
      const { AccessKeyId, SecretAccessKey, SessionToken, Expiration } = creds;
      return JSON.stringify({ Version: 1, AccessKeyId, SecretAccessKey, SessionToken, Expiration }) + '\n';
    }
    case 'ini': {
      const lines = [
        `[${profile ?? creds.UserName ?? 'default'}]`,
        `aws_access_key_id = ${creds.AccessKeyId}`,
        `aws_secret_access_key = ${creds.SecretAccessKey}`,
      ];
      if (creds.SessionToken) lines.push(`aws_session_token = ${creds.SessionToken}`);
      if (creds.Expiration) lines.push(`# expires ${creds.Expiration}`);
      if (creds.RoleArn) lines.push(`# role to assume: ${creds.RoleArn}`);
      return lines.join('\n') + '\n';
    }
    case 'env': {
      const lines = [
        `export AWS_ACCESS_KEY_ID=${shellQuote(creds.AccessKeyId)}`,
        `export AWS_SECRET_ACCESS_KEY=${shellQuote(creds.SecretAccessKey)}`,
      ];
      if (creds.SessionToken) lines.push(`export AWS_SESSION_TOKEN=${shellQuote(creds.SessionToken)}`);
      if (creds.RoleArn) lines.push(`# role to assume: ${creds.RoleArn}`);
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
    case 'text':
      return handOffText(creds, context ?? { buckets: [] });
  }
}

/** s3://bucket/prefix for each bucket shared. */
function s3Uris(context: HandOffContext): string[] {
  return context.buckets.map((b) => `s3://${b}/${context.prefix ?? ''}`);
}

/**
 * A note ready to send to the person the files are shared with, as the scripts this tool replaces
 * wrote to <user>.txt: how to sign in, where the files are, the keys, and how to connect.
 */
function handOffText(creds: IssuedCredentials, context: HandOffContext): string {
  const out: string[] = [];
  const where = context.buckets.length
    ? `${context.prefix ? `the folder ${context.prefix} of ` : ''}${context.buckets.length > 1 ? 'the buckets' : 'the bucket'} ${context.buckets.join(', ')}`
    : 'Amazon S3';
  out.push(`Access to ${where}`, '');
  if (creds.Password || creds.ConsoleUrl) {
    out.push('Sign in to the AWS console');
    if (creds.ConsoleUrl) out.push(`  Sign-in link: ${creds.ConsoleUrl}`);
    if (creds.UserName) out.push(`  User name:    ${creds.UserName}`);
    if (creds.Password) out.push(`  Password:     ${creds.Password}`);
    for (const url of creds.BucketConsoleUrls ?? []) out.push(`  Your files:   ${url}`);
    out.push('');
  }
  out.push('Access keys (for programs)');
  if (creds.UserName && !creds.Password) out.push(`  User name:         ${creds.UserName}`);
  out.push(`  Access key ID:     ${creds.AccessKeyId}`, `  Secret access key: ${creds.SecretAccessKey}`);
  if (creds.SessionToken) out.push(`  Session token:     ${creds.SessionToken}`);
  if (creds.Expiration) out.push(`  Valid until:       ${creds.Expiration}`);
  if (creds.RoleArn) out.push(`  Role to assume:    ${creds.RoleArn}`);
  for (const uri of s3Uris(context)) out.push(`  Location:          ${uri}`);
  out.push('');
  const first = s3Uris(context)[0] ?? 's3://BUCKET/';
  out.push(
    'Connecting',
    `  aws-cli: run 'aws configure' and enter the access key ID and secret access key above${creds.SessionToken ? " (and 'aws configure set aws_session_token' with the session token)" : ''}, then: aws s3 ls ${first}`,
    `  Cyberduck or WinSCP: open a new "Amazon S3" connection to s3.amazonaws.com with the access key ID and secret access key above, and go to ${first.slice('s3://'.length)}`,
  );
  if (creds.RoleArn && !creds.SessionToken) {
    out.push(`  These keys may only assume the role above: 's3-share assume-and-sync --auth FILE' does that for you.`);
  }
  return out.join('\n') + '\n';
}

export interface DeliveryOptions {
  format: CredentialFormat;
  /** Write here (mode 0600) instead of stdout. */
  output?: string;
  /** Replace an existing --output file. */
  force?: boolean;
  profile?: string;
  /** For --format text. */
  context?: HandOffContext;
}

/** Where and how the credentials go, as a plan prints it: never the secret itself. */
export interface DeliveryTarget {
  Target: string;
  Format: CredentialFormat;
  Mode?: '0600';
}

export interface Delivery {
  readonly target: DeliveryTarget;
  /**
   * Writes the credentials where the user asked and waits until they are flushed (fsync, or the
   * stdout write callback). Throws an OperationError when they could not be delivered.
   */
  deliver(creds: IssuedCredentials): Promise<void>;
  /** The run failed: remove the file written or reserved for --output. */
  discard(): Promise<void>;
}

export function deliveryTarget(opts: DeliveryOptions): DeliveryTarget {
  return opts.output ? { Target: opts.output, Format: opts.format, Mode: '0600' } : { Target: 'stdout', Format: opts.format };
}

/** For --dry-run: says where the credentials would go, and opens nothing. */
export function plannedDelivery(opts: DeliveryOptions): Delivery {
  return {
    target: deliveryTarget(opts),
    deliver: () => Promise.reject(new Error('a dry run delivers nothing')),
    discard: async () => {},
  };
}

const errCode = (err: unknown) => (err as NodeJS.ErrnoException).code ?? 'error';

/**
 * Writes to a stream and resolves once the stream has taken the bytes; a closed pipe (EPIPE) or a
 * full device (ENOSPC) rejects. While it writes, this is the stream's only 'error' listener: the
 * CLI's own (which ends the process quietly on EPIPE, as `| head` deserves) would otherwise exit
 * before the caller could roll back what the undelivered secret belonged to.
 */
export function writeAndFlush(stream: Writable, text: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (stream.destroyed || stream.writableEnded) {
      reject(Object.assign(new Error('stdout is closed'), { code: 'EPIPE' }));
      return;
    }
    const others = stream.listeners('error') as Array<(err: Error) => void>;
    stream.removeAllListeners('error');
    let failure: Error | undefined;
    const take = (err: Error) => void (failure ??= err);
    stream.on('error', take);
    const restore = () => {
      stream.off('error', take);
      for (const listener of others) stream.on('error', listener);
    };
    let settled = false;
    const done = (err?: Error | null) => {
      if (settled) return;
      settled = true;
      if (!err) {
        restore();
        resolve();
        return;
      }
      // A failed write emits 'error' after its callback (on the next tick): take that one too.
      setImmediate(() => {
        restore();
        reject(err);
      });
    };
    stream.once('error', done);
    try {
      stream.write(text, 'utf8', done);
    } catch (err) {
      done(err as Error);
    }
    if (failure) done(failure);
  });
}

/** The file-system calls a file delivery makes: replaced in tests to inject a full disk. */
export interface DeliveryFs {
  open(path: string, flags: number, mode: number): Promise<Pick<FileHandle, 'writeFile' | 'sync' | 'close'>>;
  rename(from: string, to: string): Promise<void>;
  rm(path: string): Promise<void>;
}

const nodeFs: DeliveryFs = {
  open: (path, flags, mode) => open(path, flags, mode),
  rename: (from, to) => rename(from, to),
  rm: (path) => rm(path, { force: true }),
};

const EXCLUSIVE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL;

/**
 * Checks --output before anything is created in AWS, so a run never makes a key it cannot hand
 * over: the file (or, with --force, a temporary file beside it) is created now, exclusively, with
 * mode 0600; a folder, a missing or read-only folder, or an existing file without --force is
 * refused (exit 2). With --force the old file is replaced only once the new credentials are
 * flushed (written beside it, then renamed over it).
 */
export async function prepareDelivery(opts: DeliveryOptions, io: CliIo, fs: DeliveryFs = nodeFs): Promise<Delivery> {
  const text = (creds: IssuedCredentials) => formatCredentials(creds, opts.format, opts.profile, opts.context);
  const target = deliveryTarget(opts);
  if (!opts.output) {
    return {
      target,
      deliver: async (creds) => {
        try {
          await writeAndFlush(io.stdout, text(creds));
        } catch (err) {
          throw new OperationError(
            `cannot print the credentials on stdout (${errCode(err)}): it was closed or full; run again with --output FILE`,
          );
        }
      },
      discard: async () => {},
    };
  }
  const path = opts.output;
  const cannot = (err: unknown) =>
    new UsageError(
      errCode(err) === 'EISDIR'
        ? `--output ${path} is a folder: give a file name, such as ${join(path, 'credentials.json')}`
        : `cannot write --output ${path} (${errCode(err)}): check the folder exists and is writable`,
    );
  const failed = (err: unknown) =>
    new OperationError(`cannot write the credentials to ${path} (${errCode(err)}): free some space or choose another --output`);
  const writeFlushClose = async (handle: Pick<FileHandle, 'writeFile' | 'sync' | 'close'>, creds: IssuedCredentials) => {
    try {
      await handle.writeFile(text(creds), 'utf8');
      await handle.sync();
    } finally {
      await handle.close().catch(() => {});
    }
  };
  const isDir = await stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (isDir) throw cannot(Object.assign(new Error('is a folder'), { code: 'EISDIR' }));
  if (opts.force) {
    const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
    let handle: Pick<FileHandle, 'writeFile' | 'sync' | 'close'>;
    try {
      handle = await fs.open(tmp, EXCLUSIVE, 0o600);
    } catch (err) {
      throw cannot(err);
    }
    let written = false;
    return {
      target,
      deliver: async (creds) => {
        try {
          await writeFlushClose(handle, creds);
          await fs.rename(tmp, path);
          written = true;
        } catch (err) {
          throw failed(err);
        }
      },
      discard: async () => {
        await handle.close().catch(() => {});
        await fs.rm(written ? path : tmp).catch(() => {});
      },
    };
  }
  let handle: Pick<FileHandle, 'writeFile' | 'sync' | 'close'>;
  try {
    handle = await fs.open(path, EXCLUSIVE, 0o600);
  } catch (err) {
    if (errCode(err) === 'EEXIST') {
      throw new UsageError(`--output ${path} already exists: choose another file, or add --force to replace it`);
    }
    throw cannot(err);
  }
  return {
    target,
    deliver: async (creds) => {
      try {
        await writeFlushClose(handle, creds);
      } catch (err) {
        throw failed(err);
      }
    },
    discard: async () => {
      await handle.close().catch(() => {});
      await fs.rm(path).catch(() => {});
    },
  };
}
