/** --prefix FOLDER, for the commands that list, download, upload or delete objects. */
import type { Reporter } from '../../output/reporter';
import { normalizePrefix } from '../../policies/prefix';

/** --prefix names a folder, as in `policy`: 'alice' means 'alice/' (with a notice). */
export function folderOption(raw: string | undefined, reporter: Reporter): string | undefined {
  if (raw === undefined) return undefined;
  const { prefix, notice } = normalizePrefix(raw);
  if (notice) reporter.info(notice);
  return prefix;
}
