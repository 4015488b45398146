/**
 * `s3-share create BUCKET...`: new least-privilege credentials for the buckets, printed (or
 * written with --output) in the chosen format. Parses and checks every option into a CreateInput
 * before any AWS call; the work is in services/credentials/create.ts, run through the plan engine.
 */
import type { Command } from 'commander';
import type { AwsOptions } from '../aws/config';
import { UsageError } from '../errors';
import type { Reporter } from '../output/reporter';
import { addAwsOptions, addSilentOption, awsContextFor, reporterFor } from './shared/common-options';
import {
  addCredentialOutputOptions,
  checkFormatCarries,
  deliveryOptions,
  runCredentialPlan,
  type CredentialOutputOptions,
} from './shared/credential-options';
import { readCapped, type CliIo } from '../io';
import { addPolicyOptions, policySpecFromOptions, type PolicyOptions } from './shared/policy-options';
import { parseDuration } from './shared/durations';
import { addKeyWaitOptions, shouldWait, waitTimeoutSeconds, type KeyWaitOptions } from './shared/key-wait-options';

export interface CreateOptions extends PolicyOptions, AwsOptions, CredentialOutputOptions, KeyWaitOptions {
  username?: string;
  createBucket?: boolean;
  bucketRegion?: string;
  userPermissionsBoundary?: string;
  duration?: number;
  role?: string;
  console?: boolean;
  password?: string;
  passwordResetRequired?: boolean;
  public?: boolean;
  website?: boolean;
  bucketOwner?: string;
  reuseUser?: boolean;
  replaceBoundary?: boolean;
  allowExcess?: boolean;
  expires?: string;
  dryRun?: boolean;
  silent?: boolean;
}

const flag = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

function checkConflicts(buckets: string[], opts: CreateOptions): void {
  const conflict = (a: string, b: string, why: string) => {
    throw new UsageError(`${a} and ${b} conflict: ${why}`);
  };
  if (opts.duration !== undefined) {
    for (const k of ['username', 'role', 'console', 'userPermissionsBoundary', 'reuseUser', 'replaceBoundary'] as const) {
      if (opts[k] !== undefined) conflict('--duration', flag(k), 'temporary credentials have no IAM user; leave out one of them');
    }
  }
  if (opts.bucketRegion !== undefined && !opts.createBucket) {
    throw new UsageError('--bucket-region needs -c/--create-bucket: it says where to create missing buckets');
  }
  if (opts.password !== undefined && !opts.console) throw new UsageError('--password needs --console: it is the console password');
  if (opts.passwordResetRequired && !opts.console) throw new UsageError('--password-reset-required needs --console');
  if (opts.password !== undefined && opts.password !== '-') {
    throw new UsageError(
      "--password takes only '-' (read the password from stdin): a password on the command line is visible to other local users",
    );
  }
  if (opts.password === '-' && opts.policy === '-') conflict('--password -', '--policy -', 'only one of them can read stdin');
  if (opts.userPermissionsBoundary !== undefined && opts.userPermissionsBoundary !== 'none') {
    if (!/^arn:[\w-]+:iam::(aws|\d{12}):policy\/[\w+=,.@/-]+$/.test(opts.userPermissionsBoundary)) {
      throw new UsageError(
        `--user-permissions-boundary ${opts.userPermissionsBoundary} is not a policy ARN: give one such as arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess, or none`,
      );
    }
  }
  if (opts.passwordResetRequired && opts.userPermissionsBoundary !== undefined && opts.userPermissionsBoundary !== 'none') {
    conflict(
      '--user-permissions-boundary ARN',
      '--password-reset-required',
      'the user must be allowed iam:ChangePassword to choose its new password at first sign-in, and a boundary that does not allow it (as the S3 ones do not) locks it out; use --user-permissions-boundary none, or leave out --password-reset-required',
    );
  }
  if (opts.bucketOwner !== undefined) {
    if (!/^\d{12}$/.test(opts.bucketOwner))
      throw new UsageError(`--bucket-owner ${opts.bucketOwner} is not an AWS account ID: give the 12 digits, such as 111122223333`);
    for (const k of ['createBucket', 'public', 'website'] as const) {
      if (opts[k]) conflict(flag(k), '--bucket-owner', "only the bucket's owner can create or change it; leave out one of them");
    }
  }
  if (opts.role !== undefined && opts.console)
    conflict('--role', '--console', 'a --role user holds no S3 rights itself, so a console login could see nothing');
  if (buckets.length === 0) throw new UsageError('no bucket given: name at least one bucket');
  // Every secret made must reach the user: refuse a format that would drop one.
  checkFormatCarries(opts.format, [
    'SecretAccessKey',
    ...(opts.duration !== undefined ? (['SessionToken'] as const) : []),
    ...(opts.console ? (['Password'] as const) : []),
  ]);
}

async function readStdinLine(io: CliIo): Promise<string> {
  const tooLong = () => new UsageError('--password - read more than 4,096 bytes from stdin: pipe exactly the password');
  const line = (await readCapped(io.stdin, 4096, tooLong)).replace(/\r?\n$/, '');
  if (line === '' || line.includes('\n'))
    throw new UsageError('--password - reads one line from stdin, and it was empty or several lines: pipe exactly the password');
  const { passwordCharacterProblem } = await import('../policies/input-rules');
  const problem = passwordCharacterProblem(line);
  if (problem)
    throw new UsageError(
      `the console password from stdin cannot be used: ${problem}: choose another, or leave out --password to generate one`,
    );
  return line;
}

export async function runCreate(buckets: string[], opts: CreateOptions, io: CliIo): Promise<void> {
  const reporter: Reporter = reporterFor(opts, io);
  checkConflicts(buckets, opts);
  const [{ checkPolicySize }, { renderPolicy }, { validateIamName }] = await Promise.all([
    import('../policies/documents'),
    import('../policies/templates'),
    import('../policies/names'),
  ]);
  const spec = await policySpecFromOptions(buckets, opts, io);
  const rendered = await renderPolicy(spec, { target: opts.duration !== undefined ? 'session' : 'user-inline' });
  for (const notice of rendered.notices) reporter.info(notice);
  // --expires: every Allow stops at that time on AWS's side, whatever else runs or not.
  const { parseExpiry, withExpiry } = await import('../policies/expiry');
  const expires = opts.expires !== undefined ? parseExpiry(opts.expires, '--expires', new Date(), true) : undefined;
  const document = withExpiry(rendered.document, expires);
  checkPolicySize(document, opts.duration !== undefined ? 'session' : 'user-inline');
  const custom = opts.policy !== undefined || (opts.statement?.length ?? 0) > 0;
  const mode = custom ? 'custom' : (spec.mode ?? 'read-write');
  if (opts.username !== undefined) validateIamName(opts.username, '--username');
  if (opts.role !== undefined) validateIamName(opts.role, '--role');
  const password = opts.password === '-' ? await readStdinLine(io) : undefined;
  const { normalizePrefixes } = await import('../policies/prefixes');
  const { prefixes } = normalizePrefixes(opts.prefix ?? []);
  const prefix = prefixes[0]; // the console link and key probe use the first

  const ctx = await awsContextFor(opts, io, reporter);
  const wait = shouldWait(opts, io);
  const delivering = { ...deliveryOptions(opts), context: { buckets, prefix } };
  await runCredentialPlan(delivering, opts, io, reporter, async (delivery) => {
    const [{ clientsForKey, createIamClient, createStsClient, createS3Client }, { planCreate }, { keyProbes }] = await Promise.all([
      import('../aws/clients'),
      import('../services/credentials/create'),
      import('../services/credentials/key-readiness'),
    ]);
    const [iam, sts, s3] = await Promise.all([createIamClient(ctx), createStsClient(ctx), createS3Client(ctx)]);
    // Another account's bucket admits the key only once its owner's bucket policy does: probe identity only.
    const target = { bucket: buckets[0]!, prefix, canList: !opts.bucketOwner && (mode === 'read-only' || mode === 'read-write') };
    const plan = await planCreate(
      { iam, sts, s3, s3InRegion: (region) => createS3Client(ctx, region) },
      {
        buckets,
        mode,
        policy: document,
        userName: opts.username,
        createBucket: !!opts.createBucket,
        bucketRegion: opts.bucketRegion ?? ctx.region,
        permissionsBoundary: opts.userPermissionsBoundary ?? (custom ? 'none' : undefined),
        durationSeconds: opts.duration,
        role: opts.role,
        console: opts.console ? { password, passwordResetRequired: !!opts.passwordResetRequired } : undefined,
        public: opts.public,
        website: opts.website,
        bucketOwner: opts.bucketOwner,
        prefix,
        prefixes,
        expires,
        wait: wait
          ? {
              timeoutMs: waitTimeoutSeconds(opts) * 1000,
              probes: async (creds) => keyProbes(await clientsForKey(ctx, creds), opts.role ? undefined : target),
              signal: io.interrupts.signal,
            }
          : undefined,
        delivery,
        guard: { reuseUser: !!opts.reuseUser, replaceBoundary: !!opts.replaceBoundary, allowExcess: !!opts.allowExcess },
      },
      reporter,
    );
    return plan;
  });
}

export function registerCreate(program: Command, io: CliIo): void {
  const cmd = program
    .command('create')
    .description(
      'Create least-privilege credentials for the buckets: an IAM user and access key (default), temporary credentials, or a user that assumes a role',
    )
    .argument('<buckets...>', 'the buckets to share; several give one policy covering all of them');
  addPolicyOptions(cmd)
    .option(
      '--username <name>',
      'the IAM user (default: s3.<mode>.<buckets>, shortened with a hash past 64 characters); an existing user made by s3-share is reused',
    )
    .option('--reuse-user', 'allow --username to name an existing user that s3-share did not make (its other policies stay)')
    .option(
      '--replace-boundary',
      "set (or, with 'none', remove) the permissions boundary of an existing user; without it, an existing user keeps its boundary",
    )
    .option(
      '--allow-excess',
      'issue the key even when the user can do more than this grant (other policies, groups): by default that is refused',
    )
    .option('-c, --create-bucket', 'create the buckets that do not exist')
    .option('--bucket-region <region>', 'with -c, the region to create buckets in (default: --region)')
    .option(
      '--user-permissions-boundary <arn>',
      "permissions boundary for the user, or 'none' (default: AmazonS3ReadOnlyAccess for --read-only, AmazonS3FullAccess otherwise, none for --policy/--statement)",
    )
    .option('-d, --duration <time>', 'temporary credentials (no IAM user) valid this long: 15m to 12h, e.g. 15m, 1h, 3600', parseDuration)
    .option('--role <name>', 'create this role holding the policy, and a user that may only assume it; prints RoleArn')
    .option('--console', 'also give the user a console password (generated to suit the account password policy)')
    .option('--password <source>', "with --console, read the password from stdin ('-') instead of generating one")
    .option('--password-reset-required', 'with --console, the user must choose a new password at first sign-in')
    .option('--public', "make the buckets' objects readable by anyone (turns off Block Public Access, adds a bucket policy)")
    .option('--website', 'serve the buckets as static websites (index.html, error.html)')
    .option('--expires <date>', 'the access ends then, on AWS: a date (2027-01-31), an ISO 8601 time, or a number of days (30d)')
    .option(
      '--bucket-owner <account-id>',
      "the buckets belong to this other account: HeadBucket checks the owner, and a 403 is taken as 'exists' (that account's bucket policy must grant access)",
    );
  addKeyWaitOptions(cmd).option('--dry-run', 'print the plan (the AWS calls, as JSON) and change nothing');
  addCredentialOutputOptions(cmd);
  addSilentOption(addAwsOptions(cmd))
    .addHelpText(
      'after',
      [
        '',
        'An existing user is reused only when s3-share made it (tag s3-share:made-by, or an s3-share.* inline',
        'policy); another needs --reuse-user. Its boundary and its other policies are never changed (the',
        'boundary only with --replace-boundary). Before a key is printed, create checks what the user could do',
        'with all its policies and groups: anything beyond this grant is refused (exit 1) unless --allow-excess.',
        'The identity running s3-share never gets a key.',
        '',
        'Examples:',
        '  $ s3-share create reports-2024 --read-only',
        '  $ s3-share create photos --prefix alice/ --username alice --output alice.json',
        '  $ s3-share create new-bucket -c --bucket-region eu-west-1 --format ini',
        '  $ s3-share create photos --duration 1h --read-only',
        '  $ s3-share create photos --role photos-reader',
        '  $ s3-share create photos --policy my-template.json --dry-run',
        '  $ s3-share create partner-data --read-only --bucket-owner 111122223333',
      ].join('\n'),
    )
    .action((buckets: string[], opts: CreateOptions) => runCreate(buckets, opts, io));
}
