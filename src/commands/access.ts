import type { Command } from 'commander';
import type { AwsOptions } from '../aws/config';
import { OperationError, UsageError } from '../errors';
import { emitRecords, type OutputRecord } from '../output/records';
import { formatTable } from '../output/table';
import { validateBucketName } from '../policies/bucket-names';
import { validateIamName } from '../policies/names';
import type { AccessQuery } from '../services/access/report';
import {
  addAwsOptions,
  addListOutputOptions,
  addSilentOption,
  awsContextFor,
  positiveInt,
  recordFormat,
  reporterFor,
  type ListOutputOptions,
} from './shared/common-options';
import type { CliIo } from '../io';

export interface AccessOptions extends AwsOptions, ListOutputOptions {
  user?: string;
  role?: string;
  check?: boolean;
  snapshot?: string;
  fromSnapshot?: string;
  table?: boolean;
  concurrency: number;
  silent?: boolean;
}

/** Validates the command line into one query (undefined: only save a snapshot). */
export function accessQuery(target: string | undefined, opts: AccessOptions): AccessQuery | undefined {
  const given = [target !== undefined && 'BUCKET', opts.user !== undefined && '--user', opts.role !== undefined && '--role'].filter(
    (x): x is string => !!x,
  );
  if (given.length > 1) throw new UsageError(`${given.join(' and ')} conflict: ask about one bucket, one user or one role`);
  if (opts.snapshot !== undefined && opts.fromSnapshot !== undefined)
    throw new UsageError('--snapshot and --from-snapshot conflict: save a new snapshot or answer from an old one');
  if (opts.table && (opts.nl || opts.csv || opts.tsv || opts.array))
    throw new UsageError('--table conflicts with the other output formats: pick one');
  const check = !!opts.check;
  if (target !== undefined) {
    const slash = target.indexOf('/');
    const bucket = slash < 0 ? target : target.slice(0, slash);
    validateBucketName(bucket);
    return { kind: 'bucket', bucket, prefix: slash < 0 ? '' : target.slice(slash + 1), check };
  }
  if (opts.user !== undefined) return { kind: 'principal', principal: 'user', name: validateIamName(opts.user, 'user name'), check };
  if (opts.role !== undefined) return { kind: 'principal', principal: 'role', name: validateIamName(opts.role, 'role name'), check };
  if (check) return { kind: 'account', check };
  if (opts.snapshot !== undefined) return undefined;
  throw new UsageError(
    "name a BUCKET[/PREFIX], --user NAME or --role NAME (or --check alone for every bucket): see 's3-share access --help'",
  );
}

const TABLE_COLUMNS = ['PRINCIPAL', 'TYPE', 'WHERE', 'LIST', 'READ', 'WRITE', 'DELETE', 'POLICY', 'DECIDED BY'];

export async function runAccess(target: string | undefined, opts: AccessOptions, io: CliIo): Promise<void> {
  const query = accessQuery(target, opts);
  const reporter = reporterFor(opts, io);
  const services = import('../services/access/snapshot');
  let snapshot;
  if (opts.fromSnapshot !== undefined) {
    snapshot = await (await services).loadSnapshot(opts.fromSnapshot);
    for (const note of snapshot.incomplete) reporter.warn(`incomplete: ${note}`);
    for (const b of snapshot.buckets)
      if (b.error) reporter.warn(`incomplete: the policy of bucket ${b.name} could not be read (${b.error})`);
  } else {
    const ctx = await awsContextFor(opts, io, reporter);
    const [{ createIamClient, createS3Client, createStsClient }, { takeSnapshot }] = await Promise.all([
      import('../aws/clients'),
      services,
    ]);
    const [iam, s3, sts] = await Promise.all([createIamClient(ctx), createS3Client(ctx), createStsClient(ctx)]);
    snapshot = await takeSnapshot(
      { iam, s3, sts },
      { buckets: query?.kind === 'bucket' ? [query.bucket] : [], concurrency: opts.concurrency },
      reporter,
    );
    if (opts.snapshot !== undefined) {
      await (await services).saveSnapshot(opts.snapshot, snapshot);
      reporter.info(`snapshot saved to ${opts.snapshot} (no secrets: names, tags and policies; readable by you alone)`);
    }
  }
  if (!query) return;
  const { answerAccess, ACCESS_COLUMNS, FINDING_COLUMNS } = await import('../services/access/report');
  const answers = answerAccess(snapshot, query);
  const explicitFormat = opts.nl || opts.csv || opts.tsv || opts.array;
  if (query.check) {
    if (explicitFormat) await emitRecords(toAsync(answers.findings), recordFormat(opts), io.stdout, FINDING_COLUMNS);
    else
      for (const f of answers.findings)
        io.stdout.write(`${f.Finding}  ${f.Bucket || '-'}  ${f.Principal || '-'}  ${f.Detail.replace(/[\r\n]+/g, ' ')}\n`);
    if (answers.findings.length)
      throw new OperationError(
        `access --check: ${answers.findings.length} finding(s), listed on stdout: fix them or accept them`,
        'Findings',
      );
    reporter.info('access --check: no findings');
    return;
  }
  const onTerminal = Boolean((io.stdout as { isTTY?: boolean }).isTTY);
  if (opts.table || (onTerminal && !explicitFormat)) {
    const rows = answers.rows.map((r) => [
      principalCell(r),
      r.Type,
      `${String(r.Bucket)}/${String(r.Prefix)}`,
      r.List,
      r.Read,
      r.Write,
      r.Delete,
      r.Policy,
      r.DecidedBy,
    ]);
    const incomplete = answers.rows.some((r) => r.Incomplete !== '');
    const columns = incomplete ? [...TABLE_COLUMNS, 'INCOMPLETE'] : TABLE_COLUMNS;
    io.stdout.write(formatTable(columns, incomplete ? rows.map((row, i) => [...row, answers.rows[i]!.Incomplete]) : rows));
    return;
  }
  await emitRecords(toAsync(answers.rows), recordFormat(opts), io.stdout, ACCESS_COLUMNS);
}

/** The principal as a person reads it: who else reaches through a role, or the role a principal reaches through. */
function principalCell(r: Record<string, unknown>): string {
  const assumers = Array.isArray(r.AssumableBy) ? (r.AssumableBy as string[]) : [];
  if (r.ViaRole) return `${String(r.Principal)} (as role ${String(r.ViaRole)})`;
  if (!assumers.length) return String(r.Principal);
  return `${String(r.Principal)} (assumed by ${assumers.length > 3 ? `${assumers.length} principals` : assumers.join(', ')})`;
}

async function* toAsync(records: readonly object[]): AsyncGenerator<OutputRecord> {
  for (const r of records) yield r as OutputRecord;
}

export function registerAccess(program: Command, io: CliIo): void {
  const cmd = program
    .command('access')
    .description('Show who can reach a bucket or prefix, or what a user or role can reach, from the policies; --check reports problems')
    .argument('[bucket]', 'BUCKET or BUCKET/PREFIX: every principal that can do anything there')
    .option('--user <name>', 'every bucket this user can reach, the narrowest prefix bounding its reach, its capabilities')
    .option('--role <name>', 'the same for a role (as a session of it)')
    .option('--check', 'report problems, one per line, and exit 1 if there are any (alone: every bucket)')
    .option('--snapshot <file>', 'also save what was read to FILE (no secrets; written readable by you alone)')
    .option('--from-snapshot <file>', 'answer from a saved snapshot, offline, with no AWS call')
    .option('--table', 'a readable table (the default when stdout is a terminal)')
    .option('--concurrency <n>', 'AWS requests in flight at most', positiveInt('--concurrency', 64), 8)
    .addHelpText(
      'after',
      [
        '',
        'Capabilities: list, read, write, delete, and policy (change the bucket policy or ACL), each yes, no or',
        'conditional (it depends on a condition key the policies test, named in Conditions). "yes" means on at',
        "least some keys under Prefix, the narrowest prefix that bounds the principal's reach there. Principals:",
        "the account's users and roles, other accounts named in the bucket policy (their own policies are not",
        'visible and are assumed to allow), and (anyone), the public.',
        '',
        'One record per principal and bucket: Bucket, Prefix, Principal, Type, List, Read, Write, Delete, Policy,',
        'DecidedBy, Conditions, MadeByS3Share, Incomplete (what could not be read: the answer may be worse), Arn,',
        "AssumableBy (a role's row: the users and roles that may assume it, and so reach as far), ViaRole",
        '(--user/--role: the row is reached by assuming that role; one hop, role chains are not followed).',
        '',
        '--check findings, one per line as FINDING  BUCKET  PRINCIPAL  DETAIL (two spaces apart; "-" when none),',
        'or records with --nl/--csv/--tsv/--array (Finding, Bucket, Principal, Detail):',
        '  beyond-grant          a principal made by s3-share can do more than its grant',
        "  other-client-prefix   a prefix client can list or read another client's prefix",
        '  public-read           anyone can list or read',
        '  public-write          anyone can write, delete or change the policy',
        '  policy-changer        a principal that is not an administrator can change the bucket policy or ACL',
        '  incomplete            something could not be read, so the check cannot clear it',
        '',
        'Examples:',
        '  $ s3-share access photos',
        '  $ s3-share access photos/alice/ --csv > alice.csv',
        '  $ s3-share access --user alice',
        '  $ s3-share access --check',
        '  $ s3-share access --snapshot account.json        # only save the snapshot',
        '  $ s3-share access --user bob --from-snapshot account.json',
      ].join('\n'),
    );
  addSilentOption(addAwsOptions(addListOutputOptions(cmd))).action((target: string | undefined, opts: AccessOptions) =>
    runAccess(target, opts, io),
  );
}
