/**
 * Resolves the global AWS options (flags, environment, profile, --auth file) into one AwsContext
 * that every client is built from. No SDK client is loaded here, so commands that never talk to
 * AWS (policy, --help) stay fast.
 */
import { readFileSync } from 'node:fs';
import { UsageError } from '../errors';

export interface AwsOptions {
  profile?: string;
  region?: string;
  accessKey?: string;
  secretKey?: string;
  sessionToken?: string;
  endpointUrl?: string;
  auth?: string;
}

export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** Where the credentials come from: given outright, or the SDK's default chain (optionally for a profile). */
export type CredentialSource =
  { kind: 'static'; credentials: StaticCredentials; origin: 'flags' | 'auth-file' } | { kind: 'chain'; profile?: string };

export interface AwsContext {
  region: string;
  endpoint?: string;
  credentials: CredentialSource;
  maxAttempts: number;
}

type Env = Record<string, string | undefined>;

export interface ResolveResult {
  context: AwsContext;
  warnings: string[];
}

/** Turns the options into an AwsContext; throws UsageError on contradictory or malformed input. */
export async function resolveAwsContext(opts: AwsOptions, env: Env = process.env): Promise<ResolveResult> {
  const warnings: string[] = [];
  const credentials = resolveCredentialSource(opts, warnings);
  const profile = credentials.kind === 'chain' ? credentials.profile : opts.profile;
  const region =
    opts.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || (await profileRegion(profile ?? env.AWS_PROFILE, env)) || 'us-east-1';
  const endpoint = resolveEndpoint(opts.endpointUrl ?? env.AWS_ENDPOINT_URL);
  const attempts = Number(env.AWS_MAX_ATTEMPTS);
  return {
    context: { region, endpoint, credentials, maxAttempts: Number.isInteger(attempts) && attempts > 0 ? attempts : 5 },
    warnings,
  };
}

function resolveCredentialSource(opts: AwsOptions, warnings: string[]): CredentialSource {
  const flagged = opts.accessKey !== undefined || opts.secretKey !== undefined || opts.sessionToken !== undefined;
  if (opts.auth && flagged) {
    throw new UsageError('--auth cannot be combined with --access-key/--secret-key/--session-token: pick one source of credentials');
  }
  if (flagged) {
    if (!opts.accessKey || !opts.secretKey) {
      throw new UsageError('--access-key and --secret-key must be given together: pass both, or use --profile or --auth FILE');
    }
    warnings.push(
      '--secret-key on the command line is visible to other local users in the process list: prefer AWS_SECRET_ACCESS_KEY, --profile or --auth FILE',
    );
    return {
      kind: 'static',
      origin: 'flags',
      credentials: { accessKeyId: opts.accessKey, secretAccessKey: opts.secretKey, sessionToken: opts.sessionToken },
    };
  }
  if (opts.auth) {
    return { kind: 'static', origin: 'auth-file', credentials: readAuthFile(opts.auth, opts.profile) };
  }
  return { kind: 'chain', profile: opts.profile };
}

/**
 * Reads an --auth file: the JSON that `create` prints (AccessKeyId, SecretAccessKey,
 * SessionToken, Expiration), or an INI credentials file (the [profile] named by --profile, else
 * [default], else the only section).
 */
export function readAuthFile(path: string, profile?: string): StaticCredentials {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read --auth file ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'}): check the path`);
  }
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) return parseAuthJson(trimmed, path);
  return parseAuthIni(trimmed, path, profile);
}

function parseAuthJson(text: string, path: string): StaticCredentials {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new UsageError(`--auth file ${path} is not valid JSON: give the JSON that 's3-share create' printed, or an INI credentials file`);
  }
  const record = (data ?? {}) as Record<string, unknown>;
  // `create` prints the credentials at the top level; AWS STS prints them under "Credentials".
  const creds = (typeof record.Credentials === 'object' && record.Credentials ? record.Credentials : record) as Record<string, unknown>;
  const accessKeyId = creds.AccessKeyId;
  const secretAccessKey = creds.SecretAccessKey;
  if (typeof accessKeyId !== 'string' || typeof secretAccessKey !== 'string' || !accessKeyId || !secretAccessKey) {
    throw new UsageError(`--auth file ${path} has no AccessKeyId and SecretAccessKey: give the JSON that 's3-share create' printed`);
  }
  const sessionToken = typeof creds.SessionToken === 'string' ? creds.SessionToken : undefined;
  const expiration = typeof creds.Expiration === 'string' ? new Date(creds.Expiration) : undefined;
  return { accessKeyId, secretAccessKey, sessionToken, expiration };
}

function parseAuthIni(text: string, path: string, profile?: string): StaticCredentials {
  const sections = parseIni(text);
  const names = Object.keys(sections);
  const wanted = profile ?? (sections.default ? 'default' : names.length === 1 ? names[0] : undefined);
  if (!wanted || !sections[wanted]) {
    const which = profile
      ? `has no [${profile}] section`
      : `has ${names.length ? `several sections (${names.join(', ')})` : 'no credentials'}`;
    throw new UsageError(`--auth file ${path} ${which}: name one with --profile, or give the JSON that 's3-share create' printed`);
  }
  const section = sections[wanted];
  const accessKeyId = section.aws_access_key_id;
  const secretAccessKey = section.aws_secret_access_key;
  if (!accessKeyId || !secretAccessKey) {
    throw new UsageError(`--auth file ${path} [${wanted}] lacks aws_access_key_id or aws_secret_access_key: add both`);
  }
  return { accessKeyId, secretAccessKey, sessionToken: section.aws_session_token || undefined };
}

/**
 * The role an --auth file's keys are meant to assume: the RoleArn that `create --role` writes in
 * its JSON (or a role_arn line in an INI section). Undefined when there is none, or when the file
 * cannot be read: readAuthFile reports that.
 */
export function readAuthRoleArn(path: string, profile?: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
  if (text.startsWith('{')) {
    try {
      const roleArn = (JSON.parse(text) as Record<string, unknown> | null)?.RoleArn;
      return typeof roleArn === 'string' && roleArn ? roleArn : undefined;
    } catch {
      return undefined;
    }
  }
  const sections = parseIni(text);
  const names = Object.keys(sections);
  const wanted = profile ?? (sections.default ? 'default' : names.length === 1 ? names[0] : undefined);
  return (wanted && sections[wanted]?.role_arn) || undefined;
}

/** A minimal INI reader for credentials files: [section] headers and key = value lines. */
export function parseIni(text: string): Record<string, Record<string, string>> {
  const sections: Record<string, Record<string, string>> = {};
  let current: Record<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[\s*(?:profile\s+)?([^\]]+?)\s*\]$/.exec(line);
    if (header) {
      current = sections[header[1]] ??= {};
      continue;
    }
    const eq = line.indexOf('=');
    if (eq > 0 && current) current[line.slice(0, eq).trim().toLowerCase()] = line.slice(eq + 1).trim();
  }
  return sections;
}

function resolveEndpoint(url: string | undefined): string | undefined {
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--endpoint-url ${url} is not a URL: give one such as http://127.0.0.1:5000`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`--endpoint-url ${url} must start with http:// or https://`);
  }
  return url.replace(/\/+$/, '');
}

/** The region of a profile in the shared config file (~/.aws/config or AWS_CONFIG_FILE). */
async function profileRegion(profile: string | undefined, env: Env): Promise<string | undefined> {
  const { loadSharedConfigFiles } = await import('@smithy/shared-ini-file-loader');
  const { configFile, credentialsFile } = await loadSharedConfigFiles({
    configFilepath: env.AWS_CONFIG_FILE,
    filepath: env.AWS_SHARED_CREDENTIALS_FILE,
  });
  const name = profile || 'default';
  return configFile[name]?.region ?? credentialsFile[name]?.region;
}
