/**
 * The tags s3-share puts on what it creates (names in ownership.ts), given in the Create* call
 * itself so that there is never an untagged moment in which a later run could mistake it for
 * someone else's.
 */
import pkg from '../../package.json';
import { TAG_CREATED, TAG_GRANT, TAG_MADE_BY, TAG_EXPIRES, grantTagValue, tagTime, tagValue } from './ownership';

export interface Tag {
  Key: string;
  Value: string;
}

/** "s3-share/0.1.0": the value of TAG_MADE_BY. */
export const MADE_BY = tagValue(`s3-share/${pkg.version}`);

export interface GrantDescription {
  mode: string;
  buckets: readonly string[];
  prefixes?: readonly string[];
  expires?: Date;
}

/** made-by, created and grant (and expires, when the access ends), for a Create* call's Tags. */
export function creationTags(grant: GrantDescription, now: Date): Tag[] {
  return [
    { Key: TAG_MADE_BY, Value: MADE_BY },
    { Key: TAG_CREATED, Value: tagTime(now) },
    { Key: TAG_GRANT, Value: grantTagValue(grant.mode, grant.buckets, grant.prefixes ?? []) },
    ...(grant.expires ? [{ Key: TAG_EXPIRES, Value: tagTime(grant.expires) }] : []),
  ];
}

/**
 * The inline policy names s3-share has always written ("s3-share.read-only.1a2b3c4d"): a user
 * holding one and no tags was made by an s3-share from before the tags.
 */
export function isS3SharePolicyName(name: string): boolean {
  return /^s3-share\.[a-z-]+\.[0-9a-f]{8}$/.test(name);
}
