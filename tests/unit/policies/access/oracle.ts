/**
 * The IAM policy simulator (@cloud-copilot/iam-simulate) as an oracle for the access evaluator:
 * the same request and policies, handed to both. Test-only (the simulator is AGPL).
 */
import { anonymousPrincipal, runSimulation } from '@cloud-copilot/iam-simulate';
import type { AccessRequest, PolicySet } from '../../../../src/policies/access';

export type Verdict = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

/**
 * The context AWS fills in from the principal (the simulator leaves that to its caller): the
 * evaluator derives these itself, the oracle is handed them.
 */
export function principalContext(request: AccessRequest): Record<string, string | string[]> {
  const p = request.principal;
  if (p === undefined) return {};
  const m = /^arn:([^:]+):(iam|sts)::(\d{12}):(.+)$/.exec(p);
  if (!m) return {};
  const [, partition, service, account, rest] = m;
  const out: Record<string, string> = { 'aws:PrincipalAccount': account, 'aws:PrincipalArn': p };
  if (service === 'iam' && rest.startsWith('user/')) out['aws:username'] = rest.split('/').pop()!;
  if (service === 'sts' && rest.startsWith('assumed-role/'))
    out['aws:PrincipalArn'] = request.roleArn ?? `arn:${partition}:iam::${account}:role/${rest.split('/')[1]}`;
  return out;
}

export async function simulate(request: AccessRequest, policies: PolicySet): Promise<Verdict> {
  const anonymous = request.principal === undefined;
  const identity = anonymous
    ? []
    : [...(policies.inline ?? []), ...(policies.managed ?? []), ...(policies.groups ?? []).flatMap((g) => [...g.inline, ...g.managed])];
  const result = await runSimulation(
    {
      identityPolicies: identity.map((p) => ({ name: p.label, policy: p.document })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(policies.bucketPolicy ? { resourcePolicy: policies.bucketPolicy.document } : {}),
      ...(policies.boundary && !anonymous
        ? { permissionBoundaryPolicies: [{ name: policies.boundary.label, policy: policies.boundary.document }] }
        : {}),
      ...(policies.sessionPolicy && !anonymous ? { sessionPolicy: policies.sessionPolicy.document } : {}),
      request: {
        action: request.action,
        principal: anonymous ? anonymousPrincipal : request.principal!,
        resource: { accountId: request.resourceAccount, resource: request.resource },
        contextVariables: { ...principalContext(request), ...(request.context ?? {}) },
      },
    },
    {},
  );
  if (result.resultType === 'error')
    throw new Error(`simulation failed for ${request.action} ${request.resource}: ${JSON.stringify(result.errors)}`);
  return result.overallResult as Verdict;
}
