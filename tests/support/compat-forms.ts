// How the compatibility test runs each s3-credentials invocation form against s3-share: the
// arguments a form needs around it (a bucket, a key, a file), a sample value for every documented
// flag, and what each placeholder in the help's examples stands for. Pure: the e2e test supplies
// the context (real bucket names, files, credentials); the unit test checks that every form of the
// fixture has what it needs here, so a new s3-credentials flag fails a test until it is covered.
import type { InvocationForm } from './s3-credentials-help';

/**
 * Commands that s3-credentials documents and that other branches are adding right now. Their
 * forms are in the table but not run, and the test checks that each is indeed absent. After
 * merging those branches, empty this list: the test then runs their forms, and fails while any
 * of them is still listed here.
 */
export const COMMANDS_NOT_YET_ON_THIS_BRANCH: readonly string[] = ['set-bucket-policy', 'debug-bucket', 'localserver'];

/**
 * Flag spellings that other branches are adding to commands that exist here (the command runs;
 * only this spelling is not accepted yet). Same rule: empty after merging.
 */
export const SPELLINGS_NOT_YET_ON_THIS_BRANCH: readonly string[] = ['get-objects -p'];

/**
 * Forms that s3-share accepts but with another meaning, being changed on another branch: here the
 * test expects them to differ, and fails once they do the same thing. Empty after merging.
 */
export const BEHAVIOURS_NOT_YET_ON_THIS_BRANCH: ReadonlyArray<{ label: string; why: string }> = [
  {
    label: 'flag: get-objects --pattern',
    why: "s3-credentials matches with fnmatch, where '*' also matches '/'; s3-share's '*' stays within a folder",
  },
];

/** A long-running server: only that its command line parses is checked (it is killed after a moment). */
export const PARSE_ONLY_COMMANDS: readonly string[] = ['localserver'];

/**
 * Forms that s3-share refuses on purpose because s3-credentials would do something unsafe, with
 * the one-line reason it must give. Each entry is a decision, not a failure to fix.
 */
export const SAFER_BY_DESIGN: ReadonlyArray<{ label: RegExp; stderr: RegExp; why: string }> = [
  {
    label: /^example: delete-objects my-bucket --prefix my-folder\/$|^flag: delete-objects --prefix$/,
    stderr: /^error: --prefix deletes every object in the folder and this is not a terminal to confirm it: add --yes\n$/,
    why: 's3-credentials deletes a whole folder unasked; s3-share wants --yes (or a terminal to confirm)',
  },
];

/** What the e2e test knows when it builds a form's command line. */
export interface FormContext {
  /** A fresh bucket for this form, holding FIXTURE_OBJECTS. */
  bucket: string;
  /** A name for a bucket that does not exist yet. */
  newBucket: string;
  /** A fresh IAM user name (not created). */
  newUser: string;
  /** Users that exist, created for this form. */
  users: [string, string];
  /** The working directory of the run, holding FIXTURE_FILES. */
  dir: string;
  endpoint: string;
  admin: { accessKeyId: string; secretAccessKey: string };
  /** Temporary credentials of an admin role, for --session-token. */
  session: { accessKeyId: string; secretAccessKey: string; sessionToken: string };
  /** A JSON credentials file (the shape `create` prints) for -a/--auth. */
  authFile: string;
  /** A free loopback port. */
  port: number;
}

/** Objects every form's bucket starts with (what the help's examples name). */
export const FIXTURE_OBJECTS: Record<string, string> = {
  'hello.txt': 'hello from the bucket\n',
  'one.txt': 'one\n',
  'two.txt': 'two\n',
  'path/two.txt': 'path two\n',
  'path/code.js': 'console.log(1);\n',
  'my-folder/a.txt': 'a\n',
  'alice/x.txt': 'x\n',
};

/** Files every form's working directory starts with (relative paths). */
export const FIXTURE_FILES: Record<string, string> = {
  'one.txt': 'local one\n',
  'two.txt': 'local two\n',
  'file.txt': 'local file\n',
  'my-folder/a.txt': 'local a\n',
  'my-folder/b.txt': 'local b\n',
  'template.json': JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::$!BUCKET_NAME!$/*' }],
  }),
  'policy.json': JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'CompatRead', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::BUCKET/*' }],
  }),
};

/** What a form adds to the command line. */
export interface FlagUse {
  /** The words after the flag (none for a switch). */
  values?: string[];
  /** Other words the flag needs to make sense (--secret-key with --access-key, -c with --bucket-region). */
  extra?: string[];
  /** Replaces the command's usual positional arguments. */
  positional?: string[];
  /** Usual options (by long name) that this flag conflicts with, left out. */
  drop?: string[];
  /** Environment changes: undefined removes a variable. */
  env?: Record<string, string | undefined>;
}

export interface CommandBase {
  positional: (c: FormContext) => string[];
  /** Options every form of the command carries unless a form drops them (by long name). */
  defaults?: (c: FormContext) => Record<string, string[]>;
}

const bucketOnly: CommandBase = { positional: (c) => [c.bucket] };

/** The usual arguments of each command, for its flag forms. */
export const BASES: Record<string, CommandBase> = {
  create: {
    positional: (c) => [c.bucket],
    // A name of its own per form: a default name would be shared by forms running at once.
    defaults: (c) => ({ '--username': [c.newUser] }),
  },
  'debug-bucket': bucketOnly,
  'delete-objects': { positional: (c) => [c.bucket, 'one.txt'] },
  'delete-user': { positional: (c) => [c.users[0]] },
  'get-bucket-policy': bucketOnly,
  'get-cors-policy': bucketOnly,
  'get-object': { positional: (c) => [c.bucket, 'hello.txt'] },
  'get-objects': { positional: (c) => [c.bucket, 'hello.txt'] },
  'get-public-access-block': bucketOnly,
  'list-bucket': bucketOnly,
  'list-buckets': { positional: () => [] },
  'list-roles': { positional: () => [] },
  'list-user-policies': { positional: (c) => [c.users[0]] },
  'list-users': { positional: () => [] },
  localserver: { positional: (c) => [c.bucket], defaults: (c) => ({ '--duration': ['15m'], '--port': [String(c.port)] }) },
  policy: bucketOnly,
  'put-object': { positional: (c) => [c.bucket, 'uploaded.txt', 'file.txt'] },
  'put-objects': { positional: (c) => [c.bucket, 'one.txt', 'two.txt'] },
  'set-bucket-policy': { positional: (c) => [c.bucket], defaults: () => ({ '--allow-all-get': [] }) },
  'set-cors-policy': bucketOnly,
  // Both programs refuse a call that sets nothing.
  'set-public-access-block': { positional: (c) => [c.bucket], defaults: () => ({ '--block-public-acls': ['false'] }) },
  whoami: { positional: () => [] },
};

const noKeysInEnv = { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined };

/** A sample use of each documented flag: by 'command --long' first, then by '--long'. */
export const FLAG_USES: Record<string, (c: FormContext) => FlagUse> = {
  // The credential options every AWS command takes.
  '--access-key': (c) => ({ values: [c.admin.accessKeyId], extra: ['--secret-key', c.admin.secretAccessKey], env: noKeysInEnv }),
  '--secret-key': (c) => ({ values: [c.admin.secretAccessKey], extra: ['--access-key', c.admin.accessKeyId], env: noKeysInEnv }),
  '--session-token': (c) => ({
    values: [c.session.sessionToken],
    extra: ['--access-key', c.session.accessKeyId, '--secret-key', c.session.secretAccessKey],
    env: noKeysInEnv,
  }),
  '--endpoint-url': (c) => ({ values: [c.endpoint], env: { AWS_ENDPOINT_URL: undefined } }),
  '--auth': (c) => ({ values: [c.authFile], env: noKeysInEnv }),

  'create --format': () => ({ values: ['ini'] }),
  'create --duration': () => ({ values: ['15m'], drop: ['--username'] }),
  'create --username': (c) => ({ values: [c.newUser] }),
  'create --create-bucket': (c) => ({ positional: [c.newBucket] }),
  'create --prefix': () => ({ values: ['alice/'] }),
  'create --public': () => ({}),
  'create --website': () => ({}),
  'create --read-only': () => ({}),
  'create --write-only': () => ({}),
  'create --policy': () => ({ values: ['template.json'] }),
  'create --statement': (c) => ({
    values: [JSON.stringify({ Effect: 'Allow', Action: 's3:GetObjectTagging', Resource: `arn:aws:s3:::${c.bucket}/*` })],
  }),
  'create --bucket-region': (c) => ({ values: ['us-east-1'], extra: ['-c'], positional: [c.newBucket] }),
  'create --silent': () => ({}),
  'create --dry-run': () => ({}),
  'create --user-permissions-boundary': () => ({ values: ['none'] }),

  'delete-objects --prefix': (c) => ({ values: ['my-folder/'], positional: [c.bucket] }),
  'delete-objects --silent': () => ({}),
  'delete-objects --dry-run': () => ({}),

  'get-object --output': () => ({ values: ['downloaded.txt'] }),
  'get-objects --output': () => ({ values: ['downloads'] }),
  'get-objects --pattern': (c) => ({ values: ['*.txt'], positional: [c.bucket] }),
  'get-objects --silent': () => ({}),

  'list-bucket --prefix': () => ({ values: ['path/'] }),
  '--urls': () => ({}),
  '--details': () => ({}),
  '--nl': () => ({}),
  '--csv': () => ({}),
  '--tsv': () => ({}),

  'localserver --port': (c) => ({ values: [String(c.port)] }),
  'localserver --host': () => ({ values: ['127.0.0.1'] }),
  'localserver --read-only': () => ({}),
  'localserver --write-only': () => ({}),
  'localserver --prefix': () => ({ values: ['alice/'] }),
  'localserver --statement': (c) => ({
    values: [JSON.stringify({ Effect: 'Allow', Action: 's3:GetObjectTagging', Resource: `arn:aws:s3:::${c.bucket}/*` })],
  }),
  'localserver --duration': () => ({ values: ['1h'] }),

  'policy --read-only': () => ({}),
  'policy --write-only': () => ({}),
  'policy --prefix': () => ({ values: ['alice/'] }),
  'policy --statement': (c) => ({
    values: [JSON.stringify({ Effect: 'Allow', Action: 's3:GetObjectTagging', Resource: `arn:aws:s3:::${c.bucket}/*` })],
  }),
  'policy --public-bucket': () => ({}),

  'put-object --content-type': () => ({ values: ['text/plain'] }),
  'put-object --silent': () => ({}),
  'put-objects --prefix': () => ({ values: ['uploads'] }),
  'put-objects --silent': () => ({}),
  'put-objects --dry-run': () => ({}),

  'set-bucket-policy --policy-file': () => ({ values: ['policy.json'], drop: ['--allow-all-get'] }),
  'set-bucket-policy --allow-all-get': () => ({}),

  'set-cors-policy --allowed-method': () => ({ values: ['PUT'] }),
  'set-cors-policy --allowed-header': () => ({ values: ['Authorization'] }),
  'set-cors-policy --allowed-origin': () => ({ values: ['https://www.example.com'] }),
  'set-cors-policy --expose-header': () => ({ values: ['ETag'] }),
  'set-cors-policy --max-age-seconds': () => ({ values: ['600'] }),

  'set-public-access-block --block-public-acls': () => ({ values: ['false'] }),
  'set-public-access-block --ignore-public-acls': () => ({ values: ['false'] }),
  'set-public-access-block --block-public-policy': () => ({ values: ['false'] }),
  'set-public-access-block --restrict-public-buckets': () => ({ values: ['false'] }),
  'set-public-access-block --allow-public-access': () => ({ drop: ['--block-public-acls'] }),
};

/**
 * What each word of the help's examples stands for. A word missing here fails the unit test, so
 * an example with a new name cannot be run with a made-up meaning.
 */
export const EXAMPLE_WORDS: Record<string, (c: FormContext) => string[]> = {
  'my-bucket': (c) => [c.bucket],
  'my-existing-bucket': (c) => [c.bucket],
  'my-new-bucket': (c) => [c.newBucket],
  username: (c) => [c.users[0]],
  username1: (c) => [c.users[0]],
  username2: (c) => [c.users[1]],
  '/path/to/file.txt': () => ['file.txt'],
  'policy.json': () => ['policy.json'],
  // What the shell makes of the unquoted glob in `put-objects my-bucket my-folder/*`.
  'my-folder/*': () => ['my-folder/a.txt', 'my-folder/b.txt'],
};

/** Words of the examples used as they are: flags, values, keys and file names that exist in the fixtures. */
export const LITERAL_WORDS = new Set([
  '-c',
  '--read-only',
  '--write-only',
  '-d',
  '15m',
  '1h',
  '--duration',
  '--port',
  '9000',
  'one.txt',
  'two.txt',
  'path/two.txt',
  '--prefix',
  'my-folder/',
  'my-folder',
  'hello.txt',
  '-o',
  '--pattern',
  '*/*.js',
  '--csv',
  '--urls',
  '--details',
  'my-key.txt',
  '-',
  '--policy-file',
  '--allow-all-get',
  '--allowed-method',
  'GET',
  'PUT',
  '--allowed-origin',
  'https://www.example.com/',
  '--expose-header',
  'ETag',
  '--block-public-acls',
  'false',
  '--allow-public-access',
]);

/** The long name of a spelling of the form's option. */
export function flagUseFor(form: InvocationForm): ((c: FormContext) => FlagUse) | undefined {
  const long = form.option!.long;
  return FLAG_USES[`${form.command} ${long}`] ?? FLAG_USES[long];
}

/** The command line (after the command name) of an example form; the port of a server example becomes a free one. */
export function exampleArgs(form: InvocationForm, c: FormContext): string[] {
  const words = form.words!.slice(1);
  return words.flatMap((w, i) => {
    if (w === '9000' && words[i - 1] === '--port') return [String(c.port)];
    const mapped = EXAMPLE_WORDS[w];
    if (mapped) return mapped(c);
    if (LITERAL_WORDS.has(w)) return [w];
    throw new Error(`the example '${form.words!.join(' ')}' has the word ${w}, which the compatibility table does not know`);
  });
}

/** The command line (after the command name) of a flag form. */
export function flagArgs(form: InvocationForm, c: FormContext): { args: string[]; env?: Record<string, string | undefined> } {
  const use = flagUseFor(form);
  if (!use) throw new Error(`no sample value for ${form.command} ${form.option!.long}: add one to FLAG_USES`);
  const base = BASES[form.command];
  if (!base) throw new Error(`no usual arguments for ${form.command}: add it to BASES`);
  const u = use(c);
  const defaults = Object.entries(base.defaults?.(c) ?? {}).filter(
    ([long]) => long !== form.option!.long && !(u.drop ?? []).includes(long),
  );
  const args = [
    ...(u.positional ?? base.positional(c)),
    ...defaults.flatMap(([long, values]) => [long, ...values]),
    ...(u.extra ?? []),
    form.spelling!,
    ...(u.values ?? []),
  ];
  return { args, env: u.env };
}
