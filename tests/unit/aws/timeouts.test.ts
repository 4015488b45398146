// The clients against real sockets on loopback: an endpoint that accepts and never answers fails
// after the read timeout (per attempt, so retries stay bounded), a slow transfer that keeps
// sending never times out, and a web page answering 200 is refused rather than parsed as empty.
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createS3Client, createStsClient } from '../../../src/aws/clients';
import type { AwsContext } from '../../../src/aws/config';
import { describeAwsError } from '../../../src/aws/errors';

let server: Server;
let endpoint: string;
let handler: (req: IncomingMessage, res: ServerResponse) => void;
const held = new Set<ServerResponse>();

beforeAll(async () => {
  server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => {
  for (const res of held) res.destroy();
  held.clear();
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const ctx = (over: Partial<AwsContext> = {}): AwsContext => ({
  region: 'us-east-1',
  endpoint,
  credentials: { kind: 'static', origin: 'flags', credentials: { accessKeyId: 'AKIATEST', secretAccessKey: 'unit-secret-value' } },
  maxAttempts: 2,
  retryMode: 'standard',
  connectTimeoutMs: 2000,
  readTimeoutMs: 400,
  ...over,
});

const stall = (req: IncomingMessage, res: ServerResponse) => {
  req.resume();
  held.add(res);
};

describe('timeouts', () => {
  it('gives up on an endpoint that accepts and never answers, after maxAttempts read timeouts', async () => {
    let requests = 0;
    handler = (req, res) => {
      requests++;
      stall(req, res);
    };
    const sts = await createStsClient(ctx());
    const started = Date.now();
    const err = await sts.send(new GetCallerIdentityCommand({})).catch((e) => e);
    const elapsed = Date.now() - started;
    expect(err.name).toBe('TimeoutError');
    expect(requests).toBe(2);
    // Two silences of 0.4 s and one back-off: bounded, nowhere near "for ever".
    expect(elapsed).toBeGreaterThanOrEqual(800);
    expect(elapsed).toBeLessThan(5000);
    expect(describeAwsError(err)).toBe(
      `${endpoint} stopped answering: nothing received for 0.4 s (TimeoutError from sts:GetCallerIdentity, 2 attempts): check --endpoint-url, proxies and firewalls, or raise --read-timeout if the endpoint is just slow`,
    );
    sts.destroy();
  });

  it('lets a transfer run far longer than the read timeout while bytes keep coming', async () => {
    const chunks = 12;
    handler = (req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(chunks), 'x-amz-request-id': 'R' });
      let sent = 0;
      const tick = () => {
        if (res.destroyed) return;
        res.write('x');
        if (++sent === chunks) res.end();
        else setTimeout(tick, 150);
      };
      tick();
    };
    const s3 = await createS3Client(ctx({ readTimeoutMs: 500 }));
    const started = Date.now();
    const got = await s3.send(new GetObjectCommand({ Bucket: 'bucket', Key: 'slow.bin' }));
    expect(await got.Body!.transformToString()).toBe('x'.repeat(chunks));
    // 1.65 s in all, more than three times the timeout, with no silence longer than 0.15 s.
    expect(Date.now() - started).toBeGreaterThan(1500);
    s3.destroy();
  });

  it('fails a body that goes silent half way, instead of hanging', async () => {
    handler = (req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': '100', 'x-amz-request-id': 'R' });
      res.write('partial');
      held.add(res);
    };
    const s3 = await createS3Client(ctx({ maxAttempts: 1 }));
    const got = await s3.send(new GetObjectCommand({ Bucket: 'bucket', Key: 'stuck.bin' }));
    const err = await got.Body!.transformToString().catch((e) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('TimeoutError');
    s3.destroy();
  });
});

describe('answers that are not AWS', () => {
  it('refuses a web page answering 200 instead of printing an empty identity', async () => {
    handler = (req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body>Welcome to the hotel wifi</body></html>');
    };
    const sts = await createStsClient(ctx());
    const err = await sts.send(new GetCallerIdentityCommand({})).catch((e) => e);
    expect(describeAwsError(err)).toBe(
      `the endpoint ${endpoint} answered sts:GetCallerIdentity with something that is not an AWS response (HTTP 200, text/html): check --endpoint-url, proxies and the region`,
    );
    sts.destroy();
  });

  it('describes an HTML 404 from a wrong endpoint as such, not as "Unknown"', async () => {
    handler = (req, res) => {
      req.resume();
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<html><body><h1>404 Not Found</h1></body></html>');
    };
    const s3 = await createS3Client(ctx());
    const err = await s3.send(new GetObjectCommand({ Bucket: 'bucket', Key: 'k' })).catch((e) => e);
    expect(describeAwsError(err)).toMatch(
      new RegExp(`^the endpoint ${endpoint} answered s3:GetObject with something that is not an AWS response \\(HTTP 404, text/html\\)`),
    );
    s3.destroy();
  });

  it('still delivers an HTML object from S3, which carries a request id', async () => {
    handler = (req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/html', 'x-amz-request-id': 'R' });
      res.end('<html>index</html>');
    };
    const s3 = await createS3Client(ctx());
    const got = await s3.send(new GetObjectCommand({ Bucket: 'bucket', Key: 'index.html' }));
    expect(await got.Body!.transformToString()).toBe('<html>index</html>');
    s3.destroy();
  });
});

describe('the credential chain', () => {
  it('keeps the SDK\'s multi-line "multiple credential sources" warning off stderr', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 's3share-chain-'));
    writeFileSync(join(dir, 'config'), '[profile client]\naws_access_key_id = AKIAPROFILE\naws_secret_access_key = profile-secret\n');
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
      AWS_ACCESS_KEY_ID: 'AKIAENV',
      AWS_SECRET_ACCESS_KEY: 'env-secret',
    });
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    let authorization = '';
    handler = (req, res) => {
      authorization = String(req.headers.authorization ?? '');
      req.resume();
      res.writeHead(200, { 'content-type': 'text/xml', 'x-amzn-requestid': 'R' });
      res.end(
        '<GetCallerIdentityResponse><GetCallerIdentityResult><UserId>U</UserId><Account>1</Account><Arn>a</Arn></GetCallerIdentityResult></GetCallerIdentityResponse>',
      );
    };
    try {
      const sts = await createStsClient(ctx({ credentials: { kind: 'chain', profile: 'client' } }));
      expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe('1');
      // The profile was used, as the one-line note says, and the SDK printed nothing.
      expect(authorization).toContain('Credential=AKIAPROFILE/');
      expect(warn).not.toHaveBeenCalled();
      sts.destroy();
    } finally {
      warn.mockRestore();
      process.env = saved;
    }
  });
});
