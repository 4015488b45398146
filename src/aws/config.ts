/**
 * Resolves the global AWS options (flags, environment, profile, --auth file) into one AwsContext
 * that every client is built from. No SDK client is loaded here, so commands that never talk to
 * AWS (policy, --help) stay fast.
 */
import { readFileSync } from 'node:fs';
import { devNull } from 'node:os';
import { UsageError } from '../errors';

export interface AwsOptions {
  profile?: string;
  region?: string;
  accessKey?: string;
  secretKey?: string;
  sessionToken?: string;
  endpointUrl?: string;
  auth?: string;
  /** Seconds; 0 waits for ever. As aws-cli's --cli-connect-timeout and --cli-read-timeout. */
  connectTimeout?: number;
  readTimeout?: number;
}

/** aws-cli's defaults: 60 s to connect, 60 s of silence while waiting for or reading an answer. */
export const DEFAULT_CONNECT_TIMEOUT_S = 60;
export const DEFAULT_READ_TIMEOUT_S = 60;

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
  /** The SDK's retry mode: adaptive (s3-share's default) or standard. */
  retryMode: RetryMode;
  /** Milliseconds; 0 means no limit. */
  connectTimeoutMs: number;
  readTimeoutMs: number;
}

type Env = Record<string, string | undefined>;

export interface ResolveResult {
  context: AwsContext;
  warnings: string[];
}

/** Turns the options into an AwsContext; throws UsageError on contradictory or malformed input. */
export async function resolveAwsContext(opts: AwsOptions, env: Env = process.env): Promise<ResolveResult> {
  const warnings: string[] = [];
  const credentials = await resolveCredentialSource(opts, warnings);
  const profile = credentials.kind === 'chain' ? credentials.profile : opts.profile;
  const shared = await loadSharedFiles(env);
  if (credentials.kind === 'chain') checkProfile(credentials.profile, env.AWS_PROFILE, shared);
  const endpoint = resolveEndpoint(opts.endpointUrl ?? env.AWS_ENDPOINT_URL);
  const region = resolveRegion(opts.region, env, shared, profile ?? env.AWS_PROFILE, endpoint !== undefined);
  if (credentials.kind === 'chain' && (credentials.profile || env.AWS_PROFILE) && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    const name = credentials.profile ?? env.AWS_PROFILE;
    const via = credentials.profile ? '--profile' : 'AWS_PROFILE';
    warnings.push(`using profile ${name} (${via}); AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment are ignored`);
  }
  const retry = resolveRetry(env, shared, profile ?? env.AWS_PROFILE);
  return {
    context: {
      region,
      endpoint,
      credentials,
      ...retry,
      connectTimeoutMs: Math.round((opts.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT_S) * 1000),
      readTimeoutMs: Math.round((opts.readTimeout ?? DEFAULT_READ_TIMEOUT_S) * 1000),
    },
    warnings,
  };
}

async function resolveCredentialSource(opts: AwsOptions, warnings: string[]): Promise<CredentialSource> {
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
    return { kind: 'static', origin: 'auth-file', credentials: await readAuthFile(opts.auth, opts.profile) };
  }
  return { kind: 'chain', profile: opts.profile };
}

/**
 * Reads an --auth file: the JSON that `create` prints (AccessKeyId, SecretAccessKey,
 * SessionToken, Expiration), or an INI credentials file (the [profile] named by --profile, else
 * [default], else the only section).
 */
export async function readAuthFile(path: string, profile?: string): Promise<StaticCredentials> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read --auth file ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'}): check the path`);
  }
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) return parseAuthJson(trimmed, path);
  return parseAuthIni(await readIniSections(path), path, profile);
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

function parseAuthIni(sections: IniSections, path: string, profile?: string): StaticCredentials {
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
export async function readAuthRoleArn(path: string, profile?: string): Promise<string | undefined> {
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
  const sections = await readIniSections(path);
  const names = Object.keys(sections);
  const wanted = profile ?? (sections.default ? 'default' : names.length === 1 ? names[0] : undefined);
  return (wanted && sections[wanted]?.role_arn) || undefined;
}

type IniSections = Record<string, Record<string, string | undefined>>;

/**
 * An INI credentials file read by the SDK's own loader, as aws-cli and the SDKs read one (so
 * `aws_access_key_id = AKIA... ; note` is the key without its comment). A `[profile NAME]` header
 * names NAME, as in a config file. The loader reads a config file too: it is given the null
 * device, so only this file is read.
 */
async function readIniSections(path: string): Promise<IniSections> {
  const { loadSharedConfigFiles } = await import('@smithy/shared-ini-file-loader');
  const { credentialsFile } = await loadSharedConfigFiles({ filepath: path, configFilepath: devNull, ignoreCache: true });
  return Object.fromEntries(Object.entries(credentialsFile).map(([name, values]) => [name.replace(/^profile(\s+|\.)/, ''), values]));
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

export type RetryMode = 'adaptive' | 'standard';
const DEFAULT_MAX_ATTEMPTS = 5;

/**
 * Retries as aws-cli and the SDKs configure them: AWS_RETRY_MODE and AWS_MAX_ATTEMPTS, else the
 * profile's retry_mode and max_attempts, else adaptive mode (client-side rate limiting under
 * throttling) with 5 attempts. 'legacy' is aws-cli's older mode; the JavaScript SDK has no such
 * mode, so it runs as standard. A value that cannot be used is a usage error, as in the SDK.
 */
function resolveRetry(env: Env, files: SharedFiles, profile: string | undefined): { retryMode: RetryMode; maxAttempts: number } {
  const name = profile || 'default';
  const setting = (envName: string, key: string): [string, string] | undefined => {
    if (env[envName]) return [env[envName]!, envName];
    const value = files.configFile[name]?.[key];
    return value ? [value, `${key} of profile ${name}`] : undefined;
  };
  let retryMode: RetryMode = 'adaptive';
  const mode = setting('AWS_RETRY_MODE', 'retry_mode');
  if (mode) {
    const value = mode[0].trim().toLowerCase();
    if (value !== 'adaptive' && value !== 'standard' && value !== 'legacy') {
      throw new UsageError(`${mode[1]} is '${mode[0]}', not a retry mode: use standard or adaptive`);
    }
    retryMode = value === 'adaptive' ? 'adaptive' : 'standard';
  }
  let maxAttempts = DEFAULT_MAX_ATTEMPTS;
  const attempts = setting('AWS_MAX_ATTEMPTS', 'max_attempts');
  if (attempts) {
    const n = Number(attempts[0].trim());
    if (!/^\d+$/.test(attempts[0].trim()) || n < 1 || n > 100) {
      throw new UsageError(`${attempts[1]} is '${attempts[0]}', not a number of attempts: give a whole number from 1 to 100`);
    }
    maxAttempts = n;
  }
  return { retryMode, maxAttempts };
}

interface SharedFiles {
  configFile: Record<string, Record<string, string | undefined>>;
  credentialsFile: Record<string, Record<string, string | undefined>>;
  /** The paths read, as the user would name them (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE or the defaults). */
  configPath: string;
  credentialsPath: string;
}

/** The shared config and credentials files (~/.aws/config, ~/.aws/credentials, or as the environment says). */
async function loadSharedFiles(env: Env): Promise<SharedFiles> {
  const { loadSharedConfigFiles } = await import('@smithy/shared-ini-file-loader');
  const { configFile, credentialsFile } = await loadSharedConfigFiles({
    configFilepath: env.AWS_CONFIG_FILE,
    filepath: env.AWS_SHARED_CREDENTIALS_FILE,
  });
  return {
    configFile,
    credentialsFile,
    configPath: env.AWS_CONFIG_FILE || '~/.aws/config',
    credentialsPath: env.AWS_SHARED_CREDENTIALS_FILE || '~/.aws/credentials',
  };
}

/**
 * A named profile must exist before any AWS call: otherwise the SDK's chain ends in "could not
 * load credentials from any providers", which names neither the profile nor the files.
 */
function checkProfile(flag: string | undefined, envProfile: string | undefined, files: SharedFiles): void {
  const name = flag || envProfile;
  if (!name) return;
  if (files.configFile[name] || files.credentialsFile[name]) return;
  // The SDK treats a missing [default] as "no profile", and so do we.
  if (name === 'default') return;
  const known = [...new Set([...Object.keys(files.configFile), ...Object.keys(files.credentialsFile)])].sort();
  const via = flag ? '--profile' : 'AWS_PROFILE';
  throw new UsageError(
    `profile '${name}' (${via}) is not in ${files.configPath} or ${files.credentialsPath}: ` +
      (known.length ? `use one of ${known.join(', ')}` : 'no profiles are defined there') +
      ', or set AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE to the files that define it',
  );
}

/**
 * AWS region names: letters, then one or more dash-separated words, then a number (us-east-1,
 * us-gov-west-1, eu-isoe-west-1). The SDK puts the region into host names and signatures, so a
 * malformed one fails late with SDK text; checking here makes it a usage error before any call.
 */
const REGION_SHAPE = /^[a-z]{2,}(?:-[a-z]+)+-\d{1,2}$/;
/** S3-compatible servers behind --endpoint-url may name their region freely (Garage: "garage"), within a host label. */
const CUSTOM_REGION_SHAPE = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;

function resolveRegion(flag: string | undefined, env: Env, files: SharedFiles, profile: string | undefined, custom: boolean): string {
  const name = profile || 'default';
  const fromProfile = files.configFile[name]?.region ?? files.credentialsFile[name]?.region;
  const sources: Array<[string | undefined, string]> = [
    [flag, '--region'],
    [env.AWS_REGION, 'AWS_REGION'],
    [env.AWS_DEFAULT_REGION, 'AWS_DEFAULT_REGION'],
    [fromProfile, `the region of profile ${name}`],
  ];
  const found = sources.find(([value]) => value);
  if (!found) return 'us-east-1';
  const [region, source] = found as [string, string];
  if (!(custom ? CUSTOM_REGION_SHAPE : REGION_SHAPE).test(region)) {
    const shape = custom ? 'a region name (letters, digits and dashes)' : 'an AWS region name';
    throw new UsageError(`${source} '${region}' is not ${shape}: give one such as us-east-1 or eu-west-3`);
  }
  return region;
}
