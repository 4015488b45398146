/**
 * Where a sync goes: `s3://BUCKET[/PREFIX]` or `BUCKET[/PREFIX]`. The prefix is a folder: `dest`
 * means `dest/`, so a sync to s3://b/dest never touches s3://b/destination-sibling.txt.
 */
export interface Destination {
  bucket: string;
  /** '' (the whole bucket) or ending in '/'. */
  prefix: string;
}

/** Returns undefined when the text is not a bucket with an optional prefix. */
export function parseDestination(text: string): Destination | undefined {
  const rest = text.startsWith('s3://') ? text.slice(5) : text;
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  // Only the shape here; the command applies S3's naming rules (validateBucketName).
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{1,62}$/.test(bucket)) return undefined;
  const raw = slash < 0 ? '' : rest.slice(slash + 1);
  const prefix = raw.replace(/^\/+/, '');
  return { bucket, prefix: prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/` };
}

export function keyFor(dest: Destination, relativeKey: string): string {
  return dest.prefix + relativeKey;
}

export function describeDestination(dest: Destination): string {
  return `s3://${dest.bucket}/${dest.prefix}`;
}
