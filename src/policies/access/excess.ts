/**
 * What a principal can do beyond its grant: the check `create` and `rotate-key` run before they
 * hand out a key, and `access --check` runs over an account.
 *
 * A principal's reach is not enumerable (every action of every service on every ARN), so it is
 * probed: each probe is one request the evaluator answers twice, once with everything AWS would
 * consult (`full`: the principal's inline, managed and group policies, its boundary, the bucket
 * policy) and once with the grant alone (the policy s3-share wrote). A probe is excess when the full
 * set allows it (or might: Conditional counts) and the grant does not, unless the public can do it
 * too (a public-read bucket is the bucket's business, not this key's excess; `access` reports it).
 *
 * The probes cover what "more than the grant" means for a bucket share:
 *   - every S3 action s3-share's templates use, and the bucket-administration ones (policy, ACL,
 *     public access block, delete bucket, versions, lifecycle...), on each granted bucket;
 *   - objects inside each granted prefix, beside it (a sibling `alice-evil/`), and above it;
 *     ListBucket with s3:prefix set to each of those, and to the bucket's root;
 *   - another bucket of the account, and CreateBucket / ListAllMyBuckets;
 *   - IAM and STS actions (on the principal itself, on another user, on a role), and actions of
 *     services a key for sharing files never needs (EC2, Lambda, KMS, Secrets Manager...), plus an
 *     action no service has, which only a `*` grant matches.
 *   - the buckets and folders the principal's own policies name (wildcards filled in), so a grant
 *     on one specific other bucket or folder is probed where it points.
 * Wildcard grants (`s3:*`, `*`, `iam:*`, `arn:aws:s3:::*`) match at least one probe, so a grant
 * wider than the share cannot hide between them.
 */
import { evaluate, type AccessAnswer, type LabelledPolicy, type PolicySet, type Reason } from './evaluate';
import { namedPlaces } from './named-places';

export interface ExcessScope {
  partition: string;
  account: string;
  buckets: readonly string[];
  /** The granted folders ("alice/"); empty: the whole buckets. */
  prefixes: readonly string[];
  /** Each bucket's policy, when it has one; it counts on the full side only. */
  bucketPolicies?: Readonly<Record<string, LabelledPolicy>>;
}

export interface ExcessInput {
  /** The user or role ARN the key acts as. */
  principal: string;
  full: PolicySet;
  grant: PolicySet;
  scope: ExcessScope;
  /** aws:CurrentTime for the probes (an expiring grant is judged at this moment); default: now. */
  now?: Date;
}

export interface Excess {
  action: string;
  resource: string;
  /** The s3:prefix of a ListBucket probe. */
  prefix?: string;
  decision: 'Allow' | 'Conditional';
  /** The statements that allow it. */
  reasons: Reason[];
  unresolvedKeys?: string[];
}

interface Probe {
  action: string;
  resource: string;
  bucket?: string;
  prefix?: string;
}

/** Object-level actions: on a key inside, beside and above each granted folder. */
const OBJECT_ACTIONS = [
  's3:GetObject',
  's3:PutObject',
  's3:DeleteObject',
  's3:GetObjectVersion',
  's3:DeleteObjectVersion',
  's3:GetObjectAcl',
  's3:PutObjectAcl',
  's3:GetObjectTagging',
  's3:PutObjectTagging',
  's3:AbortMultipartUpload',
  's3:ListMultipartUploadParts',
  's3:RestoreObject',
  's3:PutObjectRetention',
  's3:BypassGovernanceRetention',
];

/** Bucket-level actions a share does not need (ListBucket is probed apart, with s3:prefix). */
const BUCKET_ACTIONS = [
  's3:GetBucketLocation',
  's3:ListBucketVersions',
  's3:ListBucketMultipartUploads',
  's3:GetBucketPolicy',
  's3:PutBucketPolicy',
  's3:DeleteBucketPolicy',
  's3:GetBucketAcl',
  's3:PutBucketAcl',
  's3:PutBucketPublicAccessBlock',
  's3:PutBucketOwnershipControls',
  's3:PutBucketCORS',
  's3:PutBucketWebsite',
  's3:PutBucketVersioning',
  's3:PutLifecycleConfiguration',
  's3:PutEncryptionConfiguration',
  's3:PutReplicationConfiguration',
  's3:PutBucketNotification',
  's3:PutBucketTagging',
  's3:DeleteBucket',
];

/** Actions outside any one bucket: `*` resources. */
const ACCOUNT_ACTIONS = ['s3:ListAllMyBuckets', 's3:CreateBucket', 's3:PutAccountPublicAccessBlock'];

/** Services a key for sharing files never needs; one or two telling actions each. */
const OTHER_SERVICES: ReadonlyArray<readonly [string, string]> = [
  ['ec2:RunInstances', 'arn:{p}:ec2:us-east-1:{a}:instance/*'],
  ['ec2:DescribeInstances', '*'],
  ['lambda:InvokeFunction', 'arn:{p}:lambda:us-east-1:{a}:function:s3-share-probe'],
  ['kms:Decrypt', 'arn:{p}:kms:us-east-1:{a}:key/s3-share-probe'],
  ['secretsmanager:GetSecretValue', 'arn:{p}:secretsmanager:us-east-1:{a}:secret:s3-share-probe'],
  ['ssm:GetParameter', 'arn:{p}:ssm:us-east-1:{a}:parameter/s3-share-probe'],
  ['dynamodb:Scan', 'arn:{p}:dynamodb:us-east-1:{a}:table/s3-share-probe'],
  ['sqs:SendMessage', 'arn:{p}:sqs:us-east-1:{a}:s3-share-probe'],
  ['cloudtrail:StopLogging', 'arn:{p}:cloudtrail:us-east-1:{a}:trail/s3-share-probe'],
  ['organizations:ListAccounts', '*'],
  // No service has this action: only a grant of "*" (or "*:*"-like patterns) matches it.
  ['s3-share-probe:AnyAction', '*'],
];

/** IAM and STS actions: what could turn this key into more keys or wider rights. */
const IAM_ACTIONS = [
  'iam:CreateUser',
  'iam:CreateAccessKey',
  'iam:PutUserPolicy',
  'iam:AttachUserPolicy',
  'iam:DeleteUserPermissionsBoundary',
  'iam:CreateLoginProfile',
  'iam:UpdateAssumeRolePolicy',
  'iam:PassRole',
  'iam:ListUsers',
  'iam:GetUser',
];

const PROBE_BUCKET = 's3-share-probe-other-bucket';

function probes(principal: string, scope: ExcessScope): Probe[] {
  const { partition: p, account: a } = scope;
  const s3 = (path: string) => `arn:${p}:s3:::${path}`;
  const list: Probe[] = [];
  const buckets = [...scope.buckets, PROBE_BUCKET];
  for (const bucket of buckets) {
    const granted = scope.buckets.includes(bucket);
    const folders = granted && scope.prefixes.length ? scope.prefixes : [''];
    // Keys inside each folder, beside it (alice-s3-share-probe/) and above it (the bucket's root).
    const keys = new Set<string>();
    const listPrefixes = new Set<string>(['']);
    for (const folder of folders) {
      keys.add(`${folder}s3-share-probe`);
      listPrefixes.add(folder);
      if (folder) {
        const sibling = `${folder.replace(/\/$/, '')}-s3-share-probe/`;
        keys.add(`${sibling}s3-share-probe`);
        listPrefixes.add(sibling);
        keys.add('s3-share-probe-outside');
      }
    }
    for (const key of keys) for (const action of OBJECT_ACTIONS) list.push({ action, resource: s3(`${bucket}/${key}`), bucket });
    for (const prefix of listPrefixes) list.push({ action: 's3:ListBucket', resource: s3(bucket), bucket, prefix });
    for (const action of BUCKET_ACTIONS) list.push({ action, resource: s3(bucket), bucket });
  }
  for (const action of ACCOUNT_ACTIONS) list.push({ action, resource: '*' });
  const otherUser = `arn:${p}:iam::${a}:user/s3-share-probe`;
  for (const action of IAM_ACTIONS) {
    list.push({ action, resource: principal });
    list.push({ action, resource: otherUser });
  }
  list.push({ action: 'iam:PassRole', resource: `arn:${p}:iam::${a}:role/s3-share-probe` });
  list.push({ action: 'sts:AssumeRole', resource: `arn:${p}:iam::${a}:role/s3-share-probe` });
  for (const [action, resource] of OTHER_SERVICES) list.push({ action, resource: resource.replace('{p}', p).replace('{a}', a) });
  return list;
}

/** Everything the principal can do beyond its grant, probe by probe (empty: nothing more). */
export function findExcess(input: ExcessInput): Excess[] {
  const { principal, full, grant } = input;
  const named = namedPlaces([full]);
  const union = (a: readonly string[], b: readonly string[]) => [...new Set([...a, ...b])];
  const scope: ExcessScope = {
    ...input.scope,
    buckets: union(input.scope.buckets, named.buckets),
    prefixes: input.scope.prefixes.length || named.prefixes.length ? union(input.scope.prefixes, named.prefixes) : [],
  };
  const now = (input.now ?? new Date()).toISOString();
  const found: Excess[] = [];
  for (const probe of probes(principal, scope)) {
    const context: Record<string, string> = { 'aws:SecureTransport': 'true', 'aws:CurrentTime': now };
    if (probe.prefix !== undefined) context['s3:prefix'] = probe.prefix;
    const bucketPolicy = probe.bucket !== undefined ? scope.bucketPolicies?.[probe.bucket] : undefined;
    const request = { principal, action: probe.action, resource: probe.resource, resourceAccount: scope.account, context };
    const answer: AccessAnswer = evaluate(request, bucketPolicy ? { ...full, bucketPolicy } : full);
    if (answer.decision === 'Deny') continue;
    if (evaluate(request, grant).decision === 'Allow') continue;
    // What anyone may do is not this key's excess (a public bucket is reported by `access`).
    if (bucketPolicy && evaluate({ ...request, principal: undefined }, { bucketPolicy }).decision !== 'Deny') continue;
    found.push({
      action: probe.action,
      resource: probe.resource,
      ...(probe.prefix !== undefined ? { prefix: probe.prefix } : {}),
      decision: answer.decision,
      reasons: answer.reasons.filter((r) => r.effect === 'Allow'),
      ...(answer.unresolvedKeys?.length ? { unresolvedKeys: answer.unresolvedKeys } : {}),
    });
  }
  return found;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * One phrase for an error line: the first few excess requests and the policies that allow them,
 * e.g. "iam:CreateUser on arn:aws:iam::123456789012:user/s3-share-probe, s3:GetObject on
 * arn:aws:s3:::other/x and 41 more requests, allowed by user admin managed AdministratorAccess".
 */
export function describeExcess(excess: readonly Excess[], shown = 3): string {
  if (!excess.length) return 'nothing beyond the grant';
  // Lead with what matters most: IAM/STS, then other services, then S3.
  const rank = (e: Excess) => (/^(iam|sts):/i.test(e.action) ? 0 : /^s3:/i.test(e.action) ? 2 : 1);
  const ordered = [...excess].sort((x, y) => rank(x) - rank(y));
  const first = ordered
    .slice(0, shown)
    .map(
      (e) =>
        `${e.action} on ${e.resource}${e.prefix !== undefined ? ` (s3:prefix "${e.prefix}")` : ''}${e.decision === 'Conditional' ? ' (conditionally)' : ''}`,
    );
  const more = excess.length > shown ? ` and ${plural(excess.length - shown, 'more request')}` : '';
  const policies = [...new Set(excess.flatMap((e) => e.reasons.map((r) => r.policy)))];
  const by = policies.length
    ? `, allowed by ${policies.slice(0, 3).join(', ')}${policies.length > 3 ? ` and ${policies.length - 3} more` : ''}`
    : '';
  return `${first.join(', ')}${more}${by}`;
}
