/**
 * Who can reach what, over a whole account snapshot: the rows of `access BUCKET[/PREFIX]` and
 * `access --user/--role NAME`, and the findings of `access --check`. Pure.
 */
import {
  bucketPolicyOf,
  grantSetFor,
  isS3SharePrincipal,
  missingParts,
  policySetFor,
  requestArn,
  type AccountIndex,
  type SnapshotBucket,
  type SnapshotPrincipal,
} from './account';
import {
  CAPABILITIES,
  listOrReadAt,
  reachIn,
  type BucketReach,
  type Capability,
  type Level,
  type ReachInput,
  type Subject,
} from './capabilities';
import { evaluate, type AccessAnswer, type LabelledPolicy, type PolicySet } from './evaluate';
import { describeExcess, findExcess } from './excess';
import { principalEntries } from './matching';
import { isS3ShareManagedPolicy, TAG_GRANT } from '../ownership';

export type PrincipalType = 'user' | 'role' | 'account' | 'public';

export interface AccessRow extends BucketReach {
  principal: string;
  type: PrincipalType;
  arn?: string;
  madeByS3Share: boolean;
  /** What the snapshot could not see for this row ("" when complete). */
  incomplete: string;
  /** A role's row: the account's users and roles that may assume it, so reach it too. */
  assumableBy?: string[];
  /** A --user/--role row reached through a role it may assume: that role. */
  viaRole?: string;
}

interface Candidate {
  subject: Subject;
  name: string;
  type: PrincipalType;
  arn?: string;
  principal?: SnapshotPrincipal;
  /** Identity policies for a principal outside the account (unknown: assumed to allow). */
  foreign?: LabelledPolicy;
}

/** Another account's own policies are not visible: they are assumed to allow, so only the bucket policy limits them. */
const assumedForeign = (who: string): LabelledPolicy => ({
  label: `${who}'s own policies (not visible: assumed to allow)`,
  document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
});

/** Principals outside the account that the bucket policy names (accounts, their users or roles). */
function foreignCandidates(index: AccountIndex, bucket: SnapshotBucket | undefined): Candidate[] {
  const { account, partition } = index.snapshot;
  const out = new Map<string, Candidate>();
  const document = bucket?.policy as { Statement?: unknown } | null | undefined;
  const statements = document ? (Array.isArray(document.Statement) ? document.Statement : [document.Statement]) : [];
  for (const s of statements) {
    if (!s || typeof s !== 'object') continue;
    for (const entry of principalEntries((s as { Principal?: unknown }).Principal)) {
      const root = /^(?:arn:[^:]+:iam::)?(\d{12})(?::root)?$/.exec(entry);
      if (root) {
        if (root[1] === account || out.has(root[1]!)) continue;
        const who = `account ${root[1]}`;
        out.set(root[1]!, {
          subject: { principal: `arn:${partition}:iam::${root[1]}:user/${'s3-share-probe'}` },
          name: who,
          type: 'account',
          arn: `arn:${partition}:iam::${root[1]}:root`,
          foreign: assumedForeign(who),
        });
        continue;
      }
      const named = /^arn:([^:]+):iam::(\d{12}):(user|role)\/(?:.*\/)?([^/]+)$/.exec(entry);
      if (!named || named[2] === account || out.has(entry)) continue;
      const subject: Subject =
        named[3] === 'user'
          ? { principal: entry, userName: named[4] }
          : { principal: `arn:${named[1]}:sts::${named[2]}:assumed-role/${named[4]}/s3-share-access`, roleArn: entry };
      out.set(entry, { subject, name: entry, type: 'account', arn: entry, foreign: assumedForeign(`account ${named[2]}`) });
    }
  }
  return [...out.values()];
}

function accountCandidates(index: AccountIndex): Candidate[] {
  return index.snapshot.principals.map((p) => ({
    subject: { ...requestArn(index.snapshot, p), ...(p.kind === 'user' ? { userName: p.name } : {}) },
    name: p.name,
    type: p.kind,
    arn: p.arn,
    principal: p,
  }));
}

const PUBLIC: Candidate = { subject: {}, name: '(anyone)', type: 'public' };

function policiesOf(index: AccountIndex, c: Candidate, bucket: SnapshotBucket | undefined): PolicySet {
  if (c.principal) return policySetFor(index, c.principal, bucket);
  const bucketPolicy = bucketPolicyOf(bucket);
  return { ...(c.foreign ? { inline: [c.foreign] } : {}), ...(bucketPolicy ? { bucketPolicy } : {}) };
}

function incompleteFor(index: AccountIndex, c: Candidate, bucket: SnapshotBucket | undefined): string {
  const notes: string[] = [];
  if (index.snapshot.incomplete.length) notes.push('account partly unreadable (see the warnings)');
  if (bucket?.error) notes.push(`bucket policy unreadable (${bucket.error})`);
  if (!bucket) notes.push('bucket not in the snapshot');
  if (c.principal) notes.push(...missingParts(index, c.principal));
  if (c.principal?.boundary && !index.policies.has(c.principal.boundary)) notes.push('boundary unreadable');
  if (!c.principal && c.type !== 'public' && c.type !== 'account') notes.push('principal not in the snapshot');
  return [...new Set(notes)].join('; ');
}

/** The public's decision for a request to the bucket, remembered: every principal asks the same few. */
function publicDecisions(index: AccountIndex, bucket: SnapshotBucket | undefined, now: Date): PublicDecision {
  const bucketPolicy = bucketPolicyOf(bucket);
  const cache = new Map<string, AccessAnswer['decision']>();
  return (action, resource, context) => {
    if (!bucketPolicy) return 'Deny';
    const key = `${action} ${resource} ${context['s3:prefix'] ?? ''}`;
    let decision = cache.get(key);
    if (decision === undefined) {
      decision = evaluate(
        {
          action,
          resource,
          resourceAccount: index.snapshot.account,
          context: { 'aws:SecureTransport': 'true', 'aws:CurrentTime': now.toISOString(), ...context },
        },
        { bucketPolicy },
      ).decision;
      cache.set(key, decision);
    }
    return decision;
  };
}

type PublicDecision = NonNullable<ReachInput['publicDecision']>;

function rowFor(
  index: AccountIndex,
  c: Candidate,
  bucketName: string,
  scope: string,
  now: Date,
  publicDecision: PublicDecision,
): AccessRow | undefined {
  const bucket = index.buckets.get(bucketName);
  const reach = reachIn({
    subject: c.subject,
    policies: policiesOf(index, c, bucket),
    partition: index.snapshot.partition,
    account: index.snapshot.account,
    bucket: bucketName,
    scope,
    now,
    ...(c.type === 'public' ? {} : { publicDecision }),
  });
  const incomplete = incompleteFor(index, c, bucket);
  // The public cannot be cleared when the bucket policy could not be read: say "unknown" by a row.
  if (!reach && !(c.type === 'public' && bucket?.error)) return undefined;
  const row = reach ?? {
    bucket: bucketName,
    prefix: scope,
    capabilities: Object.fromEntries(CAPABILITIES.map((k) => [k, 'conditional'])) as Record<Capability, Level>,
    decidedBy: [],
    conditions: ['bucket policy unreadable'],
  };
  return {
    principal: c.name,
    type: c.type,
    ...(c.arn ? { arn: c.arn } : {}),
    madeByS3Share: !!c.principal && isS3SharePrincipal(c.principal),
    ...row,
    incomplete,
  };
}

const asList = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const statementsOf = (document: unknown): Record<string, unknown>[] =>
  document && typeof document === 'object'
    ? asList((document as { Statement?: unknown }).Statement).filter((x): x is Record<string, unknown> => !!x && typeof x === 'object')
    : [];

/**
 * Whether an Allow in these documents could name the bucket or a key in it. A cheap, sound filter
 * before the evaluator: a pattern is ruled out only when its text before the first wildcard or
 * variable already differs from the bucket's ARN (a NotResource, or no Resource, always could).
 */
function allowsCouldName(documents: readonly unknown[], bucketArn: string): boolean {
  const keyArn = `${bucketArn}/`;
  return documents.some((d) =>
    statementsOf(d).some((st) => {
      if (st.Effect === 'Deny') return false;
      if (st.Resource === undefined) return true;
      return asList(st.Resource).some((r) => {
        if (typeof r !== 'string') return false;
        const lit = /^[^*?$]*/.exec(r)![0];
        return r === bucketArn || keyArn.startsWith(lit) || lit.startsWith(keyArn) || (lit === r ? false : bucketArn.startsWith(lit));
      });
    }),
  );
}

/** Whether the bucket policy names this principal itself, its role, or everyone (an account-level grant only delegates). */
function bucketPolicyCouldName(bucket: SnapshotBucket | undefined, c: Candidate): boolean {
  if (!bucket) return false;
  if (bucket.error) return true;
  return statementsOf(bucket.policy).some((st) => {
    if (st.Effect === 'Deny') return false;
    if (st.Principal === undefined) return st.NotPrincipal !== undefined;
    // An unconditional "*" grants the public the same: that is the public's row, not this principal's.
    return principalEntries(st.Principal).some(
      (e) => (e === '*' && st.Condition !== undefined) || e === c.arn || e === c.subject.principal,
    );
  });
}

/** A principal of the account that no Allow could bring to the bucket needs no evaluation: most of a large account. */
function mayReach(index: AccountIndex, c: Candidate, bucket: SnapshotBucket | undefined, bucketName: string): boolean {
  if (!c.principal) return true;
  if (bucketPolicyCouldName(bucket, c)) return true;
  const set = policySetFor(index, c.principal);
  const identity = [...(set.inline ?? []), ...(set.managed ?? []), ...(set.groups ?? []).flatMap((g) => [...g.inline, ...g.managed])].map(
    (p) => p.document,
  );
  return allowsCouldName(identity, `arn:${index.snapshot.partition}:s3:::${bucketName}`);
}

/** Every principal that can do anything in the bucket (under the prefix): account users and roles, other accounts, the public. */
export function whoCanReach(index: AccountIndex, bucket: string, scope: string, now: Date): AccessRow[] {
  const snapshotBucket = index.buckets.get(bucket);
  const candidates = [...accountCandidates(index), ...foreignCandidates(index, snapshotBucket), PUBLIC];
  const publicDecision = publicDecisions(index, snapshotBucket, now);
  const rows = candidates.flatMap((c) =>
    mayReach(index, c, snapshotBucket, bucket) ? (rowFor(index, c, bucket, scope, now, publicDecision) ?? []) : [],
  );
  return withAssumers(index, rows, now);
}

export function findPrincipal(index: AccountIndex, kind: 'user' | 'role', name: string): SnapshotPrincipal | undefined {
  return index.snapshot.principals.find((p) => p.kind === kind && p.name === name);
}

/** Each bucket the principal can reach, with the narrowest prefix bounding its reach there. */
export function whatCanReach(index: AccountIndex, p: SnapshotPrincipal, now: Date): AccessRow[] {
  const own = directReach(index, p, now);
  // What it reaches by assuming a role is its reach too (one hop: a role chain is not followed).
  const viaRoles = index.snapshot.principals
    .filter((r) => r.kind === 'role' && r !== p && mayAssume(index, p, r, now))
    .flatMap((r) => directReach(index, r, now).map((row) => ({ ...row, viaRole: r.name })));
  return [...own, ...viaRoles];
}

function directReach(index: AccountIndex, p: SnapshotPrincipal, now: Date): AccessRow[] {
  const [candidate] = accountCandidates({ ...index, snapshot: { ...index.snapshot, principals: [p] } });
  return index.snapshot.buckets.flatMap((b) => rowFor(index, candidate!, b.name, '', now, publicDecisions(index, b, now)) ?? []);
}

/** Whether the principal may assume the role: its own policies allow sts:AssumeRole on it, and the role's trust policy admits it. */
function mayAssume(index: AccountIndex, p: SnapshotPrincipal, role: SnapshotPrincipal, now: Date): boolean {
  const entries = statementsOf(role.trust).flatMap((st) => (st.Effect === 'Allow' ? principalEntries(st.Principal) : []));
  const { account } = index.snapshot;
  // Most trust policies name a service or one principal: a cheap look before the evaluator.
  const named = entries.some(
    (e) => e === '*' || e === p.arn || e === account || e === `arn:${index.snapshot.partition}:iam::${account}:root`,
  );
  if (!named) return false;
  const answer = evaluate(
    {
      ...requestArn(index.snapshot, p),
      action: 'sts:AssumeRole',
      resource: role.arn,
      resourceAccount: account,
      context: { 'aws:SecureTransport': 'true', 'aws:CurrentTime': now.toISOString() },
    },
    { ...policySetFor(index, p), bucketPolicy: { label: `role ${role.name} trust policy`, document: role.trust } },
  );
  return answer.decision !== 'Deny';
}

/** The account's users and roles that may assume each role among the rows. */
function withAssumers(index: AccountIndex, rows: AccessRow[], now: Date): AccessRow[] {
  const byArn = new Map(index.snapshot.principals.map((p) => [p.arn, p]));
  return rows.map((row) => {
    const role = row.type === 'role' && row.arn ? byArn.get(row.arn) : undefined;
    if (!role) return row;
    const assumers = index.snapshot.principals
      .filter((p) => p !== role && mayAssume(index, p, role, now))
      .map((p) => `${p.kind} ${p.name}`);
    return { ...row, assumableBy: assumers };
  });
}

export type FindingKind = 'beyond-grant' | 'other-client-prefix' | 'public-read' | 'public-write' | 'policy-changer' | 'incomplete';

export interface Finding {
  kind: FindingKind;
  bucket: string;
  principal: string;
  detail: string;
}

const readable = (l: Level) => l !== 'no';
const LEVEL_OF: Record<AccessAnswer['decision'], Level> = { Allow: 'yes', Conditional: 'conditional', Deny: 'no' };
const iamAdmin = (index: AccountIndex, p: SnapshotPrincipal, now: Date): boolean => {
  // Whoever may write IAM policies can grant itself anything: that is an administrator already.
  const { partition, account } = index.snapshot;
  const answers = findExcess({
    principal: requestArn(index.snapshot, p).principal,
    full: policySetFor(index, p),
    grant: {},
    scope: { partition, account, buckets: [], prefixes: [] },
    now,
  });
  return answers.some((e) => e.decision === 'Allow' && /^iam:(PutUserPolicy|AttachUserPolicy)$/i.test(e.action));
};

/** The buckets and folders s3-share granted, from the grant tag ("read-only photos/alice/ archive"), else from its policies. */
function grantScope(p: SnapshotPrincipal): { buckets: string[]; prefixes: string[] } | undefined {
  const tag = p.tags.find((t) => t.Key === TAG_GRANT)?.Value;
  if (!tag) return undefined;
  const places = tag.split(' ').slice(1);
  const buckets = [...new Set(places.map((x) => x.split('/')[0]!))];
  const prefixes = [...new Set(places.filter((x) => x.includes('/')).map((x) => x.slice(x.indexOf('/') + 1)))];
  return { buckets, prefixes };
}

function grantScopeFromPolicies(index: AccountIndex, p: SnapshotPrincipal): { buckets: string[]; prefixes: string[] } {
  const buckets = new Set<string>();
  const prefixes = new Set<string>();
  const grant = grantSetFor(index, p);
  for (const lp of [...(grant.inline ?? []), ...(grant.managed ?? [])]) {
    const text = JSON.stringify(lp.document);
    for (const m of text.matchAll(/arn:[^:"]*:s3:::([^/"*]+)(?:\/([^"*]*)\*)?/g)) {
      buckets.add(m[1]!);
      if (m[2]) prefixes.add(m[2]);
    }
  }
  return { buckets: [...buckets], prefixes: [...prefixes] };
}

/**
 * The problems `--check` reports, for the given buckets: one finding per principal and problem.
 * `principals`: s3-share principals to check against their grant even when they reach none of the
 * buckets (every one, for a check of the whole account).
 */
export function findProblems(
  index: AccountIndex,
  buckets: readonly string[],
  now: Date,
  principals?: readonly SnapshotPrincipal[],
): Finding[] {
  const findings: Finding[] = [];
  const { partition, account } = index.snapshot;
  for (const note of index.snapshot.incomplete)
    findings.push({ kind: 'incomplete', bucket: '', principal: '', detail: `${note}: the check cannot clear what it could not read` });
  const adminCache = new Map<string, boolean>();
  const isAdmin = (p: SnapshotPrincipal) => {
    if (!adminCache.has(p.arn)) adminCache.set(p.arn, iamAdmin(index, p, now));
    return adminCache.get(p.arn)!;
  };
  // s3-share's principals to hold to their grant: those named, or those met in the buckets' rows.
  const excessFor = new Set<SnapshotPrincipal>(principals ?? []);
  for (const bucketName of buckets) {
    const bucket = index.buckets.get(bucketName);
    if (bucket?.error)
      findings.push({ kind: 'incomplete', bucket: bucketName, principal: '', detail: `bucket policy unreadable (${bucket.error})` });
    const rows = whoCanReach(index, bucketName, '', now);
    const byName = new Map(index.snapshot.principals.map((p) => [`${p.kind} ${p.name}`, p]));
    for (const row of rows) {
      const p = byName.get(`${row.type} ${row.principal}`);
      if (row.type === 'public') {
        if (readable(row.capabilities.read) || readable(row.capabilities.list))
          findings.push({ kind: 'public-read', bucket: bucketName, principal: row.principal, detail: describeRow(row, ['list', 'read']) });
        if (readable(row.capabilities.write) || readable(row.capabilities.delete) || readable(row.capabilities.policy))
          findings.push({
            kind: 'public-write',
            bucket: bucketName,
            principal: row.principal,
            detail: describeRow(row, ['write', 'delete', 'policy']),
          });
        continue;
      }
      if (readable(row.capabilities.policy) && !(p && isAdmin(p)))
        findings.push({ kind: 'policy-changer', bucket: bucketName, principal: row.principal, detail: describeRow(row, ['policy']) });
      if (p && isS3SharePrincipal(p)) excessFor.add(p);
    }
    // Prefix clients: principals whose reach is bounded to a prefix; none may list or read another's.
    const clients = rows.filter((r) => r.type !== 'public' && r.prefix !== '');
    const publicDecision = publicDecisions(index, bucket, now);
    const candidates = [...accountCandidates(index), ...foreignCandidates(index, bucket)];
    for (const x of clients) {
      const c = candidates.find((k) => k.name === x.principal && k.type === x.type);
      if (!c) continue;
      for (const y of clients) {
        // A client whose own reach lies inside the other's prefix is not reading someone else's.
        if (y === x || x.prefix.startsWith(y.prefix)) continue;
        const there = listOrReadAt({
          subject: c.subject,
          policies: policiesOf(index, c, bucket),
          partition,
          account,
          bucket: bucketName,
          scope: y.prefix,
          now,
          publicDecision,
        });
        const what = (['list', 'read'] as const).filter((k) => there[k].decision !== 'Deny');
        if (!what.length) continue;
        const by = [...new Set(what.flatMap((k) => there[k].reasons.filter((r) => r.effect === 'Allow').map((r) => r.policy)))];
        findings.push({
          kind: 'other-client-prefix',
          bucket: bucketName,
          principal: x.principal,
          detail: `can ${what.map((k) => `${k} (${LEVEL_OF[there[k].decision]})`).join(' and ')} ${y.prefix}, the prefix of ${y.type} ${y.principal}, via ${by.join(', ') || 'unresolved conditions'}`,
        });
      }
    }
  }
  for (const p of excessFor) {
    const finding = beyondGrant(index, p, now);
    if (finding) findings.push(finding);
  }
  return findings;
}

/** What an s3-share principal can do beyond its grant, as one finding; undefined when nothing. */
function beyondGrant(index: AccountIndex, p: SnapshotPrincipal, now: Date): Finding | undefined {
  if (!isS3SharePrincipal(p)) return undefined;
  const { partition, account } = index.snapshot;
  const scope = grantScope(p) ?? grantScopeFromPolicies(index, p);
  // With nothing but its s3-share policies and no bucket policy naming it, the full set and the
  // grant answer every probe alike: the probes would find nothing, so they are not run.
  const extras =
    p.groups.length > 0 || p.inline.some((d) => !d.name.startsWith('s3-share')) || p.managed.some((a) => !isS3ShareManagedPolicy(a));
  const candidate = accountCandidates({ ...index, snapshot: { ...index.snapshot, principals: [p] } })[0]!;
  if (!extras && !scope.buckets.some((b) => bucketPolicyCouldName(index.buckets.get(b), candidate))) return undefined;
  const bucketPolicies: Record<string, LabelledPolicy> = {};
  for (const b of scope.buckets) {
    const policy = bucketPolicyOf(index.buckets.get(b));
    if (policy) bucketPolicies[b] = policy;
  }
  const excess = findExcess({
    principal: requestArn(index.snapshot, p).principal,
    full: policySetFor(index, p),
    grant: grantSetFor(index, p),
    scope: { partition, account, buckets: scope.buckets, prefixes: scope.prefixes, bucketPolicies },
    now,
  });
  if (!excess.length) return undefined;
  return { kind: 'beyond-grant', bucket: scope.buckets.join(' '), principal: p.name, detail: describeExcess(excess) };
}

function describeRow(row: AccessRow, capabilities: Capability[]): string {
  const what = capabilities.filter((c) => row.capabilities[c] !== 'no').map((c) => `${c} (${row.capabilities[c]})`);
  const where = row.prefix ? ` under ${row.prefix}` : '';
  return `can ${what.join(', ')}${where}, via ${row.decidedBy.join(', ') || row.conditions.join(', ') || 'unknown'}`;
}
