import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetUserPolicyCommand,
  paginateListAttachedUserPolicies,
  paginateListUserPolicies,
  paginateListUsers,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { createLimiter, mapOrdered, withLimit } from './concurrency';

export interface UserPolicyRecord {
  UserName: string;
  PolicyName: string;
  PolicyType: 'inline' | 'managed';
  PolicyArn?: string;
  Document: unknown;
}

export interface ListUserPoliciesInput {
  /** Users to read; every user in the account when empty. */
  users: string[];
  /** Requests in flight at most. */
  concurrency: number;
}

/** IAM returns policy documents URL-encoded. */
export function decodePolicyDocument(encoded: string | undefined): unknown {
  if (!encoded) return null;
  const text = decodeURIComponent(encoded);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * One record per user and policy (inline policies with their documents, then attached managed
 * policies with their default version's document), in user order. At most `concurrency` requests
 * are in flight; users are read ahead of output so that limit stays busy, and a managed policy
 * shared by many users is fetched once.
 */
export async function* listUserPolicies(iam: IAMClient, input: ListUserPoliciesInput): AsyncGenerator<UserPolicyRecord> {
  const client = withLimit(iam, createLimiter(input.concurrency));
  const managedDocs = new Map<string, Promise<unknown>>();
  const users = input.users.length ? input.users : allUserNames(client);
  for await (const records of mapOrdered(users, input.concurrency * 2, (user) => policiesOf(client, user, managedDocs))) {
    yield* records;
  }
}

async function* allUserNames(iam: IAMClient): AsyncGenerator<string> {
  for await (const page of paginateListUsers({ client: iam, pageSize: 1000 }, {})) {
    for (const u of page.Users ?? []) if (u.UserName) yield u.UserName;
  }
}

async function policiesOf(iam: IAMClient, UserName: string, managedDocs: Map<string, Promise<unknown>>): Promise<UserPolicyRecord[]> {
  const [inlineNames, attached] = await Promise.all([
    collect(paginateListUserPolicies({ client: iam }, { UserName }), (page) => page.PolicyNames ?? []),
    collect(paginateListAttachedUserPolicies({ client: iam }, { UserName }), (page) => page.AttachedPolicies ?? []),
  ]);
  const inline = inlineNames.map(async (PolicyName): Promise<UserPolicyRecord> => {
    const out = await iam.send(new GetUserPolicyCommand({ UserName, PolicyName }));
    return { UserName, PolicyName, PolicyType: 'inline', Document: decodePolicyDocument(out.PolicyDocument) };
  });
  const managed = attached.map(async ({ PolicyName = '', PolicyArn = '' }): Promise<UserPolicyRecord> => {
    let doc = managedDocs.get(PolicyArn);
    if (!doc) {
      doc = managedPolicyDocument(iam, PolicyArn);
      managedDocs.set(PolicyArn, doc);
    }
    return { UserName, PolicyName, PolicyType: 'managed', PolicyArn, Document: await doc };
  });
  return Promise.all([...inline, ...managed]);
}

async function collect<P, T>(pages: AsyncIterable<P>, items: (page: P) => T[]): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...items(page));
  return out;
}

async function managedPolicyDocument(iam: IAMClient, PolicyArn: string): Promise<unknown> {
  const policy = await iam.send(new GetPolicyCommand({ PolicyArn }));
  const VersionId = policy.Policy?.DefaultVersionId;
  if (!VersionId) return null;
  const version = await iam.send(new GetPolicyVersionCommand({ PolicyArn, VersionId }));
  return decodePolicyDocument(version.PolicyVersion?.Document);
}
