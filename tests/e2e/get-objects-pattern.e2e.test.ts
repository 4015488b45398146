// get-objects -p on moto: s3-credentials' fnmatch meaning, where '*' crosses folders, so '*.txt'
// brings nested .txt files too; --glob keeps the folder-bounded meaning.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { adminClients, describeE2E, runCli, uniqueName } from '../support/e2e';

const OBJECTS = ['top.txt', 'a/b.txt', 'a/deep/c.txt', 'a/d.csv', 'e.txt.bak'];

/** Every file under dir, as '/'-separated relative paths, sorted. */
function files(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => fs.statSync(path.join(dir, f)).isFile())
    .map((f) => f.split(path.sep).join('/'))
    .sort();
}

describeE2E('get-objects -p / --glob on moto', () => {
  const bucket = uniqueName('pattern');
  beforeAll(async () => {
    const { s3 } = adminClients();
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    for (const Key of OBJECTS) await s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: `body of ${Key}` }));
  });

  test("-p '*.txt' downloads nested .txt files too, as s3-credentials does", async () => {
    const r = await runCli(['get-objects', bucket, '-p', '*.txt', '-o', 'out']);
    expect(r.code).toBe(0);
    const out = path.join(r.home, 'out');
    expect(files(out)).toEqual(['a/b.txt', 'a/deep/c.txt', 'top.txt']);
    expect(fs.readFileSync(path.join(out, 'a/deep/c.txt'), 'utf8')).toBe('body of a/deep/c.txt');
    expect(r.stderr).toMatch(/downloaded 3 of 3 object\(s\)/);
  });

  test("--glob '*.txt' stays in the top folder; --glob 'a/**' crosses", async () => {
    const top = await runCli(['get-objects', bucket, '--glob', '*.txt', '-o', 'out']);
    expect(top.code).toBe(0);
    expect(files(path.join(top.home, 'out'))).toEqual(['top.txt']);
    const under = await runCli(['get-objects', bucket, '--glob', 'a/**', '-o', 'out']);
    expect(under.code).toBe(0);
    expect(files(path.join(under.home, 'out'))).toEqual(['a/b.txt', 'a/d.csv', 'a/deep/c.txt']);
  });

  test('a bad pattern is a usage error and downloads nothing', async () => {
    const r = await runCli(['get-objects', bucket, '-p', '[z-a]*', '-o', 'out']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: '\[z-a\]\*' is not a valid pattern/);
    expect(files(path.join(r.home, 'out'))).toEqual([]);
  });
});
