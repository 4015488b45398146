import { GetPolicyCommand, GetPolicyVersionCommand, type IAMClient } from '@aws-sdk/client-iam';
import { decodePolicyDocument } from '../../policies/statements';

export interface ManagedPolicyReading {
  /** The default version's document; null when there is none. */
  document: unknown;
  /** How many users, groups and roles have it attached. */
  attachments: number;
}

/** A managed policy as it is in force: its default version's document, and who has it attached. */
export async function readManagedPolicy(iam: IAMClient, PolicyArn: string): Promise<ManagedPolicyReading> {
  const { Policy } = await iam.send(new GetPolicyCommand({ PolicyArn }));
  const VersionId = Policy?.DefaultVersionId;
  const version = VersionId ? await iam.send(new GetPolicyVersionCommand({ PolicyArn, VersionId })) : undefined;
  return { document: decodePolicyDocument(version?.PolicyVersion?.Document), attachments: Policy?.AttachmentCount ?? 0 };
}

/** The default version's document of a managed policy, fetched once per ARN. */
export function managedDocumentCache(iam: IAMClient): (arn: string) => Promise<unknown> {
  const cache = new Map<string, Promise<unknown>>();
  return (PolicyArn) => {
    let doc = cache.get(PolicyArn);
    if (!doc) {
      doc = readManagedPolicy(iam, PolicyArn).then((policy) => policy.document);
      cache.set(PolicyArn, doc);
    }
    return doc;
  };
}
