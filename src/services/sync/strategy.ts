/**
 * Whether a local file must be uploaded: one small interface, three strategies, each with its
 * decision table. The transfer code never decides; the plan asks a strategy.
 */
import { localEtag, normaliseEtag } from '../transfer/part-size';
import type { LocalFile } from '../transfer/local-walk';
import type { RemoteObject } from './remote-listing';

/** Why a file is uploaded; undefined means it is skipped. */
export type UploadReason = 'new' | 'size' | 'newer' | 'checksum';

export interface SyncStrategy {
  readonly name: 'size-and-mtime' | 'size-only' | 'checksum';
  decide(local: LocalFile, remote: RemoteObject | undefined): Promise<UploadReason | undefined>;
}

/** S3 lists LastModified in whole seconds, so both sides are compared in whole seconds. */
const seconds = (ms: number) => Math.floor(ms / 1000);

/**
 * aws s3 sync's default.
 *
 *   remote    size      local mtime vs remote LastModified (whole s)   -> upload?
 *   missing   -         -                                               -> yes (new)
 *   exists    differs   -                                               -> yes (size)
 *   exists    same      newer                                           -> yes (newer)
 *   exists    same      same second or older                            -> no
 */
export const sizeAndMtime: SyncStrategy = {
  name: 'size-and-mtime',
  async decide(local, remote) {
    if (!remote) return 'new';
    if (local.size !== remote.size) return 'size';
    if (seconds(local.mtimeMs) > seconds(remote.lastModifiedMs)) return 'newer';
    return undefined;
  },
};

/**
 *   remote    size      -> upload?
 *   missing   -         -> yes (new)
 *   exists    differs   -> yes (size)
 *   exists    same      -> no
 */
export const sizeOnly: SyncStrategy = {
  name: 'size-only',
  async decide(local, remote) {
    if (!remote) return 'new';
    if (local.size !== remote.size) return 'size';
    return undefined;
  },
};

/**
 * Content comparison: the file's ETag is computed locally with the part size uploadFile would use
 * (MD5 for one part, md5-of-md5s-N for multipart).
 *
 *   remote    size      remote ETag               local ETag   -> upload?
 *   missing   -         -                         -            -> yes (new)
 *   exists    differs   -                         -            -> yes (size; nothing is read)
 *   exists    same      not MD5-style (SSE-KMS)   -            -> yes (checksum: cannot compare)
 *   exists    same      MD5-style                 differs      -> yes (checksum)
 *   exists    same      MD5-style                 equal        -> no
 */
export function checksumStrategy(etagOf: (local: LocalFile) => Promise<string> = (f) => localEtag(f.path, f.size)): SyncStrategy {
  return {
    name: 'checksum',
    async decide(local, remote) {
      if (!remote) return 'new';
      if (local.size !== remote.size) return 'size';
      const theirs = normaliseEtag(remote.etag);
      if (!theirs) return 'checksum';
      return (await etagOf(local)) === theirs ? undefined : 'checksum';
    },
  };
}
