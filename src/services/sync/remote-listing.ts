/** The objects under a destination prefix, listed once (no per-file HEAD requests). */
import { paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import type { Destination } from './destination';

export interface RemoteObject {
  key: string;
  /** Relative to the prefix. */
  relativeKey: string;
  size: number;
  /** Whole seconds on S3 and moto. */
  lastModifiedMs: number;
  etag?: string;
}

export async function listRemote(s3: S3Client, dest: Destination): Promise<Map<string, RemoteObject>> {
  const found = new Map<string, RemoteObject>();
  const pages = paginateListObjectsV2({ client: s3, pageSize: 1000 }, { Bucket: dest.bucket, Prefix: dest.prefix || undefined });
  for await (const page of pages) {
    for (const o of page.Contents ?? []) {
      if (!o.Key || !o.Key.startsWith(dest.prefix)) continue;
      const relativeKey = o.Key.slice(dest.prefix.length);
      found.set(relativeKey, {
        key: o.Key,
        relativeKey,
        size: o.Size ?? 0,
        lastModifiedMs: o.LastModified?.getTime() ?? 0,
        etag: o.ETag,
      });
    }
  }
  return found;
}
