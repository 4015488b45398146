/**
 * The access evaluator: Allow, Deny or Conditional for one request (who, action, resource,
 * context), from the policies that AWS would consult for an S3 request, decided the way AWS's
 * policy evaluation logic does:
 *
 *   explicit Deny anywhere (identity, group, boundary, session, bucket policy)  -> Deny
 *   same account:   identity Allow ∩ boundary ∩ session
 *                 ∪ bucket-policy Allow naming the caller itself (user ARN, session ARN, "*"):
 *                   not limited by the boundary nor the session policy
 *                 ∪ bucket-policy Allow naming the session's role: limited by both
 *                   (an Allow naming the account only delegates to IAM: it adds nothing,
 *                   except that sts:AssumeRole needs the trust policy, given as bucketPolicy,
 *                   to admit the account)
 *   other account:  (identity Allow ∩ boundary ∩ session) ∩ bucket-policy Allow naming the caller,
 *                   its role or its account
 *   anonymous:      bucket-policy Allow naming "*"
 *
 * Each statement's applicability is three-valued (see tri.ts), so a condition on a key that is not
 * resolved here makes the answer Conditional, naming the key, unless the rest already decides.
 * Pure: no AWS calls; the caller hands in the documents (as GetAccountAuthorizationDetails and
 * GetBucketPolicy return them, decoded) and a label for each.
 */
import { evaluateCondition } from './conditions';
import {
  type Context,
  type PrincipalInfo,
  type PrincipalMatch,
  actionMatches,
  describePrincipal,
  principalMatches,
  resourceMatches,
} from './matching';
import { type Tri, TRUE, and, known, not, or } from './tri';

/** A policy document with the label the answer names it by ("user alice inline s3-share.read-only"). */
export interface LabelledPolicy {
  label: string;
  document: unknown;
}

/** A group the principal belongs to, with its own policies. */
export interface GroupPolicies {
  name: string;
  inline: LabelledPolicy[];
  managed: LabelledPolicy[];
}

/**
 * Everything AWS consults for the request, shaped like one user's or role's entry in
 * GetAccountAuthorizationDetails, plus the bucket policy and a session policy.
 */
export interface PolicySet {
  inline?: LabelledPolicy[];
  managed?: LabelledPolicy[];
  groups?: GroupPolicies[];
  boundary?: LabelledPolicy;
  sessionPolicy?: LabelledPolicy;
  /** The resource policy: a bucket's policy (for sts:AssumeRole, the role's trust policy). */
  bucketPolicy?: LabelledPolicy;
}

export interface AccessRequest {
  /** A user, role or assumed-role session ARN; undefined for an anonymous request. */
  principal?: string;
  /** For an assumed-role session of a role with a path: the role's full ARN. */
  roleArn?: string;
  /** e.g. s3:GetObject (any case). */
  action: string;
  /** e.g. arn:aws:s3:::photos/a.jpg */
  resource: string;
  /** The account that owns the resource. */
  resourceAccount: string;
  /**
   * Context keys (s3:prefix, aws:SourceIp, aws:SecureTransport, aws:CurrentTime...).
   * aws:PrincipalArn, aws:PrincipalAccount and aws:username are derived from the principal
   * unless given.
   */
  context?: Record<string, string | string[]>;
}

export type Decision = 'Allow' | 'Deny' | 'Conditional';

/** A statement that took part in the answer. */
export interface Reason {
  policy: string;
  /** "statement 2 (Sid ReadObjects)". */
  statement: string;
  effect: 'Allow' | 'Deny';
}

export interface AccessAnswer {
  decision: Decision;
  /** For Deny: an explicit Deny statement decided it (else nothing allowed). */
  explicit?: boolean;
  /** The statements that decided (Allow: the grants used; Deny: the Deny statements, if any). */
  reasons: Reason[];
  /** For an implicit Deny: the sides that granted nothing ("no identity policy allows it"...). */
  missing?: string[];
  /** For Conditional: the context keys the answer depends on. */
  unresolvedKeys?: string[];
}

interface StatementResult extends Reason {
  applies: Tri;
  match: PrincipalMatch;
}

const asList = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const strings = (v: unknown) => asList(v).filter((x): x is string => typeof x === 'string');

function statementsOf(document: unknown): { statements: Record<string, unknown>[]; variables: boolean } {
  if (!document || typeof document !== 'object') return { statements: [], variables: false };
  const doc = document as { Statement?: unknown; Version?: unknown };
  const statements = asList(doc.Statement).filter((s): s is Record<string, unknown> => !!s && typeof s === 'object');
  // Policy variables exist only in 2012-10-17 documents; older ones read ${...} literally.
  return { statements, variables: doc.Version === '2012-10-17' };
}

function label(statement: Record<string, unknown>, index: number): string {
  const sid = typeof statement.Sid === 'string' && statement.Sid !== '' ? ` (Sid ${statement.Sid})` : '';
  return `statement ${index + 1}${sid}`;
}

/** Every statement of a policy, with whether it applies to the request. */
function analyse(
  policy: LabelledPolicy,
  request: AccessRequest,
  context: Context,
  who: PrincipalInfo,
  resourcePolicy: boolean,
  boundaryPresent: boolean,
): StatementResult[] {
  const { statements, variables } = statementsOf(policy.document);
  return statements.map((s, index) => {
    const effect = s.Effect === 'Deny' ? 'Deny' : 'Allow';
    const action =
      s.Action !== undefined
        ? strings(s.Action).some((p) => actionMatches(p, request.action))
        : !strings(s.NotAction).some((p) => actionMatches(p, request.action));
    const resource =
      s.Resource !== undefined
        ? or(...strings(s.Resource).map((p) => resourceMatches(p, request.resource, context, variables)))
        : not(or(...strings(s.NotResource).map((p) => resourceMatches(p, request.resource, context, variables))));
    let match: PrincipalMatch = 'direct';
    if (resourcePolicy) {
      if (s.Principal !== undefined) match = principalMatches(s.Principal, who);
      else if (s.NotPrincipal !== undefined) {
        // AWS: a Deny with NotPrincipal in a resource policy always denies a principal that has a
        // permissions boundary, whatever NotPrincipal lists.
        const listed = principalMatches(s.NotPrincipal, who) !== 'none';
        match = !listed || (effect === 'Deny' && boundaryPresent) ? 'direct' : 'none';
      } else match = 'none';
    }
    const applies = and(known(action), resource, known(match !== 'none'), evaluateCondition(s.Condition, context));
    return { policy: policy.label, statement: label(s, index), effect, applies, match };
  });
}

/** The request context: the caller's keys (lower-cased) plus what the principal implies. */
function contextOf(request: AccessRequest, who: PrincipalInfo): Context {
  const context = new Map<string, string[]>();
  if (who.arn !== undefined) context.set('aws:principalarn', [who.roleArn ?? who.arn]);
  if (who.account !== undefined) context.set('aws:principalaccount', [who.account]);
  if (who.userName !== undefined) context.set('aws:username', [who.userName]);
  for (const [k, v] of Object.entries(request.context ?? {})) context.set(k.toLowerCase(), Array.isArray(v) ? [...v] : [v]);
  return context;
}

interface Side {
  allow: Tri;
  allows: StatementResult[];
  denies: StatementResult[];
}

function side(results: StatementResult[], filter: (r: StatementResult) => boolean = () => true): Side {
  const allows = results.filter((r) => r.effect === 'Allow' && filter(r));
  const denies = results.filter((r) => r.effect === 'Deny');
  return { allow: or(...allows.map((r) => r.applies)), allows, denies };
}

const applying = (rs: StatementResult[]): Reason[] =>
  rs.filter((r) => r.applies.value === true).map(({ policy, statement, effect }) => ({ policy, statement, effect }));

export function evaluate(request: AccessRequest, policies: PolicySet): AccessAnswer {
  const who = describePrincipal(request.principal, request.roleArn);
  const context = contextOf(request, who);
  const hasBoundary = policies.boundary !== undefined;
  const run = (ps: (LabelledPolicy | undefined)[], resourcePolicy = false) =>
    ps.flatMap((p) => (p ? analyse(p, request, context, who, resourcePolicy, hasBoundary) : []));

  // An anonymous caller has no identity, boundary or session policies.
  const identityPolicies = who.anonymous
    ? []
    : [...(policies.inline ?? []), ...(policies.managed ?? []), ...(policies.groups ?? []).flatMap((g) => [...g.inline, ...g.managed])];
  const identity = side(run(identityPolicies));
  const boundary = side(run(who.anonymous ? [] : [policies.boundary]));
  const session = side(run(who.anonymous ? [] : [policies.sessionPolicy]));
  const bucketResults = run([policies.bucketPolicy], true);
  const direct = side(bucketResults, (r) => r.match === 'direct');
  const viaRole = side(bucketResults, (r) => r.match === 'role');
  const viaAccount = side(bucketResults, (r) => r.match === 'account');

  const boundaryAllows = hasBoundary && !who.anonymous ? boundary.allow : TRUE;
  const sessionAllows = policies.sessionPolicy && !who.anonymous ? session.allow : TRUE;
  // A role's trust policy must admit the caller even in its own account (AWS's rule for
  // sts:AssumeRole); a bucket policy need not, so an identity grant alone suffices there.
  const trustRequired = /^sts:/i.test(request.action) && policies.bucketPolicy !== undefined;
  const identityGrant = and(identity.allow, boundaryAllows, sessionAllows);
  const sameAccount = who.account !== undefined && who.account === request.resourceAccount;

  let allowed: Tri;
  let grants: StatementResult[];
  if (who.anonymous) {
    allowed = direct.allow;
    grants = direct.allows;
  } else if (sameAccount) {
    const delegated = trustRequired ? and(identityGrant, viaAccount.allow) : identityGrant;
    allowed = or(delegated, direct.allow, and(viaRole.allow, boundaryAllows, sessionAllows));
    grants = [
      ...(delegated.value === true
        ? [...identity.allows, ...boundary.allows, ...session.allows, ...(trustRequired ? viaAccount.allows : [])]
        : []),
      ...direct.allows,
      ...(and(viaRole.allow, boundaryAllows, sessionAllows).value === true ? viaRole.allows : []),
    ];
  } else {
    const bucketGrant = or(direct.allow, viaRole.allow, viaAccount.allow);
    allowed = and(identityGrant, bucketGrant);
    grants = [...identity.allows, ...boundary.allows, ...session.allows, ...direct.allows, ...viaRole.allows, ...viaAccount.allows];
  }

  const denyResults = [...identity.denies, ...boundary.denies, ...session.denies, ...direct.denies];
  const explicitDeny = or(...denyResults.map((r) => r.applies));

  if (explicitDeny.value === true) return { decision: 'Deny', explicit: true, reasons: applying(denyResults) };
  if (allowed.value === false) {
    const missing: string[] = [];
    if (who.anonymous || sameAccount) {
      if (!who.anonymous && identity.allow.value === false) missing.push('no identity policy allows it');
      if (!who.anonymous && identity.allow.value !== false && boundaryAllows.value === false)
        missing.push('the permissions boundary does not allow it');
      if (!who.anonymous && identity.allow.value !== false && sessionAllows.value === false)
        missing.push('the session policy does not allow it');
      missing.push(policies.bucketPolicy ? 'the bucket policy does not grant it to this principal' : 'there is no bucket policy');
    } else {
      if (identity.allow.value === false) missing.push('no identity policy allows it');
      if (boundaryAllows.value === false) missing.push('the permissions boundary does not allow it');
      if (sessionAllows.value === false) missing.push('the session policy does not allow it');
      if (or(direct.allow, viaRole.allow, viaAccount.allow).value === false)
        missing.push(
          policies.bucketPolicy
            ? 'the bucket policy does not grant it to this account'
            : 'there is no bucket policy (another account needs one)',
        );
    }
    return { decision: 'Deny', explicit: false, reasons: [], missing };
  }
  if (allowed.value === true && explicitDeny.value === false) return { decision: 'Allow', reasons: applying(grants) };

  const unresolvedKeys = [...new Set([...allowed.keys, ...explicitDeny.keys])].sort();
  const considered = [
    ...identity.allows,
    ...boundary.allows,
    ...session.allows,
    ...direct.allows,
    ...viaRole.allows,
    ...viaAccount.allows,
    ...denyResults,
  ];
  const undecided = considered.filter((r) => r.applies.value === undefined);
  return {
    decision: 'Conditional',
    reasons: [
      ...applying(considered.filter((r) => r.effect === 'Allow')),
      ...undecided.map(({ policy, statement, effect }) => ({ policy, statement, effect })),
    ],
    unresolvedKeys,
  };
}
