// `npm run demo`: the main job end to end against a local moto server that this script starts on
// loopback and stops: create a bucket and read-only credentials for it, show that they can read
// and cannot write, then clean up. Nothing reaches real AWS.
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMoto } from '../tests/support/moto.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const CLI = new URL('../bin/s3-share', import.meta.url).pathname;
const bucket = 'demo-shared-reports';
const home = mkdtempSync(join(tmpdir(), 's3share-demo-'));
const say = (text) => console.log(`\n\x1b[1m${text}\x1b[0m`);

function s3share(args, env) {
  console.log(`$ s3-share ${args.join(' ')}`);
  const r = spawnSync('node', [CLI, ...args], { env, encoding: 'utf8' });
  if (r.stderr) process.stdout.write(r.stderr.trimEnd().replace(/^/gm, '  (stderr) ') + '\n');
  if (r.status !== 0) throw new Error(`s3-share ${args[0]} exited ${r.status}`);
  return r.stdout;
}

const moto = await startMoto({ enforce: true });
try {
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: moto.admin.accessKeyId,
    AWS_SECRET_ACCESS_KEY: moto.admin.secretAccessKey,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  say(`moto is running on ${moto.endpoint} with IAM enforcement on; s3-share runs as its admin user:`);
  process.stdout.write(s3share(['whoami'], env));

  say(`Create the bucket and read-only credentials for it, in one command:`);
  const out = s3share(['create', bucket, '--read-only', '--create-bucket'], env);
  const creds = JSON.parse(out);
  console.log(JSON.stringify({ ...creds, SecretAccessKey: '<secret, printed on stdout>' }, null, 2));
  const authFile = join(home, 'client.json');
  writeFileSync(authFile, out, { mode: 0o600 });

  const client = (c) =>
    new S3Client({ endpoint: moto.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: c, maxAttempts: 1 });
  const admin = client(moto.admin);
  await admin.send(new PutObjectCommand({ Bucket: bucket, Key: 'reports/q3.txt', Body: 'Q3 revenue: up 12%\n' }));
  const shared = client({ accessKeyId: creds.AccessKeyId, secretAccessKey: creds.SecretAccessKey });

  say('The client uses the new key (saved to client.json) to read:');
  process.stdout.write(s3share(['whoami', '--auth', authFile], { ...env, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' }));
  const body = await (await shared.send(new GetObjectCommand({ Bucket: bucket, Key: 'reports/q3.txt' }))).Body.transformToString();
  console.log(`GetObject reports/q3.txt -> ${body.trim()}`);

  say('...and cannot write:');
  try {
    await shared.send(new PutObjectCommand({ Bucket: bucket, Key: 'reports/forged.txt', Body: 'x' }));
    throw new Error('PutObject with read-only credentials succeeded: that is a bug');
  } catch (err) {
    if (err.name !== 'AccessDenied') throw err;
    console.log(`PutObject reports/forged.txt -> refused (${err.name})`);
  }

  say('The policy the user holds:');
  process.stdout.write(s3share(['list-user-policies', creds.UserName, '--nl'], env));

  say('Clean up: remove the user and everything attached to it:');
  s3share(['delete-user', creds.UserName], env);
  say('Done.');
} finally {
  await moto.stop();
  rmSync(home, { recursive: true, force: true });
}
