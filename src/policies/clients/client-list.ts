/**
 * A client list's rows checked the way `create` checks its options (the same functions: IAM
 * names, bucket names, prefixes, policy rendering and size), every problem collected with its
 * file, line and field, so a list is fixed in one pass and nothing is applied while any is wrong.
 */
import { UsageError } from '../../errors';
import { parseAccountPrincipal, type AccountPrincipal } from '../bucket-grants';
import { validateBucketName } from '../bucket-names';
import { checkPolicySize, minifyPolicy, type PolicyDocument } from '../documents';
import { withExpiry, parseExpiry } from '../expiry';
import { inlinePolicyName, validateIamName } from '../names';
import { grantTagValue, tagTime } from '../ownership';
import { normalizePrefix } from '../prefix';
import { ACCESS_MODES, renderPolicy, type AccessMode } from '../templates';
import { CELL_COUNT, type RawClientRow } from './list-file';

export const CLIENT_FIELDS = ['username', 'bucket', 'prefix', 'access', 'console', 'expires', 'role', 'account'] as const;
const REQUIRED = ['username', 'bucket', 'access'] as const;

/** One client, valid, with everything apply writes for it worked out. */
export interface Client {
  line: number;
  username: string;
  buckets: string[];
  /** The folder, ending in '/'; undefined: the whole bucket. */
  prefix?: string;
  access: AccessMode;
  console: boolean;
  expires?: Date;
  role?: string;
  /** Set for a client with its own AWS account, served by a bucket-policy grant, not an IAM user. */
  account?: AccountPrincipal;
  /** The user's inline policy, expiry included (account clients: none). */
  policy?: PolicyDocument;
  policyName?: string;
  /** The grant tag's value. */
  grant: string;
}

export interface RowProblem {
  file: string;
  line: number;
  field: string;
  problem: string;
}

/** `list.csv:7: bucket: ...`, one problem per line. */
export function formatProblem(p: RowProblem): string {
  return `${p.file}:${p.line}: ${p.field}: ${p.problem}`;
}

/** A UsageError's message without the leading "--option " or "what 'value' " detail kept as is. */
const message = (err: unknown): string => (err instanceof UsageError ? err.message : String((err as Error)?.message ?? err));

function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString();
  return undefined;
}

const YES = new Set(['yes', 'y', 'true', '1']);
const NO = new Set(['no', 'n', 'false', '0', '']);

/**
 * Validates every row (and the list as a whole: one row per username); returns the clients when
 * there is no problem at all, else every problem.
 */
export async function validateClientRows(
  rows: readonly RawClientRow[],
  file: string,
  now: Date,
): Promise<{ clients: Client[]; problems: RowProblem[] }> {
  const problems: RowProblem[] = [];
  const clients: Client[] = [];
  const seen = new Map<string, number>();
  for (const row of rows) {
    const report = (field: string, problem: string) => problems.push({ file, line: row.line, field, problem });
    const before = problems.length;
    const f = row.fields;
    if ('' in f) {
      report('(row)', 'is not an object of fields: write each client as username, bucket, access, ...');
      continue;
    }
    if (CELL_COUNT in f) {
      report('(row)', 'has a different number of cells than the header: check for a missing or extra comma');
      continue;
    }
    for (const key of Object.keys(f)) {
      // An unknown column left empty changes nothing; one with a value is probably a misspelt field.
      if (!(CLIENT_FIELDS as readonly string[]).includes(key) && text(f[key]) !== '')
        report(key, `is not a field: use ${CLIENT_FIELDS.join(', ')}`);
    }
    for (const key of REQUIRED)
      if (!text(f[key]) && !Array.isArray(f[key])) report(key, 'is missing: every row needs a username, a bucket and an access');

    const username = text(f.username);
    if (username) {
      try {
        validateIamName(username, 'username');
        const key = username.toLowerCase();
        // IAM user names are unique regardless of case.
        if (seen.has(key)) report('username', `'${username}' is listed already on line ${seen.get(key)}: one row per client`);
        else seen.set(key, row.line);
      } catch (err) {
        report('username', message(err));
      }
    }

    const bucketValue = f.bucket;
    const buckets = Array.isArray(bucketValue)
      ? bucketValue.map((b) => text(b) ?? '')
      : (text(bucketValue) ?? '').split(/[\s,;]+/).filter((b) => b !== '');
    for (const b of buckets) {
      try {
        validateBucketName(b);
      } catch (err) {
        report('bucket', message(err));
      }
    }

    let prefix: string | undefined;
    const rawPrefix = text(f.prefix);
    if (rawPrefix) {
      try {
        prefix = normalizePrefix(rawPrefix).prefix;
      } catch (err) {
        report('prefix', message(err));
      }
    }

    const accessText = text(f.access);
    const access = ACCESS_MODES.find((m) => m === accessText?.toLowerCase());
    if (accessText && !access) report('access', `'${accessText}' is not an access: use ${ACCESS_MODES.join(', ')}`);

    const consoleText = (text(f.console) ?? '').toLowerCase();
    const wantsConsole = YES.has(consoleText);
    if (!wantsConsole && !NO.has(consoleText)) report('console', `'${text(f.console)}' is neither yes nor no`);

    let expires: Date | undefined;
    const expiresText = text(f.expires);
    if (expiresText) {
      try {
        expires = parseExpiry(expiresText, 'expires', now);
      } catch (err) {
        report('expires', message(err));
      }
    }

    const role = text(f.role) || undefined;
    if (role) {
      try {
        validateIamName(role, 'role');
      } catch (err) {
        report('role', message(err));
      }
      if (wantsConsole) report('console', 'yes with a role: a role user holds no S3 rights itself, so a console login could see nothing');
    }

    let account: AccountPrincipal | undefined;
    const accountValue = f.account;
    if (typeof accountValue === 'number') {
      report('account', 'is a number: write the account ID as text, in quotes, so leading zeros are kept');
    } else if (text(accountValue)) {
      try {
        account = parseAccountPrincipal(text(accountValue)!);
      } catch (err) {
        report('account', message(err).replace(/^--account /, ''));
      }
      if (wantsConsole) report('console', 'yes with an account: that client signs in to its own account');
      if (role) report('role', 'is set with an account: a client with its own account is served by the bucket policy');
      if (expires) report('expires', 'is set with an account: a bucket-policy grant does not expire; leave it empty');
    }

    if (problems.length > before || !username || !access) continue;
    const client: Client = {
      line: row.line,
      username,
      buckets: [...new Set(buckets)],
      prefix,
      access,
      console: wantsConsole,
      expires,
      role,
      account,
      grant: grantTag(access, [...new Set(buckets)], prefix, wantsConsole),
    };
    if (!account) {
      try {
        const { document } = await renderPolicy({ buckets: client.buckets, mode: access, prefix });
        const policy = withExpiry(document, expires);
        checkPolicySize(policy, 'user-inline');
        client.policy = policy;
        client.policyName = inlinePolicyName(access, minifyPolicy(policy));
      } catch (err) {
        report('bucket', message(err));
        continue;
      }
    }
    clients.push(client);
  }
  if (rows.length === 0) problems.push({ file, line: 1, field: '(list)', problem: 'lists no client: add a row per client' });
  return problems.length ? { clients: [], problems } : { clients, problems };
}

/** The word the grant tag ends with for a client with a console login. */
export const CONSOLE_GRANT_WORD = '+console';

/**
 * The grant tag of a client: what create writes, and "+console" for a console login, so plan
 * asks IAM about login profiles only where the list or the tag says there is one.
 */
export function grantTag(access: AccessMode, buckets: readonly string[], prefix: string | undefined, console: boolean): string {
  const grant = grantTagValue(access, buckets, prefix ? [prefix] : []);
  return console ? `${grant.slice(0, 256 - CONSOLE_GRANT_WORD.length - 1)} ${CONSOLE_GRANT_WORD}` : grant;
}

/** The expires tag's value for a client (undefined: never). */
export function expiresTag(client: Pick<Client, 'expires'>): string | undefined {
  return client.expires ? tagTime(client.expires) : undefined;
}
