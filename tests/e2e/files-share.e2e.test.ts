// `share`: presigned links fetched with plain fetch and no credentials. moto answers presigned
// URLs with a 500 while IAM enforcement is on, so this file starts its own server without it.
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import * as fs from 'fs';
import * as path from 'path';
import { startMoto, type MotoServer } from '../support/moto';
import { describeE2E, runCli, uniqueName } from '../support/e2e';

interface Link {
  URL: string;
  Method: string;
  Bucket: string;
  Key: string;
  Expires: string;
  ExpiresIn: number;
  ContentType?: string;
}

describeE2E('share on moto (no IAM enforcement)', () => {
  let moto: MotoServer;
  let s3: S3Client;
  const bucket = uniqueName('share');

  const share = (args: string[], env: Record<string, string | undefined> = {}) =>
    runCli(['share', ...args], {
      creds: moto.admin,
      env: { AWS_ENDPOINT_URL: moto.endpoint, ...env },
    });

  beforeAll(async () => {
    moto = await startMoto({ enforce: false });
    s3 = new S3Client({ endpoint: moto.endpoint, region: 'us-east-1', credentials: { ...moto.admin }, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'docs/report.pdf', Body: Buffer.from([0, 1, 2, 255, 10, 13]) }));
  }, 60_000);
  afterAll(async () => {
    s3?.destroy();
    await moto?.stop();
  });

  test('a download link: plain fetch gets the body; the JSON says method and expiry', async () => {
    const before = Date.now();
    const r = await share([bucket, 'docs/report.pdf']);
    expect(r.code).toBe(0);
    const link = JSON.parse(r.stdout) as Link;
    expect(Object.keys(link)).toEqual(['URL', 'Method', 'Bucket', 'Key', 'Expires', 'ExpiresIn']);
    expect(link).toMatchObject({ Method: 'GET', Bucket: bucket, Key: 'docs/report.pdf', ExpiresIn: 3600 });
    expect(Date.parse(link.Expires) - before).toBeGreaterThanOrEqual(3600_000 - 2000);
    expect(Date.parse(link.Expires) - before).toBeLessThan(3600_000 + 30_000);
    expect(link.URL.startsWith(`${moto.endpoint}/${bucket}/docs/report.pdf?`)).toBe(true);
    expect(new URL(link.URL).searchParams.get('X-Amz-Expires')).toBe('3600');
    const res = await fetch(link.URL);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(Buffer.from([0, 1, 2, 255, 10, 13]));
    expect(r.stderr).toMatch(/anyone with this URL can download/);
    expect(r.stderr).not.toMatch(/temporary/);
  });

  test('--expires 1s: the link works at once and is refused once it has expired', async () => {
    const r = await share([bucket, 'docs/report.pdf', '--expires', '1s', '--nl']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const link = JSON.parse(r.stdout) as Link;
    expect(link.ExpiresIn).toBe(1);
    const url = new URL(link.URL);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('1');
    // X-Amz-Date + X-Amz-Expires is what S3 checks: signed at most a few seconds ago.
    const signed = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(url.searchParams.get('X-Amz-Date')!)!;
    const signedAt = Date.UTC(+signed[1]!, +signed[2]! - 1, +signed[3]!, +signed[4]!, +signed[5]!, +signed[6]!);
    expect(Math.abs(Date.parse(link.Expires) - 1000 - signedAt)).toBeLessThan(1500);
    // The launcher refuses expired presigned requests as S3 does (moto alone would not).
    await new Promise((r) => setTimeout(r, Math.max(0, signedAt + 2100 - Date.now())));
    const late = await fetch(link.URL);
    expect(late.status).toBe(403);
    expect(await late.text()).toContain('Request has expired');
  });

  test('a link is fetched with a plain HTTP client before it expires', async () => {
    const r = await share([bucket, 'docs/report.pdf', '--expires', '30s', '--nl']);
    const res = await fetch((JSON.parse(r.stdout) as Link).URL);
    expect(res.status).toBe(200);
  });

  test('durations over 7 days or not positive: exit 2 before any AWS call', async () => {
    for (const bad of ['8d', '604801', '0', '-1h', '1w', 'soon']) {
      const r = await share([bucket, 'docs/report.pdf', '--expires', bad]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    const max = await share([bucket, 'docs/report.pdf', '--expires', '7d']);
    expect(max.code).toBe(0);
    expect(JSON.parse(max.stdout).ExpiresIn).toBe(604800);
  });

  test('an upload link takes one PUT to its key, with the signed Content-Type', async () => {
    const r = await share([bucket, 'inbox/from-client.csv', '--upload', '--content-type', 'text/csv']);
    expect(r.code).toBe(0);
    const link = JSON.parse(r.stdout) as Link;
    expect(link).toMatchObject({ Method: 'PUT', Key: 'inbox/from-client.csv', ContentType: 'text/csv' });
    const url = new URL(link.URL);
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('content-type;host');
    // No checksum of an empty body: S3 would refuse any real upload with it (BadDigest).
    expect([...url.searchParams.keys()].filter((k) => /checksum/i.test(k))).toEqual([]);
    expect(r.stderr).toContain(`upload with: curl -X PUT -T FILE -H 'Content-Type: text/csv' '${link.URL}'`);
    const res = await fetch(link.URL, { method: 'PUT', body: 'a,b\n1,2\n', headers: { 'Content-Type': 'text/csv' } });
    expect(res.status).toBe(200);
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'inbox/from-client.csv' }));
    expect(await got.Body?.transformToString()).toBe('a,b\n1,2\n');
    expect(got.ContentType).toBe('text/csv');
  });

  test('an upload link without --content-type', async () => {
    const r = await share([bucket, 'inbox/blob.bin', '--upload', '--silent']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const link = JSON.parse(r.stdout) as Link;
    expect(new URL(link.URL).searchParams.get('X-Amz-SignedHeaders')).toBe('host');
    const res = await fetch(link.URL, {
      method: 'PUT',
      body: Buffer.from([9, 8, 7]),
      headers: { 'Content-Type': 'application/octet-stream' },
    });
    expect(res.status).toBe(200);
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'inbox/blob.bin' }));
    expect(Buffer.from(await got.Body!.transformToByteArray())).toEqual(Buffer.from([9, 8, 7]));
  });

  test('temporary credentials: said on stderr, and an expiry before the link is warned about', async () => {
    const viaToken = await share([bucket, 'docs/report.pdf'], { AWS_SESSION_TOKEN: 'FwoGZXIvYXdzEXAMPLE' });
    expect(viaToken.code).toBe(0);
    expect(viaToken.stderr).toMatch(/^warning: the URL is signed with temporary credentials/m);
    expect(new URL(JSON.parse(viaToken.stdout).URL).searchParams.get('X-Amz-Security-Token')).toBe('FwoGZXIvYXdzEXAMPLE');

    const auth = path.join(fs.mkdtempSync(path.join(viaToken.home, 'a-')), 'temp.json');
    const expiration = new Date(Date.now() + 10 * 60_000).toISOString();
    fs.writeFileSync(
      auth,
      JSON.stringify({ AccessKeyId: 'ASIAEXAMPLE', SecretAccessKey: 'secret', SessionToken: 'token', Expiration: expiration }),
    );
    const r = await share([bucket, 'docs/report.pdf', '--auth', auth, '--expires', '1h']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^warning: the URL is signed with temporary credentials/m);
    expect(r.stderr).toContain(`warning: the credentials expire at ${expiration}, before the URL's`);
  });

  test('usage errors: bad bucket name, --content-type without --upload', async () => {
    const badBucket = await share(['Bad_Bucket', 'k']);
    expect(badBucket.code).toBe(2);
    expect(badBucket.stderr).toMatch(/^error: bucket name 'Bad_Bucket'/);
    const ct = await share([bucket, 'k', '--content-type', 'text/plain']);
    expect(ct.code).toBe(2);
    expect(ct.stderr).toMatch(/--content-type applies to upload links only/);
  });
});
