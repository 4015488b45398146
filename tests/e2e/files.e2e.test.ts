// list-bucket, get-object, get-objects and delete-objects on moto with IAM enforcement, run with
// the credentials `create` prints (passed back with --auth): each mode can do exactly its part.
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  adminClients,
  clientsFor,
  createTestUser,
  describeE2E,
  expectDenied,
  motoState,
  runCli,
  uniqueName,
  type Clients,
} from '../support/e2e';

interface Printed {
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken?: string;
}

const BINARY = Buffer.from(Array.from({ length: 256 }, (_, i) => i).concat([0, 13, 10, 26, 255]));
const OBJECTS: Record<string, string | Buffer> = {
  'top.txt': 'body of top.txt',
  'alice/a.txt': 'body of alice/a.txt',
  'alice/sub/b.bin': BINARY,
  'alice-evil/x': 'body of alice-evil/x',
  'bob/x': 'body of bob/x',
};

describeE2E('list-bucket / get-object(s) / delete-objects on moto', () => {
  let admin: Clients;
  let bucket: string;
  let scratch: string;

  /** Runs create, writes its JSON to a file, returns the path for --auth and the parsed keys. */
  async function credentials(args: string[]): Promise<{ auth: string; printed: Printed }> {
    const r = await runCli(['create', '--silent', ...args, '--username', uniqueName('files')]);
    if (r.code !== 0) throw new Error(`create ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    const auth = path.join(scratch, `${uniqueName('auth')}.json`);
    fs.writeFileSync(auth, r.stdout, { mode: 0o600 });
    return { auth, printed: JSON.parse(r.stdout) as Printed };
  }

  beforeAll(async () => {
    admin = adminClients();
    bucket = uniqueName('files');
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 's3share-files-'));
    await admin.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    for (const [Key, Body] of Object.entries(OBJECTS)) await admin.s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body }));
  });
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

  describe('read-only credentials', () => {
    let auth: string;
    let printed: Printed;
    beforeAll(async () => ({ auth, printed } = await credentials([bucket, '--read-only'])));

    test('list-bucket: a JSON array of every object, with the listed fields', async () => {
      const r = await runCli(['list-bucket', bucket, '--auth', auth]);
      expect(r.code).toBe(0);
      const records = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
      expect(records.map((o) => o.Key).sort()).toEqual(Object.keys(OBJECTS).sort());
      const a = records.find((o) => o.Key === 'alice/a.txt')!;
      expect(Object.keys(a)).toEqual(['Key', 'Size', 'LastModified', 'ETag', 'StorageClass']);
      expect(a.Size).toBe((OBJECTS['alice/a.txt'] as string).length);
      expect(a.LastModified).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(a.StorageClass).toBe('STANDARD');
    });

    test('list-bucket --nl, --csv, --tsv and --urls (path-style under the endpoint)', async () => {
      const nl = await runCli(['list-bucket', bucket, '--auth', auth, '--nl', '--prefix', 'alice/']);
      expect(nl.code).toBe(0);
      expect(
        nl.stdout
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l).Key),
      ).toEqual(['alice/a.txt', 'alice/sub/b.bin']);
      const csv = await runCli(['list-bucket', bucket, '--auth', auth, '--csv', '--urls', '--prefix', 'bob/']);
      expect(csv.code).toBe(0);
      const lines = csv.stdout.trim().split('\n');
      expect(lines[0]).toBe('Key,Size,LastModified,ETag,StorageClass,URL');
      expect(lines[1]).toMatch(new RegExp(`^bob/x,13,.*,${motoState().endpoint.replace(/[.]/g, '\\.')}/${bucket}/bob/x$`));
      const tsv = await runCli(['list-bucket', bucket, '--auth', auth, '--tsv']);
      expect(tsv.stdout.split('\n')[0]).toBe('Key\tSize\tLastModified\tETag\tStorageClass');
    });

    test('get-object: to stdout (binary-safe) and to a file; an existing file is refused without --force', async () => {
      const text = await runCli(['get-object', bucket, 'alice/a.txt', '--auth', auth]);
      expect(text.code).toBe(0);
      expect(text.stdout).toBe(OBJECTS['alice/a.txt']);
      const r = await runCli(['get-object', bucket, 'alice/sub/b.bin', '--auth', auth, '-o', 'b.bin']);
      expect(r.code).toBe(0);
      expect(fs.readFileSync(path.join(r.home, 'b.bin'))).toEqual(BINARY);
      expect(fs.readdirSync(r.home).filter((f) => f.includes('s3-share-part'))).toEqual([]);
      const again = await runCli(['get-object', bucket, 'top.txt', '--auth', auth, '-o', 'b.bin'], { cwd: r.home, env: { HOME: r.home } });
      expect(again.code).toBe(2);
      expect(again.stderr).toMatch(/^error: b\.bin already exists: choose another file, or add --force\n$/);
      expect(fs.readFileSync(path.join(r.home, 'b.bin'))).toEqual(BINARY);
      const forced = await runCli(['get-object', bucket, 'top.txt', '--auth', auth, '-o', 'b.bin', '--force'], {
        cwd: r.home,
        env: { HOME: r.home },
      });
      expect(forced.code).toBe(0);
      expect(fs.readFileSync(path.join(r.home, 'b.bin'), 'utf8')).toBe(OBJECTS['top.txt']);
    });

    test('get-object of a missing key: exit 1, one line, no file left', async () => {
      const r = await runCli(['get-object', bucket, 'nope.txt', '--auth', auth, '-o', 'nope.txt']);
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/NoSuchKey/);
      expect(fs.readdirSync(r.home)).toEqual([]);
    });

    test('get-objects: the whole bucket, keys as paths under -o DIR', async () => {
      const r = await runCli(['get-objects', bucket, '--auth', auth, '-o', 'out']);
      expect(r.code).toBe(0);
      const out = path.join(r.home, 'out');
      for (const [key, body] of Object.entries(OBJECTS)) expect(fs.readFileSync(path.join(out, key))).toEqual(Buffer.from(body));
      expect(r.stderr).toMatch(/downloaded 5 of 5 object\(s\)/);
    });

    test('get-objects --glob and named keys', async () => {
      const r = await runCli(['get-objects', bucket, '--auth', auth, '--glob', '**/*.txt']);
      expect(r.code).toBe(0);
      expect(fs.existsSync(path.join(r.home, 'top.txt'))).toBe(true);
      expect(fs.existsSync(path.join(r.home, 'alice', 'a.txt'))).toBe(true);
      expect(fs.existsSync(path.join(r.home, 'alice', 'sub', 'b.bin'))).toBe(false);
      const named = await runCli(['get-objects', bucket, 'bob/x', 'nope', '--auth', auth, '-o', 'd']);
      expect(named.code).toBe(1);
      expect(fs.readFileSync(path.join(named.home, 'd', 'bob', 'x'), 'utf8')).toBe(OBJECTS['bob/x']);
      expect(named.stderr).toMatch(/^error: s3:\/\/\S+\/nope: .*NoSuchKey/m);
      expect(named.stderr).toMatch(/^error: 1 of 2 object\(s\) not downloaded \(1 failed\)/m);
    });

    test('cannot delete (delete-objects) nor upload (raw PutObject)', async () => {
      const r = await runCli(['delete-objects', bucket, 'top.txt', '--auth', auth]);
      expect(r.code).toBe(1);
      // S3 (and moto) refuse each key of a DeleteObjects inside a 200 answer.
      expect(r.stderr).toMatch(
        /^error: s3:\/\/\S+\/top\.txt: access denied: these credentials may not call s3:DeleteObject \(AccessDenied\)$/m,
      );
      expect(r.stderr).toMatch(/^error: 1 of 1 object\(s\) not deleted/m);
      await expectDenied(
        clientsFor({ accessKeyId: printed.AccessKeyId, secretAccessKey: printed.SecretAccessKey }).s3.send(
          new PutObjectCommand({ Bucket: bucket, Key: 'ro.txt', Body: 'x', ContentType: 'application/octet-stream' }),
        ),
      );
      const still = await admin.s3.send(new ListObjectsV2Command({ Bucket: bucket }));
      expect(still.Contents?.map((o) => o.Key)).toContain('top.txt');
    });
  });

  test('write-only credentials cannot list or download', async () => {
    const { auth } = await credentials([bucket, '--write-only']);
    const list = await runCli(['list-bucket', bucket, '--auth', auth, '--prefix', 'alice/']);
    expect(list.code).toBe(1);
    expect(list.stderr).toMatch(/^error: access denied: these credentials may not call s3:ListBucket/);
    const whole = await runCli(['list-bucket', bucket, '--auth', auth]);
    expect(whole.code).toBe(1);
    const get = await runCli(['get-object', bucket, 'top.txt', '--auth', auth]);
    expect(get.code).toBe(1);
    expect(get.stderr).toMatch(/^error: access denied: these credentials may not call s3:GetObject/);
    const many = await runCli(['get-objects', bucket, 'top.txt', '--auth', auth, '-o', 'd']);
    expect(many.code).toBe(1);
    expect(fs.existsSync(path.join(many.home, 'd', 'top.txt'))).toBe(false);
  });

  describe('credentials limited to --prefix alice/', () => {
    let auth: string;
    beforeAll(async () => ({ auth } = await credentials([bucket, '--read-only', '--prefix', 'alice/'])));

    test('lists and downloads inside its folder', async () => {
      const r = await runCli(['list-bucket', bucket, '--auth', auth, '--prefix', 'alice/', '--nl']);
      expect(r.code).toBe(0);
      expect(
        r.stdout
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l).Key),
      ).toEqual(['alice/a.txt', 'alice/sub/b.bin']);
      const noSlash = await runCli(['list-bucket', bucket, '--auth', auth, '--prefix', 'alice', '--nl']);
      expect(noSlash.code).toBe(0);
      expect(noSlash.stderr).toMatch(/prefix alice means the folder alice\/; added the trailing slash/);
      const get = await runCli(['get-objects', bucket, '--auth', auth, '--prefix', 'alice/', '-o', 'mine']);
      expect(get.code).toBe(0);
      expect(fs.readFileSync(path.join(get.home, 'mine', 'alice', 'sub', 'b.bin'))).toEqual(BINARY);
    });

    test('refused outside its folder and on the sibling alice-evil/', async () => {
      for (const prefix of ['alice-evil/', 'bob/']) {
        const r = await runCli(['list-bucket', bucket, '--auth', auth, '--prefix', prefix]);
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(/s3:ListBucket on s3:\/\/\S+ \(AccessDenied\)/);
      }
      for (const key of ['alice-evil/x', 'bob/x', 'top.txt']) {
        const r = await runCli(['get-object', bucket, key, '--auth', auth]);
        expect(r.code).toBe(1);
        expect(r.stdout).toBe('');
      }
    });

    test('listing the whole bucket says to pass --prefix', async () => {
      const r = await runCli(['list-bucket', bucket, '--auth', auth]);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        `error: access denied listing the whole bucket ${bucket} (AccessDenied): if your credentials are limited to a folder, pass --prefix FOLDER/\n`,
      );
      expect(r.stdout).toBe('');
    });

    test('a user that may read its own policies is told its folder', async () => {
      const policy = await runCli(['policy', bucket, '--read-only', '--prefix', 'alice/', '--nl']);
      const doc = JSON.parse(policy.stdout) as { Statement: unknown[] };
      doc.Statement.push({ Effect: 'Allow', Action: ['iam:ListUserPolicies', 'iam:GetUserPolicy'], Resource: '*' });
      const user = await createTestUser(uniqueName('self'), doc);
      const r = await runCli(['list-bucket', bucket], { creds: user });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/pass --prefix FOLDER\/; these credentials may list --prefix alice\/\n$/);
    });
  });

  describe('delete-objects', () => {
    let target: string;
    beforeEach(async () => {
      target = uniqueName('del');
      await admin.s3.send(new CreateBucketCommand({ Bucket: target }));
      for (const Key of ['alice/1', 'alice/2', 'alice/sub/3', 'alice-evil/x', 'keep.txt']) {
        await admin.s3.send(new PutObjectCommand({ Bucket: target, Key, Body: Key }));
      }
    });
    const keys = async () => ((await admin.s3.send(new ListObjectsV2Command({ Bucket: target }))).Contents ?? []).map((o) => o.Key).sort();

    test('--prefix without --yes off a terminal: exit 2, nothing deleted', async () => {
      const r = await runCli(['delete-objects', target, '--prefix', 'alice/']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/not a terminal to confirm it: add --yes\n$/);
      expect(await keys()).toHaveLength(5);
    });

    test('--prefix alice --dry-run lists alice/ only (never alice-evil/), deletes nothing', async () => {
      const r = await runCli(['delete-objects', target, '--prefix', 'alice', '--dry-run', '--nl']);
      expect(r.code).toBe(0);
      expect(
        r.stdout
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l).Key),
      ).toEqual(['alice/1', 'alice/2', 'alice/sub/3']);
      expect(r.stderr).toMatch(/added the trailing slash/);
      expect(await keys()).toHaveLength(5);
    });

    test('--prefix alice/ --yes --nl: one record per deleted key, the count on stderr', async () => {
      const r = await runCli(['delete-objects', target, '--prefix', 'alice/', '--yes', '--nl']);
      expect(r.code).toBe(0);
      expect(
        r.stdout
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l)),
      ).toEqual(['alice/1', 'alice/2', 'alice/sub/3'].map((Key) => ({ Bucket: target, Key })));
      expect(r.stderr).toMatch(/deleted 3 of 3 object\(s\) from s3:\/\/\S+\/alice\//);
      expect(await keys()).toEqual(['alice-evil/x', 'keep.txt']);
    });

    test('named keys, with credentials from create (read-write on the folder)', async () => {
      // moto checks a batched DeleteObjects against the bucket ARN (AWS checks each key): grant that too.
      const { auth } = await credentials([
        target,
        '--prefix',
        'alice/',
        '--statement',
        JSON.stringify({ Effect: 'Allow', Action: 's3:DeleteObject', Resource: `arn:aws:s3:::${target}` }),
      ]);
      const r = await runCli(['delete-objects', target, 'alice/1', 'alice/sub/3', '--auth', auth]);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual([
        { Bucket: target, Key: 'alice/1' },
        { Bucket: target, Key: 'alice/sub/3' },
      ]);
      expect(await keys()).toEqual(['alice-evil/x', 'alice/2', 'keep.txt']);
    });
  });

  describe('path traversal', () => {
    let evil: string;
    beforeAll(async () => {
      evil = uniqueName('trav');
      await admin.s3.send(new CreateBucketCommand({ Bucket: evil }));
      for (const Key of ['../evil.txt', 'a/../../evil2.txt', 'ok/good.txt', 'folder/']) {
        await admin.s3.send(new PutObjectCommand({ Bucket: evil, Key, Body: Key.endsWith('/') ? Buffer.alloc(0) : `body of ${Key}` }));
      }
    });

    test('moto keeps the literal keys', async () => {
      const listed = await admin.s3.send(new ListObjectsV2Command({ Bucket: evil }));
      expect(listed.Contents?.map((o) => o.Key).sort()).toEqual(['../evil.txt', 'a/../../evil2.txt', 'folder/', 'ok/good.txt']);
      const body = await admin.s3.send(new GetObjectCommand({ Bucket: evil, Key: '../evil.txt' }));
      expect(await body.Body?.transformToString()).toBe('body of ../evil.txt');
    });

    test('get-objects refuses the escaping keys, downloads the rest, writes nothing outside DIR', async () => {
      const { auth } = await credentials([evil, '--read-only']);
      const base = fs.mkdtempSync(path.join(scratch, 'trav-'));
      fs.mkdirSync(path.join(base, 'work'));
      const r = await runCli(['get-objects', evil, '--auth', auth, '-o', 'dir'], { cwd: path.join(base, 'work') });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error: s3:\/\/\S+\/\.\.\/evil\.txt: refused, a '\.\.' segment \(path traversal\): not written$/m);
      expect(r.stderr).toMatch(/^error: s3:\/\/\S+\/a\/\.\.\/\.\.\/evil2\.txt: refused/m);
      expect(r.stderr).toMatch(/^error: 2 of 4 object\(s\) not downloaded \(2 refused\)/m);
      const dir = path.join(base, 'work', 'dir');
      expect(fs.readFileSync(path.join(dir, 'ok', 'good.txt'), 'utf8')).toBe('body of ok/good.txt');
      expect(fs.existsSync(path.join(dir, 'folder'))).toBe(false); // a folder marker is not a file
      // Nothing anywhere else under base: only work/dir/ok/good.txt.
      const all = (d: string): string[] =>
        fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? all(path.join(d, e.name)) : [path.join(d, e.name)]));
      expect(all(base).map((f) => path.relative(base, f))).toEqual([path.join('work', 'dir', 'ok', 'good.txt')]);
    });
  });
});
