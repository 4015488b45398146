/**
 * What one principal can do in one bucket (or under one prefix of it): list, read, write, delete,
 * and change the bucket's policy or ACL, each yes / no / conditional, plus the narrowest prefix that
 * bounds its reach there.
 *
 * A bucket's keys cannot be enumerated, so the answer is probed: the keys and list prefixes that
 * the principal's policies and the bucket policy name (a pattern `alice/*` gives the key `alice/x`
 * and the prefix `alice/`; `${aws:username}` is the user's name), plus one key right under the
 * scope. A capability is the best answer over those probes: "yes" means it can do that on at least
 * some keys within its reach, never that every key is open to it. Deny beats nothing here: a
 * capability is "no" only when every probe is denied, so the table never looks safer than the
 * policies are.
 */
import { evaluate, type AccessAnswer, type PolicySet } from './evaluate';

export const CAPABILITIES = ['list', 'read', 'write', 'delete', 'policy'] as const;
export type Capability = (typeof CAPABILITIES)[number];
export type Level = 'yes' | 'no' | 'conditional';

export interface Subject {
  /** Request ARN (user, or role session); undefined: the public. */
  principal?: string;
  roleArn?: string;
  /** For ${aws:username} in patterns. */
  userName?: string;
}

export interface BucketReach {
  bucket: string;
  /** The narrowest prefix that bounds the principal's reach ("" : the whole bucket). */
  prefix: string;
  capabilities: Record<Capability, Level>;
  /** Labels of the policies whose statements decided a yes or conditional. */
  decidedBy: string[];
  /** Context keys a conditional answer depends on. */
  conditions: string[];
}

export interface ReachInput {
  subject: Subject;
  policies: PolicySet;
  partition: string;
  /** The account that owns the bucket. */
  account: string;
  bucket: string;
  /** Only keys under this prefix count ("": the whole bucket). */
  scope: string;
  now: Date;
  /**
   * What the public may do for the same request. A probe the public may do as well (or better)
   * does not count for this principal: that access is the bucket's, shown once on the public's row,
   * and would otherwise widen every principal's reach to the public prefixes.
   */
  publicDecision?: (action: string, resource: string, context: Record<string, string>) => AccessAnswer['decision'];
}

const OBJECT_ACTIONS: Record<'read' | 'write' | 'delete', string[]> = {
  read: ['s3:GetObject'],
  write: ['s3:PutObject'],
  delete: ['s3:DeleteObject'],
};
const POLICY_ACTIONS = ['s3:PutBucketPolicy', 's3:DeleteBucketPolicy', 's3:PutBucketAcl'];
const PROBE = 's3-share-probe';

const RANK: Record<AccessAnswer['decision'], number> = { Deny: 0, Conditional: 1, Allow: 2 };
const LEVEL: Record<AccessAnswer['decision'], Level> = { Deny: 'no', Conditional: 'conditional', Allow: 'yes' };

const asList = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const strings = (v: unknown) => asList(v).filter((x): x is string => typeof x === 'string');

/** The text before the first wildcard or policy variable. */
const literalPrefix = (pattern: string) => /^[^*?$]*/.exec(pattern)![0];

function documentsOf(policies: PolicySet): unknown[] {
  return [
    ...(policies.inline ?? []),
    ...(policies.managed ?? []),
    ...(policies.groups ?? []).flatMap((g) => [...g.inline, ...g.managed]),
    ...(policies.boundary ? [policies.boundary] : []),
    ...(policies.sessionPolicy ? [policies.sessionPolicy] : []),
    ...(policies.bucketPolicy ? [policies.bucketPolicy] : []),
  ].map((p) => p.document);
}

function statementsOf(document: unknown): Record<string, unknown>[] {
  if (!document || typeof document !== 'object') return [];
  return asList((document as { Statement?: unknown }).Statement).filter((s): s is Record<string, unknown> => !!s && typeof s === 'object');
}

const bucketGlob = (pattern: string, bucket: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  ).test(bucket);

interface Probes {
  /** Object keys, each with the literal prefix it stands for. */
  keys: Map<string, string>;
  /** s3:prefix values for ListBucket (undefined: no prefix, a listing of the whole bucket). */
  listPrefixes: Set<string | undefined>;
}

/** The keys and list prefixes worth asking about, from every pattern the policies name. */
function probesFor(input: ReachInput): Probes {
  const { bucket, scope, subject } = input;
  const keys = new Map<string, string>([[`${scope}${PROBE}`, scope]]);
  const listPrefixes = new Set<string | undefined>([scope === '' ? undefined : scope]);
  const withUser = (s: string) => (subject.userName ? s.replace(/\$\{aws:username\}/gi, subject.userName) : s);
  const addKey = (keyPattern: string) => {
    const kp = withUser(keyPattern);
    const lit = literalPrefix(kp);
    if (lit.startsWith(scope)) keys.set(kp.replace(/\$\{[^}]*\}/g, 'x').replace(/[*?]/g, 'x'), lit);
    else if (scope.startsWith(lit)) keys.set(`${scope}${PROBE}`, scope);
  };
  const addListPrefix = (value: string) => {
    const lit = literalPrefix(withUser(value));
    if (lit.startsWith(scope)) listPrefixes.add(lit);
    else if (scope.startsWith(lit)) listPrefixes.add(scope);
  };
  for (const document of documentsOf(input.policies)) {
    for (const s of statementsOf(document)) {
      for (const r of [...strings(s.Resource), ...strings(s.NotResource)]) {
        const m = /^arn:[^:]*:s3:::([^/]*)\/(.*)$/.exec(r);
        if (m && bucketGlob(m[1]!, bucket)) addKey(m[2]!);
        // A bucket part with a wildcard and no key part ("arn:aws:s3:::*", "*") names keys too.
        else if (r === '*' || /^arn:[^:]*:s3:::[^/]*\*[^/]*$/.test(r)) addKey('*');
      }
      const condition = s.Condition;
      if (condition && typeof condition === 'object') {
        for (const block of Object.values(condition as Record<string, unknown>)) {
          if (!block || typeof block !== 'object') continue;
          for (const [key, values] of Object.entries(block as Record<string, unknown>)) {
            if (key.toLowerCase() === 's3:prefix') for (const v of strings(values)) addListPrefix(v);
          }
        }
      }
    }
  }
  return { keys, listPrefixes };
}

interface Best {
  answer?: AccessAnswer;
  /** Literal prefixes of the probes that were not denied. */
  reached: string[];
}

function longestCommonPrefix(values: readonly string[]): string {
  if (!values.length) return '';
  let prefix = values[0]!;
  for (const v of values) while (!v.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}

type Ask = (action: string, resource: string, context?: Record<string, string>) => AccessAnswer;

/** Keys the caller sets on its own request: it can send whichever value a policy wants. */
const CHOSEN_KEYS = ['s3:x-amz-acl', 's3:delimiter'];
/** Not the caller's choice, but the same caller may come from any of several addresses. */
const SOURCE_IP = 'aws:sourceip';
/** An address in no private range and (almost surely) in no policy: "somewhere else". */
const ELSEWHERE = '192.0.2.123';

interface Variants {
  /** Contexts the caller may choose between (each key absent, or set to a value a policy names). */
  chosen: Record<string, string>[];
  /** Source addresses worth trying (empty: no policy tests aws:SourceIp). */
  addresses: string[];
}

/**
 * The request contexts worth asking about. A policy that tests a key the caller sets (the ACL
 * header, the delimiter) is met by sending that value, so the best answer over them is what the
 * caller can do; a policy on aws:SourceIp makes the answer depend on where the caller is, so
 * answers that differ by address become conditional. Without this, an absent key would make an
 * Allow on an office address read "no", which looks safer than it is.
 */
function variantsOf(policies: PolicySet): Variants {
  const named = new Map<string, Set<string>>(CHOSEN_KEYS.map((k) => [k, new Set()]));
  const addresses = new Set<string>();
  for (const document of documentsOf(policies)) {
    for (const st of statementsOf(document)) {
      if (!st.Condition || typeof st.Condition !== 'object') continue;
      for (const block of Object.values(st.Condition as Record<string, unknown>)) {
        if (!block || typeof block !== 'object') continue;
        for (const [key, values] of Object.entries(block as Record<string, unknown>)) {
          const k = key.toLowerCase();
          if (k === SOURCE_IP) for (const v of strings(values)) addresses.add(v.split('/')[0]!);
          const set = named.get(k);
          if (set) for (const v of strings(values)) if (!/[*?]/.test(v)) set.add(v);
        }
      }
    }
  }
  let chosen: Record<string, string>[] = [{}];
  for (const [key, values] of named) chosen = chosen.flatMap((c) => [c, ...[...values].map((v) => ({ ...c, [key]: v }))]);
  if (addresses.size) addresses.add(ELSEWHERE);
  return { chosen: chosen.slice(0, 32), addresses: [...addresses] };
}

const better = (a: AccessAnswer | undefined, b: AccessAnswer) => (!a || RANK[b.decision] > RANK[a.decision] ? b : a);

/** The evaluator for this principal and bucket, with what the public may do taken out. */
function asker(input: ReachInput): Ask {
  const { subject, policies, account, now } = input;
  const base = { 'aws:SecureTransport': 'true', 'aws:CurrentTime': now.toISOString() };
  const variants = variantsOf(policies);
  const once = (action: string, resource: string, context: Record<string, string>): AccessAnswer => {
    const answer = evaluate(
      {
        principal: subject.principal,
        roleArn: subject.roleArn,
        action,
        resource,
        resourceAccount: account,
        context: { ...base, ...context },
      },
      policies,
    );
    if (answer.decision === 'Deny' || !input.publicDecision) return answer;
    return RANK[input.publicDecision(action, resource, context)] >= RANK[answer.decision] ? { decision: 'Deny', reasons: [] } : answer;
  };
  const chosenBest = (action: string, resource: string, context: Record<string, string>): AccessAnswer =>
    variants.chosen.reduce<AccessAnswer | undefined>((best, c) => better(best, once(action, resource, { ...c, ...context })), undefined)!;
  return (action, resource, context = {}) => {
    if (!variants.addresses.length) return chosenBest(action, resource, context);
    const answers = variants.addresses.map((ip) => chosenBest(action, resource, { 'aws:SourceIp': ip, ...context }));
    const best = answers.reduce<AccessAnswer | undefined>(better, undefined)!;
    if (answers.every((x) => x.decision === best.decision)) return best;
    return {
      decision: 'Conditional',
      reasons: best.reasons,
      unresolvedKeys: [...new Set([...(best.unresolvedKeys ?? []), 'aws:SourceIp'])].sort(),
    };
  };
}

/**
 * Whether the principal can list or read right under the scope (a key there, a listing of it): the
 * question --check asks of one client about another's prefix, two requests rather than a full reach.
 */
export function listOrReadAt(input: ReachInput): { list: AccessAnswer; read: AccessAnswer } {
  const ask = asker(input);
  const bucketArn = `arn:${input.partition}:s3:::${input.bucket}`;
  return {
    list: ask('s3:ListBucket', bucketArn, { 's3:prefix': input.scope }),
    read: ask('s3:GetObject', `${bucketArn}/${input.scope}${PROBE}`),
  };
}

/** The principal's reach in the bucket; undefined when it can do nothing there. */
export function reachIn(input: ReachInput): BucketReach | undefined {
  const { partition, bucket } = input;
  const bucketArn = `arn:${partition}:s3:::${bucket}`;
  const ask = asker(input);
  const probes = probesFor(input);
  const results = {} as Record<Capability, Best>;
  const consider = (best: Best, answer: AccessAnswer, lit: string) => {
    if (answer.decision === 'Deny') return;
    best.reached.push(lit);
    if (!best.answer || RANK[answer.decision] > RANK[best.answer.decision]) best.answer = answer;
  };
  for (const capability of ['read', 'write', 'delete'] as const) {
    const best: Best = { reached: [] };
    for (const [key, lit] of probes.keys)
      for (const action of OBJECT_ACTIONS[capability]) consider(best, ask(action, `${bucketArn}/${key}`), lit);
    results[capability] = best;
  }
  const list: Best = { reached: [] };
  for (const prefix of probes.listPrefixes) {
    consider(list, ask('s3:ListBucket', bucketArn, prefix === undefined ? {} : { 's3:prefix': prefix }), prefix ?? '');
  }
  results.list = list;
  const policy: Best = { reached: [] };
  for (const action of POLICY_ACTIONS) consider(policy, ask(action, bucketArn), input.scope);
  results.policy = policy;

  if (CAPABILITIES.every((c) => !results[c].answer)) return undefined;
  const reached = CAPABILITIES.filter((c) => c !== 'policy').flatMap((c) => results[c].reached);
  const answers = CAPABILITIES.map((c) => results[c].answer).filter((a): a is AccessAnswer => !!a);
  return {
    bucket,
    prefix: reached.length ? longestCommonPrefix(reached) : input.scope,
    capabilities: Object.fromEntries(CAPABILITIES.map((c) => [c, LEVEL[results[c].answer?.decision ?? 'Deny']])) as Record<
      Capability,
      Level
    >,
    decidedBy: [...new Set(answers.flatMap((a) => a.reasons.filter((r) => r.effect === 'Allow').map((r) => r.policy)))],
    conditions: [...new Set(answers.flatMap((a) => a.unresolvedKeys ?? []))].sort(),
  };
}
