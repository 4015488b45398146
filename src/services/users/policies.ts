import {
  paginateGetAccountAuthorizationDetails,
  type AttachedPolicy,
  type EntityType,
  type GetAccountAuthorizationDetailsCommandOutput,
  type PolicyDetail,
  type UserDetail,
  GetUserPolicyCommand,
  paginateListAttachedUserPolicies,
  paginateListUserPolicies,
  paginateListUsers,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { errorCode } from '../../aws/errors';
import { collectItems } from '../../aws/pagination';
import { decodePolicyDocument } from '../../policies/statements';
import { createLimiter, mapOrdered, withLimit } from '../concurrency';
import { managedDocumentCache } from './managed-policy';

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

/**
 * One record per user and policy (inline policies with their documents, then attached managed
 * policies with their default version's document), in user order.
 *
 * For every user in the account, GetAccountAuthorizationDetails returns each user's inline
 * documents and attached policies in one paginated call (1 request per 1,000 users rather than
 * 3-4 per user); when the caller may not call it, or users are named, each user is read with its
 * own requests. Either way at most `concurrency` requests are in flight, users are read ahead of
 * output so that limit stays busy, and a managed policy shared by many users is fetched once.
 */
export async function* listUserPolicies(iam: IAMClient, input: ListUserPoliciesInput): AsyncGenerator<UserPolicyRecord> {
  const client = withLimit(iam, createLimiter(input.concurrency));
  const managedDocument = managedDocumentCache(client);
  const window = input.concurrency * 2;
  const listings = input.users.length ? undefined : await authorizationDetails(client);
  const records = listings
    ? mapOrdered(listings, window, (detail) =>
        recordsFor(
          detail.UserName ?? '',
          inlineFromDetail(detail.UserPolicyList ?? []),
          detail.AttachedManagedPolicies ?? [],
          managedDocument,
        ),
      )
    : mapOrdered(input.users.length ? input.users : allUserNames(client), window, (user) => readUser(client, user, managedDocument));
  for await (const batch of records) yield* batch;
}

/** Every user's details, or undefined when the caller may not call GetAccountAuthorizationDetails. */
async function authorizationDetails(iam: IAMClient): Promise<AsyncIterable<UserDetail> | undefined> {
  const pages = await authorizationDetailPages(iam, ['User']);
  return (
    pages &&
    (async function* () {
      for await (const page of pages) yield* page.UserDetailList ?? [];
    })()
  );
}

/**
 * The pages of GetAccountAuthorizationDetails for the given entity types (list-user-policies reads
 * users; access reads users, roles, groups and managed policies), or undefined when the caller may
 * not call it. The first page is read here, so that refusal shows before anything is written.
 */
export async function authorizationDetailPages(
  iam: IAMClient,
  filter: EntityType[],
): Promise<AsyncIterable<GetAccountAuthorizationDetailsCommandOutput> | undefined> {
  const pages = paginateGetAccountAuthorizationDetails({ client: iam, pageSize: 1000 }, { Filter: filter });
  let page: IteratorResult<GetAccountAuthorizationDetailsCommandOutput>;
  try {
    page = await pages.next();
  } catch (err) {
    if (errorCode(err) === 'AccessDenied') return undefined;
    throw err;
  }
  return (async function* () {
    for (; !page.done; page = await pages.next()) yield page.value;
  })();
}

function inlineFromDetail(list: PolicyDetail[]): Promise<InlinePolicy[]> {
  return Promise.resolve(list.map((p) => ({ PolicyName: p.PolicyName ?? '', Document: decodePolicyDocument(p.PolicyDocument) })));
}

async function* allUserNames(iam: IAMClient): AsyncGenerator<string> {
  for await (const page of paginateListUsers({ client: iam, pageSize: 1000 }, {})) {
    for (const u of page.Users ?? []) if (u.UserName) yield u.UserName;
  }
}

interface InlinePolicy {
  PolicyName: string;
  Document: unknown;
}

async function readUser(iam: IAMClient, UserName: string, managedDocument: (arn: string) => Promise<unknown>): Promise<UserPolicyRecord[]> {
  const [inlineNames, attached] = await Promise.all([
    collectItems(paginateListUserPolicies({ client: iam }, { UserName }), (page) => page.PolicyNames),
    collectItems(paginateListAttachedUserPolicies({ client: iam }, { UserName }), (page) => page.AttachedPolicies),
  ]);
  const inline = Promise.all(
    inlineNames.map(async (PolicyName) => {
      const out = await iam.send(new GetUserPolicyCommand({ UserName, PolicyName }));
      return { PolicyName, Document: decodePolicyDocument(out.PolicyDocument) };
    }),
  );
  return recordsFor(UserName, inline, attached, managedDocument);
}

async function recordsFor(
  UserName: string,
  inline: Promise<InlinePolicy[]>,
  attached: AttachedPolicy[],
  managedDocument: (arn: string) => Promise<unknown>,
): Promise<UserPolicyRecord[]> {
  const managed = attached.map(async ({ PolicyName = '', PolicyArn = '' }): Promise<UserPolicyRecord> => ({
    UserName,
    PolicyName,
    PolicyType: 'managed',
    PolicyArn,
    Document: await managedDocument(PolicyArn),
  }));
  const inlineRecords = (await inline).map((p): UserPolicyRecord => ({
    UserName,
    PolicyName: p.PolicyName,
    PolicyType: 'inline',
    Document: p.Document,
  }));
  return [...inlineRecords, ...(await Promise.all(managed))];
}
