/**
 * Trust and assume-only policies: the documents `create` writes for its roles, and the readers
 * delete-user uses to tell whether a role was made for one user alone. Pure.
 */
import type { PolicyDocument } from './documents';
import { asList, statementsOf } from './statements';

/** A trust policy admitting principals of this account (narrowed by the condition, when given). */
export function accountTrustPolicy(partition: string, account: string, condition?: Record<string, unknown>) {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:${partition}:iam::${account}:root` },
        Action: 'sts:AssumeRole',
        ...(condition ? { Condition: condition } : {}),
      },
    ],
  };
}

/**
 * --role: the role trusts the account root, with a condition naming exactly the new user. Naming
 * the user as the Principal would be tighter to read but IAM refuses a principal created seconds
 * before ("Invalid principal in policy") until the user has propagated; a condition on
 * aws:PrincipalArn is a plain string, accepted at once, and admits only that user (whose own
 * policy must also allow sts:AssumeRole on the role, as it does).
 */
export function userOnlyTrustPolicy(partition: string, account: string, userArn: string) {
  return accountTrustPolicy(partition, account, { ArnEquals: { 'aws:PrincipalArn': userArn } });
}

/** The only right of a --role ("barren") user: assuming its role. */
export function assumeOnlyPolicy(roleArn: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [{ Sid: 'AssumeTheShareRole', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: roleArn }],
  };
}

/**
 * Role ARNs that Allow statements granting only sts:AssumeRole (and sts:TagSession) name
 * literally; a wildcard ARN names no particular role and is ignored.
 */
export function assumableRoleArns(documents: unknown[]): string[] {
  const arns = new Set<string>();
  for (const s of documents.flatMap(statementsOf)) {
    const actions = asList(s.Action);
    if (s.Effect !== 'Allow' || !actions.length) continue;
    if (!actions.every((a) => typeof a === 'string' && /^sts:(AssumeRole|TagSession)$/i.test(a))) continue;
    for (const r of asList(s.Resource)) {
      if (typeof r === 'string' && /^arn:aws[a-z-]*:iam::\d{12}:role\/[^*?]+$/.test(r)) arns.add(r);
    }
  }
  return [...arns];
}

/**
 * Whether a trust policy's Allow statements admit this user and nobody else: each statement
 * either names the user's ARN as its only principal, or names the account (root ARN or bare id)
 * with a condition aws:PrincipalArn (ArnEquals / StringEquals / ArnLike / StringLike) equal to
 * exactly the user's ARN, which is what `create --role` writes.
 */
export function trustNamesOnly(trustDocument: unknown, userArn: string): boolean {
  const allows = statementsOf(trustDocument).filter((s) => s.Effect === 'Allow');
  const account = /^arn:aws[a-z-]*:iam::(\d{12}):/.exec(userArn)?.[1];
  return (
    allows.length > 0 &&
    allows.every((s) => {
      const p = s.Principal;
      if (!p || typeof p !== 'object') return false;
      const entries = Object.entries(p as Record<string, unknown>).flatMap(([kind, v]) => asList(v).map((x) => [kind, String(x)] as const));
      if (entries.length !== 1 || entries[0]![0] !== 'AWS') return false;
      const principal = entries[0]![1];
      if (principal === userArn) return true;
      if (!account || (principal !== account && !/^arn:aws[a-z-]*:iam::\d{12}:root$/.test(principal)) || !principal.includes(account))
        return false;
      const condition = s.Condition;
      if (!condition || typeof condition !== 'object') return false;
      const checks = Object.entries(condition as Record<string, unknown>);
      const pinned = checks.some(
        ([op, kv]) =>
          /^(ArnEquals|StringEquals|ArnLike|StringLike)$/.test(op) &&
          !!kv &&
          typeof kv === 'object' &&
          Object.entries(kv as Record<string, unknown>).some(
            ([k, v]) => k.toLowerCase() === 'aws:principalarn' && asList(v).length === 1 && asList(v)[0] === userArn,
          ),
      );
      return pinned;
    })
  );
}
