// Delivering credentials: the target is checked before any AWS call, a delivery counts only once
// flushed, and every failure (a folder, a read-only folder, a full disk, a closed stdout) is an
// error that names the cause, never the secret.
import { mkdtempSync, mkdirSync, readFileSync, statSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { OperationError, UsageError } from '../../../src/errors';
import {
  checkFormatCarries,
  formatCredentials,
  prepareDelivery,
  writeAndFlush,
  type DeliveryFs,
  type IssuedCredentials,
} from '../../../src/output/credentials';
import { fakeIo } from '../support/fake-io';

const SECRET = 'SecretValue0000DoNotLose+Delivery/Test';
const PASSWORD = 'Pw-DoNotLose-123!';
const CREDS: IssuedCredentials = { UserName: 'alice', AccessKeyId: 'AKIADELIVERY', SecretAccessKey: SECRET };
const dir = mkdtempSync(join(tmpdir(), 's3share-delivery-'));
const enospc = () => Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });

/** A stdout whose pipe was closed by the reader: every write fails with EPIPE, as a real pipe's does. */
function closedPipe(): Writable {
  return new Writable({
    write(_chunk, _enc, cb) {
      cb(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    },
  });
}

describe('formats carry every secret the command made', () => {
  it('refuses a console password in ini or env with exit 2, naming the formats that fit', () => {
    for (const format of ['ini', 'env'] as const) {
      expect(() => checkFormatCarries(format, ['SecretAccessKey', 'Password'])).toThrow(UsageError);
      expect(() => checkFormatCarries(format, ['SecretAccessKey', 'Password'])).toThrow(
        /--format \w+ cannot hold the console password.*use --format json, csv, text/,
      );
    }
  });

  it('accepts every format for a key or a session, and json, csv and text for a password', () => {
    for (const format of ['json', 'ini', 'env', 'csv', 'text'] as const) {
      expect(() => checkFormatCarries(format, ['SecretAccessKey', 'SessionToken'])).not.toThrow();
    }
    for (const format of ['json', 'csv', 'text'] as const) expect(() => checkFormatCarries(format, ['Password'])).not.toThrow();
  });

  it('each format holds the secrets it claims to carry', () => {
    const all = {
      ...CREDS,
      SessionToken: 'TokenValue-DoNotLose',
      Password: PASSWORD,
      ConsoleUrl: 'https://1.signin.aws.amazon.com/console',
    };
    for (const format of ['json', 'csv', 'text'] as const) {
      const text = formatCredentials(all, format);
      for (const secret of [SECRET, 'TokenValue-DoNotLose', PASSWORD]) expect(text).toContain(secret);
    }
    for (const format of ['ini', 'env'] as const) {
      const text = formatCredentials(all, format);
      for (const secret of [SECRET, 'TokenValue-DoNotLose']) expect(text).toContain(secret);
    }
  });
});

describe('--format text: a note ready to send', () => {
  const consoleCreds: IssuedCredentials = {
    ...CREDS,
    Password: PASSWORD,
    ConsoleUrl: 'https://123456789012.signin.aws.amazon.com/console',
    BucketConsoleUrls: ['https://s3.console.aws.amazon.com/s3/buckets/photos?prefix=alice/'],
  };

  it('holds the sign-in link, user name, password, folder link, keys and how to connect', () => {
    const text = formatCredentials(consoleCreds, 'text', undefined, { buckets: ['photos'], prefix: 'alice/' });
    expect(text).toContain('Sign-in link: https://123456789012.signin.aws.amazon.com/console');
    expect(text).toMatch(/User name: +alice/);
    expect(text).toMatch(new RegExp(`Password: +${PASSWORD.replace(/[-!]/g, '\\$&')}`));
    expect(text).toContain('https://s3.console.aws.amazon.com/s3/buckets/photos?prefix=alice/');
    expect(text).toMatch(/Access key ID: +AKIADELIVERY/);
    expect(text).toContain(SECRET);
    expect(text).toContain('s3://photos/alice/');
    expect(text).toMatch(/^ {2}aws-cli: .*aws configure.*aws s3 ls s3:\/\/photos\/alice\/$/m);
    expect(text).toMatch(/^ {2}Cyberduck or WinSCP: .*Amazon S3.*photos\/alice\/$/m);
    expect(text).toContain('the folder alice/ of the bucket photos');
  });

  it('without a console login it has no sign-in part, and a session carries its token and expiry', () => {
    const text = formatCredentials(
      { AccessKeyId: 'ASIATEMP', SecretAccessKey: SECRET, SessionToken: 'Tok', Expiration: '2030-01-01T00:00:00.000Z' },
      'text',
      undefined,
      { buckets: ['a', 'b'] },
    );
    expect(text).not.toContain('Sign in');
    expect(text).toMatch(/Session token: +Tok/);
    expect(text).toMatch(/Valid until: +2030-01-01/);
    expect(text).toContain('aws configure set aws_session_token');
    expect(text).toContain('the buckets a, b');
  });

  it('for a --role user it names the role and how to assume it', () => {
    const text = formatCredentials({ ...CREDS, RoleArn: 'arn:aws:iam::123456789012:role/r' }, 'text', undefined, { buckets: ['p'] });
    expect(text).toMatch(/Role to assume: +arn:aws:iam::123456789012:role\/r/);
    expect(text).toContain('assume-and-sync --auth FILE');
  });
});

describe('the --output target is checked before any AWS call', () => {
  it('a folder is refused with exit 2 (a usage error), naming a file to give instead', async () => {
    const folder = join(dir, 'a-folder');
    mkdirSync(folder);
    for (const force of [false, true]) {
      await expect(prepareDelivery({ format: 'json', output: folder, force }, fakeIo().io)).rejects.toThrow(UsageError);
      await expect(prepareDelivery({ format: 'json', output: folder, force }, fakeIo().io)).rejects.toThrow(
        /is a folder: give a file name/,
      );
    }
  });

  it('a missing folder is refused with exit 2', async () => {
    await expect(prepareDelivery({ format: 'json', output: join(dir, 'no', 'such', 'x.json') }, fakeIo().io)).rejects.toThrow(
      /cannot write --output .* \(ENOENT\): check the folder exists and is writable/,
    );
  });

  it('a read-only folder is refused with exit 2', async () => {
    const readOnly: DeliveryFs = {
      open: () => Promise.reject(Object.assign(new Error('read-only file system'), { code: 'EROFS' })),
      rename: () => Promise.resolve(),
      rm: () => Promise.resolve(),
    };
    for (const force of [false, true]) {
      const p = prepareDelivery({ format: 'json', output: join(dir, `ro-${force}.json`), force }, fakeIo().io, readOnly);
      await expect(p).rejects.toThrow(UsageError);
      await expect(
        prepareDelivery({ format: 'json', output: join(dir, `ro-${force}.json`), force }, fakeIo().io, readOnly),
      ).rejects.toThrow(/\(EROFS\)/);
    }
  });

  it('an existing file without --force is refused and left as it was', async () => {
    const file = join(dir, 'existing.json');
    writeFileSync(file, 'keep me');
    await expect(prepareDelivery({ format: 'json', output: file }, fakeIo().io)).rejects.toThrow(/already exists: .* add --force/);
    expect(readFileSync(file, 'utf8')).toBe('keep me');
  });

  it('the file is created at once, exclusively, with mode 0600, and holds the credentials once delivered', async () => {
    const file = join(dir, 'new.json');
    const delivery = await prepareDelivery({ format: 'json', output: file }, fakeIo().io);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    await delivery.deliver(CREDS);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(CREDS);
  });

  it('with --force the old file is replaced only by delivered credentials, and a discard leaves it', async () => {
    const file = join(dir, 'forced.json');
    writeFileSync(file, 'old');
    const kept = await prepareDelivery({ format: 'json', output: file, force: true }, fakeIo().io);
    await kept.discard();
    expect(readFileSync(file, 'utf8')).toBe('old');
    const replaced = await prepareDelivery({ format: 'json', output: file, force: true }, fakeIo().io);
    await replaced.deliver(CREDS);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(CREDS);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});

describe('a delivery is done only once flushed, and a failed one is an error', () => {
  /** A file system whose writes and syncs are recorded, and whose write can be made to fail. */
  function recordingFs(failWrite?: () => Error) {
    const calls: string[] = [];
    const fs: DeliveryFs = {
      open: async (path) => {
        calls.push(`open ${path}`);
        return {
          writeFile: async () => {
            calls.push('write');
            if (failWrite) throw failWrite();
          },
          sync: async () => void calls.push('sync'),
          close: async () => void calls.push('close'),
        };
      },
      rename: async () => void calls.push('rename'),
      rm: async (path) => void calls.push(`rm ${path}`),
    };
    return { fs, calls };
  }

  it('a file is fsynced before it is closed and before the delivery resolves', async () => {
    const { fs, calls } = recordingFs();
    const delivery = await prepareDelivery({ format: 'json', output: join(dir, 'sync.json') }, fakeIo().io, fs);
    await delivery.deliver(CREDS);
    expect(calls.slice(1)).toEqual(['write', 'sync', 'close']);
  });

  it('with --force the rename comes after the fsync', async () => {
    const { fs, calls } = recordingFs();
    const delivery = await prepareDelivery({ format: 'json', output: join(dir, 'sync-force.json'), force: true }, fakeIo().io, fs);
    await delivery.deliver(CREDS);
    expect(calls.slice(1)).toEqual(['write', 'sync', 'close', 'rename']);
  });

  it('a full disk (ENOSPC) fails the delivery with exit 1, names the cause and not the secret; discard removes the file', async () => {
    for (const force of [false, true]) {
      const { fs, calls } = recordingFs(enospc);
      const file = join(dir, `full-${force}.json`);
      const delivery = await prepareDelivery({ format: 'json', output: file, force }, fakeIo().io, fs);
      const err = await delivery.deliver(CREDS).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OperationError);
      expect((err as Error).message).toMatch(/cannot write the credentials to .*full-\w+\.json \(ENOSPC\)/);
      expect((err as Error).message).not.toContain(SECRET);
      expect(calls).not.toContain('rename');
      await delivery.discard();
      expect(calls.filter((c) => c.startsWith('rm '))).toHaveLength(1);
    }
  });

  it('stdout: resolves only when the write callback has fired', async () => {
    let release: () => void = () => {};
    const slow = new Writable({
      highWaterMark: 1,
      write(_chunk, _enc, cb) {
        release = () => cb();
      },
    });
    let done = false;
    const p = writeAndFlush(slow, 'secret').then(() => (done = true));
    await new Promise((r) => setImmediate(r));
    expect(done).toBe(false);
    release();
    await p;
    expect(done).toBe(true);
  });

  it('a closed stdout (EPIPE) fails the delivery with exit 1, naming --output as the way out', async () => {
    const f = fakeIo();
    f.io.stdout = closedPipe();
    const delivery = await prepareDelivery({ format: 'json' }, f.io);
    const err = await delivery.deliver(CREDS).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationError);
    expect((err as Error).message).toMatch(/cannot print the credentials on stdout \(EPIPE\).*--output FILE/);
    expect((err as Error).message).not.toContain(SECRET);
  });

  it('a stdout already destroyed fails too, without writing', async () => {
    const out = new PassThrough();
    out.destroy();
    await expect(writeAndFlush(out, 'x')).rejects.toMatchObject({ code: 'EPIPE' });
  });

  it('leaves no file behind when the folder was fine but nothing was delivered', async () => {
    const file = join(dir, 'discarded.json');
    const delivery = await prepareDelivery({ format: 'json', output: file }, fakeIo().io);
    await delivery.discard();
    expect(existsSync(file)).toBe(false);
  });
});
