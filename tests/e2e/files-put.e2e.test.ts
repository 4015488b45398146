// put-object and put-objects on moto with IAM enforcement, run with the credentials `create`
// prints (passed back with --auth): what a mode may write arrives byte for byte; the rest is refused.
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { adminClients, describeE2E, runCli, uniqueName, type Clients } from '../support/e2e';

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

describeE2E('put-object / put-objects on moto', () => {
  let admin: Clients;
  let bucket: string;
  let scratch: string;

  /** Runs create, writes its JSON to a file, returns the path for --auth. */
  async function credentials(args: string[]): Promise<string> {
    const r = await runCli(['create', '--silent', ...args, '--username', uniqueName('put')]);
    if (r.code !== 0) throw new Error(`create ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    const auth = path.join(scratch, `${uniqueName('auth')}.json`);
    fs.writeFileSync(auth, r.stdout, { mode: 0o600 });
    return auth;
  }
  async function read(key: string): Promise<Buffer> {
    const out = await admin.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from(await out.Body!.transformToByteArray());
  }
  async function keys(prefix?: string): Promise<string[]> {
    const out = await admin.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
    return (out.Contents ?? []).map((o) => o.Key!).sort();
  }

  beforeAll(async () => {
    admin = adminClients();
    bucket = uniqueName('put');
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 's3share-put-'));
    await admin.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

  describe('write-only credentials', () => {
    let auth: string;
    beforeAll(async () => (auth = await credentials([bucket, '--write-only'])));

    test('put-object: a file and stdin arrive byte for byte; JSON on stdout; Content-Type guessed', async () => {
      const file = path.join(scratch, 'page.html');
      const html = Buffer.from('<h1>héllo</h1>\n');
      fs.writeFileSync(file, html);
      const r = await runCli(['put-object', bucket, 'wo/page.html', file, '--auth', auth]);
      expect(r.code).toBe(0);
      const printed = JSON.parse(r.stdout) as Record<string, unknown>;
      expect(printed).toEqual({ Bucket: bucket, Key: 'wo/page.html', Size: html.length, ETag: expect.stringMatching(/^"[0-9a-f]{32}"$/) });
      expect(await read('wo/page.html')).toEqual(html);
      const head = await admin.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'wo/page.html' }));
      expect(head.ContentType).toBe('text/html');
      expect(printed.ETag).toBe(head.ETag);

      const piped = await runCli(['put-object', bucket, 'wo/stdin.txt', '-', '--auth', auth], { input: 'line one\nline two ✓\n' });
      expect(piped.code).toBe(0);
      expect((await read('wo/stdin.txt')).toString('utf8')).toBe('line one\nline two ✓\n');
    });

    test('put-object of 17 MiB, from a file and from stdin: multipart, identical bytes (MD5)', async () => {
      const big = randomBytes(17 * 1024 * 1024);
      const file = path.join(scratch, 'big.bin');
      fs.writeFileSync(file, big);
      const r = await runCli(['put-object', bucket, 'wo/big.bin', file, '--auth', auth], { timeoutMs: 120_000 });
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).ETag).toMatch(/-3"$/); // three 8 MiB parts
      expect(md5(await read('wo/big.bin'))).toBe(md5(big));

      const text = big.toString('base64').slice(0, 17 * 1024 * 1024); // runCli's stdin is text
      const piped = await runCli(['put-object', bucket, 'wo/big.txt', '-', '--auth', auth], { input: text, timeoutMs: 120_000 });
      expect(piped.code).toBe(0);
      expect(JSON.parse(piped.stdout)).toMatchObject({ Size: text.length, ETag: expect.stringMatching(/-3"$/) });
      expect(md5(await read('wo/big.txt'))).toBe(md5(Buffer.from(text)));
    }, 180_000);

    test('put-objects: a folder with nested files, spaces and unicode, plus a file, under --prefix', async () => {
      const root = path.join(scratch, 'tree');
      const files: Record<string, Buffer> = {
        'photos/a.jpg': randomBytes(1000),
        'photos/2024/summer trip/ça va.txt': Buffer.from('ça va\n'),
        'photos/日本/写真 1.png': randomBytes(300_000),
        'readme.md': Buffer.from('# hi\n'),
      };
      for (const [rel, body] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
        fs.writeFileSync(path.join(root, rel), body);
      }
      const dry = await runCli(['put-objects', bucket, 'photos', 'readme.md', '--prefix', 'batch', '--dry-run', '--nl', '--auth', auth], {
        cwd: root,
      });
      expect(dry.code).toBe(0);
      expect(
        dry.stdout
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l).Key),
      ).toEqual(['batch/photos/2024/summer trip/ça va.txt', 'batch/photos/a.jpg', 'batch/photos/日本/写真 1.png', 'batch/readme.md']);
      expect(await keys('batch/')).toEqual([]);

      const r = await runCli(['put-objects', bucket, 'photos', 'readme.md', '--prefix', 'batch', '--auth', auth], { cwd: root });
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/uploaded 4 of 4 file\(s\)/);
      const records = JSON.parse(r.stdout) as Array<{ Key: string; Size: number; ETag: string }>;
      expect(records.map((o) => o.Key).sort()).toEqual(
        Object.keys(files)
          .map((k) => `batch/${k}`)
          .sort(),
      );
      expect(await keys('batch/')).toEqual(
        Object.keys(files)
          .map((k) => `batch/${k}`)
          .sort(),
      );
      for (const [rel, body] of Object.entries(files)) expect(await read(`batch/${rel}`)).toEqual(body);
    });
  });

  test('read-only credentials are refused put-object: exit 1, one line naming s3:PutObject, nothing written', async () => {
    const auth = await credentials([bucket, '--read-only']);
    const file = path.join(scratch, 'ro.txt');
    fs.writeFileSync(file, 'nope');
    const r = await runCli(['put-object', bucket, 'ro/ro.txt', file, '--auth', auth]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: .*AccessDenied/);
    expect(r.stderr).toMatch(/s3:PutObject/);
    const many = await runCli(['put-objects', bucket, file, '--prefix', 'ro', '--auth', auth, '--nl']);
    expect(many.code).toBe(1);
    expect(many.stdout).toBe('');
    expect(many.stderr).toMatch(/AccessDenied/);
    expect(await keys('ro/')).toEqual([]);
  });

  test('--prefix alice/ credentials: may put under alice/, refused outside it', async () => {
    const auth = await credentials([bucket, '--prefix', 'alice/']);
    const file = path.join(scratch, 'mine.txt');
    fs.writeFileSync(file, 'alice was here');
    const inside = await runCli(['put-object', bucket, 'alice/mine.txt', file, '--auth', auth]);
    expect(inside.code).toBe(0);
    expect((await read('alice/mine.txt')).toString()).toBe('alice was here');
    for (const key of ['alice-evil/mine.txt', 'bob/mine.txt', 'mine.txt']) {
      const outside = await runCli(['put-object', bucket, key, file, '--auth', auth]);
      expect([key, outside.code]).toEqual([key, 1]);
      expect(outside.stderr).toMatch(/AccessDenied/);
    }
    const many = await runCli(['put-objects', bucket, file, '--prefix', 'alice', '--auth', auth, '--nl']);
    expect(many.code).toBe(0);
    expect(JSON.parse(many.stdout)).toMatchObject({ Key: 'alice/mine.txt' });
    const wrong = await runCli(['put-objects', bucket, file, '--prefix', 'bob', '--auth', auth, '--nl']);
    expect(wrong.code).toBe(1);
    expect(await keys('bob/')).toEqual([]);
    expect(await keys('alice-evil/')).toEqual([]);
  });

  test('usage errors: a folder to put-object, a missing path (exit 2, one line, no AWS needed)', async () => {
    const folder = await runCli(['put-object', bucket, 'k', scratch]);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toMatch(/^error: .* is a folder: put-object uploads one file; use 's3-share put-objects/);
    const missing = await runCli(['put-objects', bucket, path.join(scratch, 'no-such-thing')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
  });
});
