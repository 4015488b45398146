import { S3Client } from '@aws-sdk/client-s3';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UsageError } from '../../../src/errors';
import { parseExpires } from '../../../src/commands/shared/durations';
import { createShareLink, lifetimeWarnings, uploadHint } from '../../../src/services/objects/share-links';
import { runCli } from '../support/run-cli';

describe('parseExpires', () => {
  test.each([
    ['30s', 30],
    ['15m', 900],
    ['1h', 3600],
    ['7d', 604800],
    ['604800', 604800],
    ['1', 1],
    ['2H', 7200],
  ])('%s = %d seconds', (text, seconds) => expect(parseExpires(text)).toBe(seconds));
  test.each(['0', '0s', '8d', '604801', '169h', '-1', '1.5h', '1w', '', 'h'])('%j is refused', (text) => {
    expect(() => parseExpires(text)).toThrow(UsageError);
  });
  test('the message says the limit', () => expect(() => parseExpires('8d')).toThrow(/at most 7d \(604800 s\)/));
});

const client = (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date }) =>
  new S3Client({ region: 'eu-west-1', credentials });

test('a download link: virtual-hosted, X-Amz-Expires, the expiry time', async () => {
  const now = new Date('2026-03-01T10:00:00Z');
  const shared = await createShareLink(client({ accessKeyId: 'AKIA1', secretAccessKey: 's' }), {
    bucket: 'bkt',
    key: 'a b/c.pdf',
    expiresIn: 900,
    now,
  });
  const url = new URL(shared.link.URL);
  expect(url.host).toBe('bkt.s3.eu-west-1.amazonaws.com');
  expect(url.pathname).toBe('/a%20b/c.pdf');
  expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
  expect(url.searchParams.get('X-Amz-Date')).toBe('20260301T100000Z');
  expect(shared.link).toMatchObject({
    Method: 'GET',
    Bucket: 'bkt',
    Key: 'a b/c.pdf',
    Expires: '2026-03-01T10:15:00.000Z',
    ExpiresIn: 900,
  });
  expect(shared.credentials).toEqual({ temporary: false, expiration: undefined });
  expect(lifetimeWarnings(shared)).toEqual([]);
});

test('an upload link: PUT, Content-Type signed, no body checksum', async () => {
  const shared = await createShareLink(client({ accessKeyId: 'AKIA1', secretAccessKey: 's' }), {
    bucket: 'bkt',
    key: 'in/x.zip',
    expiresIn: 60,
    upload: true,
    contentType: 'application/zip',
  });
  const url = new URL(shared.link.URL);
  expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('content-type;host');
  expect([...url.searchParams.keys()].filter((k) => /checksum/i.test(k))).toEqual([]);
  expect(shared.link).toMatchObject({ Method: 'PUT', ContentType: 'application/zip' });
  expect(uploadHint(shared.link)).toBe(
    `upload with: curl -X PUT -T FILE -H 'Content-Type: application/zip' '${shared.link.URL}' (the Content-Type must be sent exactly as signed)`,
  );
});

test('temporary credentials: noticed, and an expiry before the link is warned about', async () => {
  const now = new Date();
  const expiration = new Date(now.getTime() + 600_000);
  const shared = await createShareLink(client({ accessKeyId: 'ASIA1', secretAccessKey: 's', sessionToken: 't', expiration }), {
    bucket: 'bkt',
    key: 'k',
    expiresIn: 3600,
    now,
  });
  expect(new URL(shared.link.URL).searchParams.get('X-Amz-Security-Token')).toBe('t');
  const warnings = lifetimeWarnings(shared);
  expect(warnings).toHaveLength(2);
  expect(warnings[0]).toMatch(/temporary credentials \(a session token\)/);
  expect(warnings[1]).toBe(
    `the credentials expire at ${expiration.toISOString()}, before the URL's ${shared.link.Expires}: sign with long-term credentials for a longer link`,
  );
  const short = await createShareLink(client({ accessKeyId: 'ASIA1', secretAccessKey: 's', sessionToken: 't', expiration }), {
    bucket: 'bkt',
    key: 'k',
    expiresIn: 60,
    now,
  });
  expect(lifetimeWarnings(short)).toHaveLength(1);
});

describe('share command', () => {
  // The default credential chain reads the process environment, not the injected one.
  const saved = { ...process.env };
  beforeEach(() => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIATEST';
    process.env.AWS_SECRET_ACCESS_KEY = 'unit-secret-value';
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
  });
  afterEach(() => {
    process.env = { ...saved };
  });
  test('static keys: JSON on stdout, no temporary notice', async () => {
    const r = await runCli(['share', 'bkt', 'k', '--expires', '15m']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ Method: 'GET', ExpiresIn: 900 });
    expect(r.stderr).not.toMatch(/temporary/);
  });

  test('--session-token / AWS_SESSION_TOKEN: the temporary notice', async () => {
    const flags = await runCli(['share', 'bkt', 'k', '--access-key', 'ASIA1', '--secret-key', 's', '--session-token', 't']);
    expect(flags.stderr).toMatch(/^warning: the URL is signed with temporary credentials/m);
    process.env.AWS_SESSION_TOKEN = 'tok';
    const env = await runCli(['share', 'bkt', 'k']);
    expect(env.stderr).toMatch(/^warning: the URL is signed with temporary credentials/m);
  });

  test('--auth file with SessionToken and an Expiration sooner than --expires', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'auth-')), 'c.json');
    const expiration = new Date(Date.now() + 60_000).toISOString();
    fs.writeFileSync(file, JSON.stringify({ AccessKeyId: 'ASIA1', SecretAccessKey: 's', SessionToken: 't', Expiration: expiration }));
    const r = await runCli(['share', 'bkt', 'k', '--auth', file, '--expires', '2h']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`warning: the credentials expire at ${expiration}`);
  });

  test('usage errors exit 2', async () => {
    for (const args of [
      ['bkt', 'k', '--expires', '8d'],
      ['bkt', 'k', '--expires', '0'],
      ['b', 'k'],
      ['bkt', ''],
      ['bkt', 'k', '--content-type', 'text/plain'],
    ]) {
      const r = await runCli(['share', ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
