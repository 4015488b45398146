/**
 * Turning what the user asked for (buckets, an access mode or a template of their own, a prefix,
 * extra statements) into one policy document. The built-in templates are the JSON files in
 * policies/, imported so that esbuild bundles them: nothing is read from disk at run time.
 *
 * Several buckets give ONE document, each template rendered once per bucket and merged
 * (statements over all the buckets' ARNs), not one policy per bucket: a user's inline policies
 * share one 2,048-character budget, which per-bucket policies exhaust at three or four buckets.
 */
import publicBucketTemplate from '../../policies/public-bucket.json';
import readOnlyPrefixTemplate from '../../policies/read-only-prefix.json';
import readOnlyTemplate from '../../policies/read-only.json';
import readWritePrefixTemplate from '../../policies/read-write-prefix.json';
import readWriteTemplate from '../../policies/read-write.json';
import writeOnlyPrefixTemplate from '../../policies/write-only-prefix.json';
import writeOnlyTemplate from '../../policies/write-only.json';
import { UsageError } from '../errors';
import { loadIamCatalogue, validateActions, type ActionCatalogue } from './actions';
import { validateBucketName, validateBucketNames } from './bucket-names';
import {
  appendStatements,
  checkPolicyCharacters,
  mergePolicies,
  policySize,
  POLICY_SIZE_LIMITS,
  type PolicyTarget,
  validatePolicyShape,
  validateStatementShape,
  type PolicyDocument,
  type PolicyKind,
} from './documents';
import { parseJsonText } from './json-text';
import { BUCKET_PLACEHOLDER, PREFIX_PLACEHOLDER, checkPlaceholders, fillPlaceholders, usesPlaceholder } from './placeholders';
import { foldPrefixConditions, normalizePrefixes } from './prefixes';

export const ACCESS_MODES = ['read-only', 'write-only', 'read-write'] as const;
export type AccessMode = (typeof ACCESS_MODES)[number];

/** The template files, by mode and by whether a prefix is given. */
export const BUILT_IN_TEMPLATES: Record<AccessMode, { bucket: unknown; prefix: unknown }> & { 'public-bucket': unknown } = {
  'read-only': { bucket: readOnlyTemplate, prefix: readOnlyPrefixTemplate },
  'write-only': { bucket: writeOnlyTemplate, prefix: writeOnlyPrefixTemplate },
  'read-write': { bucket: readWriteTemplate, prefix: readWritePrefixTemplate },
  'public-bucket': publicBucketTemplate,
};

export interface PolicySpec {
  /** One or more bucket names; validated here. */
  buckets: readonly string[];
  /** A built-in template; read-write when neither mode nor template is given. */
  mode?: AccessMode;
  /** A folder: `alice` and `alice/` both mean `alice/`. */
  prefix?: string;
  /** Several folders (with `prefix`, if given): one policy covering all of them. */
  prefixes?: readonly string[];
  /** The text of a custom template, with $!BUCKET_NAME!$ and optionally $!PREFIX!$. */
  template?: string;
  /** Where the template came from, for messages ("--policy file p.json"). */
  templateSource?: string;
  /** Statements (JSON text, one statement object each) to add to the document. */
  statements?: readonly string[];
}

export interface RenderedPolicy {
  document: PolicyDocument;
  /** Things the user should know (a trailing slash added); print them on stderr. */
  notices: string[];
}

export interface RenderOptions {
  /** Where action names are checked; the iam-data catalogue unless a test passes another. */
  catalogue?: () => Promise<ActionCatalogue>;
  /**
   * Where the document is going. With several prefixes and a document over that limit, the
   * UsageError says how many of the prefixes fit; the size itself is still checkPolicySize's job.
   */
  target?: PolicyTarget;
}

/**
 * The template filled for every bucket and every folder, as one document. Each bucket's folders
 * are folded first (one ListBucket statement listing every folder's s3:prefix), then the buckets
 * merged by Resource, so n folders on m buckets cost far less than n*m copies of the template.
 */
function fillAll(template: PolicyDocument, buckets: readonly string[], prefixes: readonly string[]): PolicyDocument {
  if (prefixes.length === 0) return mergePolicies(buckets.map((bucket) => fillPlaceholders(template, { bucket })));
  return mergePolicies(
    buckets.flatMap((bucket) => foldPrefixConditions(prefixes.map((prefix) => fillPlaceholders(template, { bucket, prefix })))),
  );
}

/** The built-in template for a mode, filled for the given (already valid) buckets and prefixes. */
function renderBuiltIn(mode: AccessMode, buckets: readonly string[], prefixes: readonly string[]): PolicyDocument {
  const template = validatePolicyShape(
    BUILT_IN_TEMPLATES[mode][prefixes.length === 0 ? 'bucket' : 'prefix'],
    'identity',
    `built-in ${mode} template`,
  );
  return fillAll(template, buckets, prefixes);
}

/** The custom template filled for each bucket and merged, and the template itself (for action checks that name its own statement numbers). */
function renderCustom(
  text: string,
  source: string,
  buckets: readonly string[],
  prefixes: readonly string[],
  notices: string[],
): { document: PolicyDocument; template: PolicyDocument } {
  checkPlaceholders(text, source);
  const template = validatePolicyShape(parseJsonText(text, source), 'identity', source);
  if (usesPlaceholder(text, PREFIX_PLACEHOLDER) && prefixes.length === 0) {
    throw new UsageError(
      `${source} uses ${PREFIX_PLACEHOLDER} but no prefix was given: add --prefix, or remove ${PREFIX_PLACEHOLDER} from the template`,
    );
  }
  if (!usesPlaceholder(text, PREFIX_PLACEHOLDER) && prefixes.length > 0) {
    // A prefix the template ignores would leave the user believing the grant is narrower than it is.
    throw new UsageError(
      `${source} has no ${PREFIX_PLACEHOLDER}, so the prefix would be ignored: put ${PREFIX_PLACEHOLDER} where the folder belongs, or leave out --prefix`,
    );
  }
  if (!usesPlaceholder(text, BUCKET_PLACEHOLDER)) {
    notices.push(`${source} has no ${BUCKET_PLACEHOLDER}: it is used as written, and the bucket names given do not appear in it`);
  }
  return { document: fillAll(template, buckets, prefixes), template };
}

interface UserWritten {
  doc: PolicyDocument;
  source: string;
  /** A single --statement object is named by its option alone, not "statement 1". */
  single?: boolean;
}

/** Parses --statement texts: each one statement object, or an array of them. */
function parseStatements(texts: readonly string[], kind: PolicyKind): UserWritten[] {
  return texts.map((text, i) => {
    const source = texts.length === 1 ? '--statement' : `--statement ${i + 1}`;
    checkPlaceholders(text, source);
    if (usesPlaceholder(text, BUCKET_PLACEHOLDER) || usesPlaceholder(text, PREFIX_PLACEHOLDER)) {
      throw new UsageError(
        `${source} has a placeholder: placeholders are filled only in --policy templates, write the bucket name or folder itself`,
      );
    }
    const value = parseJsonText(text, source);
    if (Array.isArray(value)) return { doc: validatePolicyShape({ Version: '2012-10-17', Statement: value }, kind, source), source };
    return { doc: { Version: '2012-10-17', Statement: [validateStatementShape(value, kind, source)] }, source, single: true };
  });
}

/** The checks every document gets, then the action names of the parts the user wrote. */
async function finish(
  document: PolicyDocument,
  statementTexts: readonly string[],
  kind: PolicyKind,
  userWritten: UserWritten[],
  options: RenderOptions,
): Promise<PolicyDocument> {
  for (const extra of parseStatements(statementTexts, kind)) {
    document = appendStatements(document, extra.doc.Statement, extra.source);
    userWritten.push(extra);
  }
  if (kind === 'identity') checkPolicyCharacters(document, 'the policy');
  if (userWritten.length > 0) {
    const catalogue = await (options.catalogue ?? loadIamCatalogue)();
    for (const { doc, source, single } of userWritten) await validateActions(doc, catalogue, source, single ? () => '' : undefined);
  }
  return document;
}

/**
 * One identity policy for the spec: validated buckets and prefixes, the built-in template for the
 * mode or the custom template filled once per bucket and folder, merged, plus the extra
 * statements. Action names are checked against the IAM catalogue only when the user wrote some of
 * the policy. Throws UsageError for anything wrong; the size is left to checkPolicySize, which
 * knows where the document is going, except that several prefixes over options.target's limit
 * are refused here, with how many of them fit.
 */
export async function renderPolicy(spec: PolicySpec, options: RenderOptions = {}): Promise<RenderedPolicy> {
  const buckets = validateBucketNames(spec.buckets);
  const { prefixes, notices } = normalizePrefixes([...(spec.prefix !== undefined ? [spec.prefix] : []), ...(spec.prefixes ?? [])]);
  if (spec.template !== undefined && spec.mode !== undefined) {
    throw new UsageError(`a custom policy and --${spec.mode} conflict: use one of them (a custom policy says itself what it allows)`);
  }
  const userWritten: UserWritten[] = [];
  const source = spec.templateSource ?? 'the policy template';
  const compose = (folders: readonly string[], said: string[]): PolicyDocument =>
    spec.template !== undefined
      ? renderCustom(spec.template, source, buckets, folders, said).document
      : renderBuiltIn(spec.mode ?? 'read-write', buckets, folders);
  let document: PolicyDocument;
  if (spec.template !== undefined) {
    const custom = renderCustom(spec.template, source, buckets, prefixes, notices);
    document = custom.document;
    userWritten.push({ doc: custom.template, source });
  } else {
    document = compose(prefixes, notices);
  }
  document = await finish(document, spec.statements ?? [], 'identity', userWritten, options);
  if (options.target !== undefined && prefixes.length > 1) {
    const extras = parseStatements(spec.statements ?? [], 'identity').flatMap((e) => e.doc.Statement);
    checkPrefixBudget(document, prefixes, options.target, (k) =>
      policySize(appendStatements(compose(prefixes.slice(0, k), []), extras, '--statement')),
    );
  }
  return { document, notices };
}

const TARGET_NAMES: Record<PolicyTarget, string> = {
  'user-inline': "a user's inline policies",
  session: 'a session policy (temporary credentials)',
  managed: 'a managed policy',
  bucket: 'a bucket policy',
};

/**
 * Several prefixes over the target's limit: a UsageError naming how many of them (the first ones,
 * in the order given) fit, so the user can split the rest over other credentials. When not even
 * one fits, checkPolicySize's own message says why.
 */
function checkPrefixBudget(
  document: PolicyDocument,
  prefixes: readonly string[],
  target: PolicyTarget,
  sizeWith: (count: number) => number,
): void {
  const limit = POLICY_SIZE_LIMITS[target];
  const size = policySize(document);
  if (size <= limit) return;
  let fit = 0;
  while (fit < prefixes.length && sizeWith(fit + 1) <= limit) fit++;
  if (fit === 0) return;
  const n = (x: number) => x.toLocaleString('en-US');
  throw new UsageError(
    `the policy for ${prefixes.length} prefixes is ${n(size)} characters (not counting whitespace), over the ${n(limit)}-character limit of ${TARGET_NAMES[target]}: only ${fit} of the ${prefixes.length} prefixes fit (${fit === 1 ? prefixes[0] : `the first ${fit}, ${prefixes[0]} to ${prefixes[fit - 1]}`}); give the others to a second set of credentials`,
  );
}

/** The bucket policy that lets anyone on the internet read (GetObject) every object in `bucket`. */
export function publicBucketPolicy(bucket: string): PolicyDocument {
  validateBucketName(bucket);
  const template = validatePolicyShape(BUILT_IN_TEMPLATES['public-bucket'], 'resource', 'built-in public-bucket template');
  return fillPlaceholders(template, { bucket });
}

/** publicBucketPolicy plus extra statements (which, in a bucket policy, need a Principal). */
export async function renderPublicBucketPolicy(
  spec: { bucket: string; statements?: readonly string[] },
  options: RenderOptions = {},
): Promise<RenderedPolicy> {
  const document = await finish(publicBucketPolicy(spec.bucket), spec.statements ?? [], 'resource', [], options);
  return { document, notices: [] };
}
