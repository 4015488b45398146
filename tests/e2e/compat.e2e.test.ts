// Scripts written for s3-credentials must work with s3-share: every invocation form its help
// documents (each example, and each spelling of each flag of each command, read from
// tests/fixtures/s3-credentials-help.md) run against the built CLI on moto. Each must be accepted
// and do the same thing: exit 0, print the documented shape, and have the documented effect, seen
// through a separate client. Also here: several --prefix values in one key (s3-credentials issue 56).
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { CreateRoleCommand, GetUserCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetBucketCorsCommand,
  GetObjectCommand,
  GetPublicAccessBlockCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutBucketCorsCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
} from '@aws-sdk/client-s3';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import {
  BEHAVIOURS_NOT_YET_ON_THIS_BRANCH,
  COMMANDS_NOT_YET_ON_THIS_BRANCH,
  FIXTURE_FILES,
  FIXTURE_OBJECTS,
  PARSE_ONLY_COMMANDS,
  SAFER_BY_DESIGN,
  SPELLINGS_NOT_YET_ON_THIS_BRANCH,
  exampleArgs,
  flagArgs,
  type FormContext,
} from '../support/compat-forms';
import {
  adminClients,
  clientsFor,
  createTestUser,
  describeE2E,
  expectAllowed,
  expectDenied,
  motoState,
  runCli,
  uniqueName,
  type CliResult,
  type Clients,
} from '../support/e2e';
import { invocationForms, loadHelp, type InvocationForm } from '../support/s3-credentials-help';

const forms = invocationForms(loadHelp());
const commands = [...new Set(forms.map((f) => f.command))];

/** A few CLI runs at once: moto and the machine are shared, and more only queues. */
const PARALLEL = 4;

async function pool<T, R>(items: readonly T[], width: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i]!);
      }
    }),
  );
  return results;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const bodyOf = async (c: Clients, Bucket: string, Key: string) =>
  (await c.s3.send(new GetObjectCommand({ Bucket, Key }))).Body!.transformToString();
const exists = (c: Clients, Bucket: string, Key: string) =>
  c.s3.send(new HeadObjectCommand({ Bucket, Key })).then(
    () => true,
    (err: { $metadata?: { httpStatusCode?: number } }) => {
      if (err.$metadata?.httpStatusCode === 404) return false;
      throw err;
    },
  );

/** The shape of what a record-listing command printed, by its format flag. */
function recordsProblem(r: CliResult, args: string[], keys: string[]): string | undefined {
  if (args.includes('--csv')) return r.stdout.split('\n')[0]!.split(',').includes(keys[0]!) ? undefined : `CSV header lacks ${keys[0]}`;
  if (args.includes('--tsv')) return r.stdout.split('\n')[0]!.split('\t').includes(keys[0]!) ? undefined : `TSV header lacks ${keys[0]}`;
  const records = args.includes('--nl')
    ? r.stdout
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>)
    : (JSON.parse(r.stdout) as Array<Record<string, unknown>>);
  const missing = keys.filter((k) => records.length > 0 && !(k in records[0]!));
  return missing.length ? `records lack ${missing.join(', ')}` : undefined;
}

type Check = (r: CliResult, args: string[], c: FormContext, admin: Clients) => Promise<string | undefined>;

/** What s3-credentials documents each command to print and do, checked after each form. */
const CHECKS: Record<string, Check> = {
  async create(r, args, c) {
    if (args.includes('--dry-run')) return r.stdout.includes('SecretAccessKey":"') ? 'a dry run printed a secret' : undefined;
    let creds: { AccessKeyId: string; SecretAccessKey: string; SessionToken?: string };
    if (args.includes('-f') || args.includes('--format')) {
      // s3-credentials prints a [default] profile; s3-share names it, keeping the same two keys.
      const id = /^aws_access_key_id\s*=\s*(\S+)$/m.exec(r.stdout)?.[1];
      const secret = /^aws_secret_access_key\s*=\s*(\S+)$/m.exec(r.stdout)?.[1];
      if (!/^\[[^\]]+\]$/m.test(r.stdout) || !id || !secret) return `not an INI profile: ${r.stdout.slice(0, 80)}`;
      creds = { AccessKeyId: id, SecretAccessKey: secret };
    } else {
      const printed = JSON.parse(r.stdout) as Record<string, string>;
      const temporary = args.includes('-d') || args.includes('--duration');
      const documented = temporary
        ? ['AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration']
        : ['UserName', 'AccessKeyId', 'SecretAccessKey'];
      const missing = documented.filter((k) => !(k in printed));
      if (missing.length) return `printed no ${missing.join(', ')}`;
      if (temporary && Object.keys(printed).sort().join() !== [...documented].sort().join()) {
        return `temporary credentials should be exactly ${documented.join(', ')}, got ${Object.keys(printed).join(', ')}`;
      }
      creds = printed as typeof creds;
    }
    // The key does what the form asks for, through a client of its own.
    const key = clientsFor({ accessKeyId: creds.AccessKeyId, secretAccessKey: creds.SecretAccessKey, sessionToken: creds.SessionToken });
    const bucket = args.includes('-c') || args.includes('--create-bucket') ? c.newBucket : c.bucket;
    try {
      if (args.includes('--write-only')) {
        await expectAllowed(key.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'from-key.txt', Body: 'k' })));
        await expectDenied(key.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'hello.txt' })));
      } else if (args.includes('--prefix')) {
        await expectAllowed(key.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'alice/x.txt' })));
        await expectDenied(key.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'hello.txt' })));
      } else if (bucket === c.newBucket) {
        await expectAllowed(key.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'from-key.txt', Body: 'k' })));
      } else {
        await expectAllowed(key.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'hello.txt' })));
      }
      if (args.includes('--read-only')) await expectDenied(key.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'ro.txt', Body: 'x' })));
    } catch (err) {
      return (err as Error).message;
    }
    return undefined;
  },
  async 'delete-objects'(_r, args, c, admin) {
    const keys = args.includes('--prefix') ? ['my-folder/a.txt'] : args.filter((a) => a in FIXTURE_OBJECTS);
    const dry = args.includes('-d') || args.includes('--dry-run');
    for (const key of keys) {
      if ((await exists(admin, c.bucket, key)) !== dry) return `${key} ${dry ? 'was deleted by a dry run' : 'is still there'}`;
    }
    if (!args.includes('--prefix') && (await exists(admin, c.bucket, 'hello.txt')) === false) return 'deleted a key it was not given';
    return undefined;
  },
  async 'delete-user'(_r, args, c, admin) {
    const gone = await admin.iam.send(new GetUserCommand({ UserName: c.users[0] })).then(
      () => false,
      (err: { name?: string }) => err.name === 'NoSuchEntity' || err.name === 'NoSuchEntityException',
    );
    if (!gone) return `${c.users[0]} still exists`;
    if (args.includes(c.users[1])) {
      const second = await admin.iam.send(new GetUserCommand({ UserName: c.users[1] })).then(
        () => false,
        () => true,
      );
      if (!second) return `${c.users[1]} still exists`;
    }
    return undefined;
  },
  async 'get-bucket-policy'(r) {
    return (JSON.parse(r.stdout) as { Statement?: unknown[] }).Statement?.length ? undefined : 'no Statement printed';
  },
  async 'get-cors-policy'(r) {
    return r.stdout.includes('AllowedMethods') ? undefined : `no CORS rules printed: ${r.stdout.slice(0, 80)}`;
  },
  async 'get-object'(r, args, c) {
    const o = ['-o', '--output'].find((f) => args.includes(f));
    const text = o ? fs.readFileSync(path.join(c.dir, args[args.indexOf(o) + 1]!), 'utf8') : r.stdout;
    return text === FIXTURE_OBJECTS['hello.txt'] ? undefined : `got ${JSON.stringify(text.slice(0, 40))}`;
  },
  async 'get-objects'(_r, args, c) {
    // Its help says 'a directory called my-bucket', but s3-credentials' code writes to '.' (as
    // s3-share does): `output_dir = pathlib.Path(output or ".")`. The code is what scripts rely on.
    const o = ['-o', '--output'].find((f) => args.includes(f));
    const into = o ? path.join(c.dir, args[args.indexOf(o) + 1]!) : c.dir;
    const named = args.filter((a) => a in FIXTURE_OBJECTS);
    const pattern =
      args.includes('--pattern') || args.includes('-p') ? args[args.indexOf(args.includes('-p') ? '-p' : '--pattern') + 1]! : undefined;
    const want = named.length
      ? named
      : pattern === '*/*.js'
        ? ['path/code.js']
        : pattern === '*.txt' // fnmatch: '*' crosses '/'
          ? Object.keys(FIXTURE_OBJECTS).filter((k) => k.endsWith('.txt'))
          : Object.keys(FIXTURE_OBJECTS);
    const missing = want.filter(
      (k) => !fs.existsSync(path.join(into, k)) || fs.readFileSync(path.join(into, k), 'utf8') !== FIXTURE_OBJECTS[k],
    );
    return missing.length ? `not downloaded into ${path.relative(c.dir, into) || '.'}: ${missing.join(', ')}` : undefined;
  },
  async 'get-public-access-block'(r) {
    return r.stdout.includes('BlockPublicAcls') ? undefined : `no settings printed: ${r.stdout.slice(0, 80)}`;
  },
  async 'list-bucket'(r, args) {
    const keys = ['Key', 'LastModified', 'ETag', 'Size', 'StorageClass', ...(args.includes('--urls') ? ['URL'] : [])];
    return recordsProblem(r, args, keys);
  },
  async 'list-buckets'(r, args, c) {
    if (!r.stdout.includes(c.bucket)) return 'the bucket is not listed';
    return recordsProblem(r, args, ['Name', 'CreationDate']);
  },
  async 'list-roles'(r, args) {
    return recordsProblem(r, args, ['RoleName', 'Arn']);
  },
  async 'list-user-policies'(r, _args, c) {
    return r.stdout.includes(c.users[0]) ? undefined : 'the user is not in the output';
  },
  async 'list-users'(r, args) {
    return recordsProblem(r, args, ['UserName', 'Arn']);
  },
  async policy(r, args) {
    const doc = JSON.parse(r.stdout) as { Statement: Array<{ Principal?: unknown }> };
    if (!doc.Statement?.length) return 'no Statement';
    if (args.includes('--public-bucket') && doc.Statement[0]!.Principal !== '*') return 'not a public bucket policy';
    return undefined;
  },
  async 'put-object'(_r, args, c, admin) {
    const key = args[2]!;
    const want = args[3] === '-' ? 'Hello\n' : FIXTURE_FILES['file.txt'];
    const got = await bodyOf(admin, c.bucket, key);
    return got === want ? undefined : `${key} holds ${JSON.stringify(got)}`;
  },
  async 'put-objects'(_r, args, c, admin) {
    const dry = args.includes('--dry-run');
    const prefix = args.includes('--prefix') ? `${args[args.indexOf('--prefix') + 1]!.replace(/\/$/, '')}/` : '';
    // [key, local file]: a directory keeps its name in the keys; files (the shell's expansion of
    // my-folder/* included) land at the root of the bucket, or under --prefix.
    const uploads = args
      .slice(2)
      .filter((a, i, all) => all[i - 1] !== '--prefix' && (a in FIXTURE_FILES || a === 'my-folder'))
      .flatMap((f): Array<[string, string]> =>
        f === 'my-folder'
          ? [
              ['my-folder/a.txt', 'my-folder/a.txt'],
              ['my-folder/b.txt', 'my-folder/b.txt'],
            ]
          : [[`${prefix}${path.basename(f)}`, f]],
      );
    if (uploads.length === 0) return 'the check found no files in the command line';
    for (const [key, local] of uploads) {
      const uploaded = (await exists(admin, c.bucket, key)) && (await bodyOf(admin, c.bucket, key)) === FIXTURE_FILES[local];
      if (uploaded === dry) return `${key} ${dry ? 'was uploaded by a dry run' : `does not hold the local ${local}`}`;
    }
    return undefined;
  },
  async 'set-cors-policy'(_r, args, c, admin) {
    const rules = (await admin.s3.send(new GetBucketCorsCommand({ Bucket: c.bucket }))).CORSRules ?? [];
    const methods = rules.flatMap((x) => x.AllowedMethods ?? []);
    const want = args.includes('PUT') ? 'PUT' : 'GET';
    return methods.includes(want) ? undefined : `CORS allows ${methods.join(',')}, not ${want}`;
  },
  async 'set-public-access-block'(_r, args, c, admin) {
    const got = (await admin.s3.send(new GetPublicAccessBlockCommand({ Bucket: c.bucket }))).PublicAccessBlockConfiguration ?? {};
    const settings: Record<string, keyof typeof got> = {
      '--block-public-acls': 'BlockPublicAcls',
      '--ignore-public-acls': 'IgnorePublicAcls',
      '--block-public-policy': 'BlockPublicPolicy',
      '--restrict-public-buckets': 'RestrictPublicBuckets',
    };
    const wrong = Object.entries(settings).filter(
      ([flag, key]) => (args.includes('--allow-public-access') || args.includes(flag)) && got[key] !== false,
    );
    return wrong.length ? `not turned off: ${wrong.map(([, k]) => k).join(', ')}` : undefined;
  },
  async whoami(r) {
    const id = JSON.parse(r.stdout) as Record<string, unknown>;
    const missing = ['UserId', 'Account', 'Arn'].filter((k) => !(k in id));
    return missing.length ? `printed no ${missing.join(', ')}` : undefined;
  },
};

describeE2E('s3-credentials compatibility: every documented invocation form, on moto', () => {
  let admin: Clients;
  let session: FormContext['session'];
  let adminArn: string;

  beforeAll(async () => {
    admin = adminClients();
    adminArn = (await admin.sts.send(new GetCallerIdentityCommand({}))).Arn!;
    // --session-token needs temporary credentials that can do what the admin can.
    const RoleName = uniqueName('compat-admin');
    await admin.iam.send(
      new CreateRoleCommand({
        RoleName,
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { AWS: adminArn }, Action: 'sts:AssumeRole' }],
        }),
      }),
    );
    await admin.iam.send(
      new PutRolePolicyCommand({
        RoleName,
        PolicyName: 'all',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }),
      }),
    );
    const account = adminArn.split(':')[4];
    const { Credentials } = await admin.sts.send(
      new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/${RoleName}`, RoleSessionName: 'compat' }),
    );
    session = {
      accessKeyId: Credentials!.AccessKeyId!,
      secretAccessKey: Credentials!.SecretAccessKey!,
      sessionToken: Credentials!.SessionToken!,
    };
  });

  /** A fresh bucket, users, files and port for one form, so forms can run at once. */
  async function contextFor(form: InvocationForm): Promise<FormContext> {
    const { endpoint, admin: adminKeys } = motoState();
    const bucket = uniqueName('compat');
    await admin.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await Promise.all(
      Object.entries(FIXTURE_OBJECTS).map(([Key, Body]) => admin.s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body }))),
    );
    if (form.command === 'get-bucket-policy') {
      const policy = {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }],
      };
      await admin.s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(policy) }));
    }
    if (form.command === 'get-cors-policy') {
      await admin.s3.send(
        new PutBucketCorsCommand({
          Bucket: bucket,
          CORSConfiguration: { CORSRules: [{ AllowedMethods: ['GET'], AllowedOrigins: ['*'] }] },
        }),
      );
    }
    if (form.command === 'get-public-access-block') {
      await admin.s3.send(
        new PutPublicAccessBlockCommand({
          Bucket: bucket,
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            IgnorePublicAcls: true,
            BlockPublicPolicy: true,
            RestrictPublicBuckets: true,
          },
        }),
      );
    }
    const needsUsers = form.command === 'delete-user' || form.command === 'list-user-policies';
    const users: [string, string] = [uniqueName('compat-u1'), uniqueName('compat-u2')];
    if (needsUsers) {
      for (const u of users) {
        await createTestUser(u, {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }],
        });
      }
    }
    const dir = fs.mkdtempSync(path.join(motoScratch(), 'compat-'));
    // Downloads start in an empty directory, as a script's would.
    const files = form.command === 'get-objects' ? [] : Object.entries(FIXTURE_FILES);
    for (const [file, text] of files) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text.replace('arn:aws:s3:::BUCKET', `arn:aws:s3:::${bucket}`));
    }
    const authFile = path.join(dir, 'auth.json');
    fs.writeFileSync(authFile, JSON.stringify({ AccessKeyId: adminKeys.accessKeyId, SecretAccessKey: adminKeys.secretAccessKey }));
    return {
      bucket,
      newBucket: uniqueName('compat-new'),
      newUser: uniqueName('compat-user'),
      users,
      dir,
      endpoint,
      admin: adminKeys,
      session,
      authFile,
      port: await freePort(),
    };
  }

  /** Empties and deletes a form's bucket, so that hundreds of them do not slow other tests' listings. */
  async function removeBucket(Bucket: string): Promise<void> {
    try {
      const listed = await admin.s3.send(new ListObjectsV2Command({ Bucket }));
      const Objects = (listed.Contents ?? []).map(({ Key }) => ({ Key: Key! }));
      if (Objects.length) await admin.s3.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects } }));
      await admin.s3.send(new DeleteBucketCommand({ Bucket }));
    } catch (err) {
      if ((err as { name?: string }).name !== 'NoSuchBucket') throw err;
    }
  }

  /** Runs one form; returns what is wrong with it, or undefined. */
  async function runForm(form: InvocationForm): Promise<string | undefined> {
    const c = await contextFor(form);
    try {
      return await runFormIn(form, c);
    } finally {
      await removeBucket(c.bucket);
      await removeBucket(c.newBucket);
    }
  }

  async function runFormIn(form: InvocationForm, c: FormContext): Promise<string | undefined> {
    const built = form.kind === 'example' ? { args: exampleArgs(form, c), env: undefined } : flagArgs(form, c);
    const args = [form.command, ...built.args];
    const parseOnly = PARSE_ONLY_COMMANDS.includes(form.command);
    const r = await runCli(args, { cwd: c.dir, input: form.input, env: built.env, timeoutMs: parseOnly ? 4000 : 30_000 });
    // Failure messages name the command line, but never a secret in it.
    const secret = (i: number) => ['--secret-key', '--session-token'].includes(args[i - 1] ?? '');
    const shown = `${form.label} (s3-share ${args
      .map((a, i) => (secret(i) ? '***' : a))
      .join(' ')
      .slice(0, 160)})`;
    const safer = SAFER_BY_DESIGN.find((s) => s.label.test(form.label));
    if (safer)
      return r.code === 2 && safer.stderr.test(r.stderr)
        ? undefined
        : `${shown}: expected the refusal (${safer.why}), got exit ${r.code}: ${r.stderr.trim()}`;
    if (parseOnly) return r.code === 2 ? `${shown}: not accepted: ${r.stderr.trim()}` : undefined;
    const problem = await outcomeProblem(form, r, args, c);
    const pending = BEHAVIOURS_NOT_YET_ON_THIS_BRANCH.find((b) => b.label === form.label);
    if (pending)
      return problem ? undefined : `${shown}: now does what s3-credentials documents: remove it from BEHAVIOURS_NOT_YET_ON_THIS_BRANCH`;
    return problem ? `${shown}: ${problem}` : undefined;
  }

  async function outcomeProblem(form: InvocationForm, r: CliResult, args: string[], c: FormContext): Promise<string | undefined> {
    if (r.code !== 0) return `exit ${r.code}: ${r.stderr.trim().split('\n').slice(-2).join(' | ')}`;
    try {
      return await CHECKS[form.command]?.(r, args, c, admin);
    } catch (err) {
      return `${(err as Error).message} (stdout: ${r.stdout.slice(0, 120)})`;
    }
  }

  const present = commands.filter((name) => !COMMANDS_NOT_YET_ON_THIS_BRANCH.includes(name));
  test.each(present)(
    '%s: every documented form is accepted and does what s3-credentials documents',
    async (command) => {
      const mine = forms.filter((f) => f.command === command && !SPELLINGS_NOT_YET_ON_THIS_BRANCH.includes(`${f.command} ${f.spelling}`));
      expect(mine.length).toBeGreaterThan(0);
      // list-buckets --details reads every bucket listed: another form deleting its bucket meanwhile
      // would fail it (NoSuchBucket), so its forms run one at a time.
      const problems = (await pool(mine, command === 'list-buckets' ? 1 : PARALLEL, runForm)).filter(Boolean);
      expect(problems).toEqual([]);
    },
    600_000,
  );

  test('the commands not yet on this branch are unknown here (empty the list once they are merged)', async () => {
    for (const command of COMMANDS_NOT_YET_ON_THIS_BRANCH) {
      const r = await runCli([command, 'some-bucket']);
      expect({ command, code: r.code, unknown: /unknown command/.test(r.stderr) }).toEqual({ command, code: 2, unknown: true });
    }
  });
});

function motoScratch(): string {
  const dir = path.join(os.tmpdir(), 's3share-compat');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

describeE2E('several --prefix values in one key (s3-credentials issue 56), on moto', () => {
  test('a key from create with two prefixes reads and writes both folders, and no sibling, parent or other folder', async () => {
    const admin = adminClients();
    const bucket = uniqueName('multi');
    await admin.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    for (const Key of ['alice/x', 'team/shared/y', 'alice-evil/x', 'team/shared-x/y', 'team/z', 'top.txt']) {
      await admin.s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: `body of ${Key}` }));
    }
    const r = await runCli([
      'create',
      bucket,
      '--prefix',
      'alice',
      '--prefix',
      'team/shared/',
      '--username',
      uniqueName('multi'),
      '--silent',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.stdout) as { AccessKeyId: string; SecretAccessKey: string };
    const key = clientsFor({ accessKeyId: printed.AccessKeyId, secretAccessKey: printed.SecretAccessKey });
    const get = (Key: string) => key.s3.send(new GetObjectCommand({ Bucket: bucket, Key }));
    const put = (Key: string) =>
      key.s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: 'new', ContentType: 'application/octet-stream' }));
    const list = (Prefix: string) => key.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix }));

    for (const folder of ['alice/', 'team/shared/']) {
      await expectAllowed(put(`${folder}new.txt`));
      expect(await bodyOf(admin, bucket, `${folder}new.txt`)).toBe('new');
      await expectAllowed(get(`${folder}new.txt`));
      await expectAllowed(list(folder));
    }
    await expectAllowed(get('alice/x'));
    await expectAllowed(get('team/shared/y'));
    for (const outside of ['alice-evil/x', 'team/shared-x/y', 'team/z', 'top.txt']) {
      await expectDenied(get(outside));
      await expectDenied(put(`${path.dirname(outside)}/intruder.txt`));
    }
    expect(await exists(admin, bucket, 'alice-evil/intruder.txt')).toBe(false);
  });

  test('more prefixes than a user policy holds: refused before anything is made, naming how many fit', async () => {
    const prefixes = Array.from({ length: 40 }, (_, i) => ['--prefix', `folder-${i + 1}/`]).flat();
    const name = uniqueName('toomany');
    const r = await runCli(['create', uniqueName('nobucket'), ...prefixes, '--username', name]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^error: the policy for 40 prefixes is [\d,]+ characters .*: only \d+ of the 40 prefixes fit \(the first \d+, folder-1\/ to folder-\d+\/\); give the others to a second set of credentials\n$/,
    );
    const made = await adminClients()
      .iam.send(new GetUserCommand({ UserName: name }))
      .then(
        () => true,
        () => false,
      );
    expect(made).toBe(false);
  });
});
