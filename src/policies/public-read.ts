/**
 * debug-bucket's verdict: is the bucket readable by anyone on the internet, and why (or why not),
 * in one line (s3-credentials issue 86). Decided from what debug-bucket could read; anything it
 * could not read makes the answer "cannot tell" rather than a guess. Pure: no AWS, no printing.
 *
 *   policy lets anyone GetObject | RestrictPublicBuckets | verdict
 *   yes                          | off                   | public (through the policy)
 *   yes                          | on                    | not public: the block limits it to AWS services and the account
 *   no                           | -                     | ACL decides: AllUsers/AuthenticatedUsers READ lets anyone list,
 *                                |                       | unless IgnorePublicAcls is on or ACLs are disabled (BucketOwnerEnforced)
 */
import { publicReadStatements } from './bucket-policies';

export interface PublicReadFacts {
  bucket: string;
  /** The bucket policy's statements; null: no policy; a string: why it could not be read. */
  policy: unknown[] | null | string;
  /** GetBucketPolicyStatus's IsPublic, when AWS answered it. */
  policyIsPublic?: boolean;
  /** The four Block Public Access settings; null: none; a string: why they could not be read. */
  block: { RestrictPublicBuckets: boolean; IgnorePublicAcls: boolean; BlockPublicPolicy: boolean } | null | string;
  /** Object Ownership; a string other than the three settings: why it could not be read. */
  ownership: string;
  /** The bucket ACL's grants; a string: why it could not be read. */
  aclGrants: Array<{ Grantee?: { URI?: string; Type?: string; ID?: string }; Permission?: string }> | string;
}

export interface PublicReadVerdict {
  /** null: cannot tell from what could be read. */
  publiclyReadable: boolean | null;
  verdict: string;
}

const OWNERSHIP = new Set(['BucketOwnerEnforced', 'BucketOwnerPreferred', 'ObjectWriter']);
const EVERYONE = /\/groups\/global\/(AllUsers|AuthenticatedUsers)$/;

export function publicReadVerdict(f: PublicReadFacts): PublicReadVerdict {
  const b = f.bucket;
  const makePublic = `to make it public: s3-share set-bucket-policy ${b} --allow-all-get`;
  const account = 'account-level Block Public Access, which debug-bucket does not read, can still block it';
  const blockKnown = typeof f.block !== 'string';
  const block = typeof f.block === 'string' ? null : f.block;

  // The policy: which statements let anyone read objects (AWS's IsPublic overrules a "no").
  let readers: string[] | undefined;
  if (Array.isArray(f.policy)) readers = f.policyIsPublic === false ? [] : publicReadStatements(f.policy, b);
  else if (f.policy === null) readers = [];
  else if (f.policyIsPublic === false) readers = [];

  if (readers === undefined) {
    return {
      publiclyReadable: null,
      verdict: `cannot tell whether ${b} is public: its bucket policy could not be read (${f.policy as string})${/^AccessDenied/.test(f.policy as string) ? ': run debug-bucket with credentials allowed s3:GetBucketPolicy' : ''}`,
    };
  }
  if (readers.length) {
    const via = `its bucket policy lets anyone download objects (${readers.join(', ')})`;
    if (!blockKnown) {
      return {
        publiclyReadable: null,
        verdict: `cannot tell whether ${b} is public: ${via}, but its Block Public Access settings could not be read (${f.block as string})`,
      };
    }
    if (block?.RestrictPublicBuckets) {
      return {
        publiclyReadable: false,
        verdict: `${b} is not publicly readable: ${via}, but Block Public Access RestrictPublicBuckets limits it to AWS services and this account: to make it public, s3-share set-public-access-block ${b} --restrict-public-buckets false`,
      };
    }
    return { publiclyReadable: true, verdict: `${b} is publicly readable: ${via}; ${account}` };
  }

  // No public policy: the ACL, when ACLs count.
  const aclsDisabled = f.ownership === 'BucketOwnerEnforced';
  const ignored = aclsDisabled || block?.IgnorePublicAcls === true;
  const policyPart = f.policy === null ? 'it has no bucket policy' : 'no statement of its bucket policy lets anyone download objects';
  if (typeof f.aclGrants === 'string') {
    if (ignored) {
      const why = aclsDisabled ? 'ACLs are disabled (Object Ownership BucketOwnerEnforced)' : 'Block Public Access IgnorePublicAcls is on';
      return { publiclyReadable: false, verdict: `${b} is not publicly readable: ${policyPart}, and ${why}; ${makePublic}` };
    }
    return {
      publiclyReadable: null,
      verdict: `cannot tell whether ${b} is public: ${policyPart}, but its ACL could not be read (${f.aclGrants})${/^AccessDenied/.test(f.aclGrants) ? ': run debug-bucket with credentials allowed s3:GetBucketAcl' : ''}`,
    };
  }
  const open = f.aclGrants.filter((g) => EVERYONE.test(g.Grantee?.URI ?? '') && /^(READ|FULL_CONTROL)$/.test(g.Permission ?? ''));
  if (open.length) {
    const who = [...new Set(open.map((g) => EVERYONE.exec(g.Grantee!.URI!)![1]))].join(' and ');
    if (ignored) {
      const why = aclsDisabled ? 'ACLs are disabled (Object Ownership BucketOwnerEnforced)' : 'Block Public Access IgnorePublicAcls is on';
      return {
        publiclyReadable: false,
        verdict: `${b} is not publicly readable: ${policyPart}, and its ACL grants ${who} READ but ${why}, so S3 ignores that grant; ${makePublic}`,
      };
    }
    return {
      publiclyReadable: true,
      verdict: `${b} is publicly listable: its ACL grants ${who} READ, so anyone can list its objects (reading them needs a public object ACL or policy); remove the grant with aws s3api put-bucket-acl --bucket ${b} --acl private; ${account}`,
    };
  }
  const objectAcls =
    !ignored && OWNERSHIP.has(f.ownership)
      ? `; ACLs are enabled (Object Ownership ${f.ownership}), so single objects may still have public ACLs`
      : !ignored
        ? '; single objects may still have public ACLs (Object Ownership could not be read)'
        : '';
  const blocked = block?.BlockPublicPolicy
    ? ` (Block Public Access BlockPublicPolicy is on: turn it off first with s3-share set-public-access-block ${b} --block-public-policy false --restrict-public-buckets false)`
    : '';
  return {
    publiclyReadable: false,
    verdict: `${b} is not publicly readable: ${policyPart} and its ACL grants nothing to everyone${objectAcls}; ${makePublic}${blocked}`,
  };
}
