import { UsageError } from '../../errors';
import { keyPathProblem } from '../../policies/prefix';

/**
 * Where a sync goes: `s3://BUCKET[/PREFIX]` or `BUCKET[/PREFIX]`. The prefix is a folder: `dest`
 * means `dest/`, so a sync to s3://b/dest never touches s3://b/destination-sibling.txt.
 */
export interface Destination {
  bucket: string;
  /** '' (the whole bucket) or ending in '/'. */
  prefix: string;
}

/** The text with control characters shown as '?', so an error stays one line. */
const printable = (text: string) => text.replace(/[\x00-\x1f\x7f-\x9f]/g, '?');

/**
 * Returns undefined when the text is not a bucket with an optional prefix, and throws UsageError
 * when the prefix is one --prefix would refuse (`..`, `//`, a leading '/', pasted whitespace):
 * the keys would land somewhere the user did not mean.
 */
export function parseDestination(text: string): Destination | undefined {
  const rest = text.startsWith('s3://') ? text.slice(5) : text;
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  // Only the shape here; the command applies S3's naming rules (validateBucketName).
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{1,62}$/.test(bucket)) return undefined;
  const raw = slash < 0 ? '' : rest.slice(slash + 1);
  const problem = keyPathProblem(raw);
  if (problem) throw new UsageError(`destination folder '${printable(raw)}' of ${printable(text)} ${problem}`);
  return { bucket, prefix: raw === '' || raw.endsWith('/') ? raw : `${raw}/` };
}

export function keyFor(dest: Destination, relativeKey: string): string {
  return dest.prefix + relativeKey;
}

export function describeDestination(dest: Destination): string {
  return `s3://${dest.bucket}/${dest.prefix}`;
}
