// get-cors-policy and set-cors-policy run in-process through main() with S3 mocked: the rule
// built from s3-credentials' flags and defaults, what is refused before any call, and the output.
import { DeleteBucketCorsCommand, GetBucketCorsCommand, PutBucketCorsCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { corsRule, planSetCors } from '../../../src/services/buckets/cors';
import { PlanResults } from '../../../src/services/plan';
import { awsError } from '../support/aws-error';
import { runCli } from '../support/run-cli';

const s3 = mockClient(S3Client);
const cli = (...args: string[]) => runCli(args);
const puts = () => s3.commandCalls(PutBucketCorsCommand);
const OLD = [{ ID: 'theirs', AllowedMethods: ['POST'], AllowedOrigins: ['https://old.example'] }];

beforeEach(() => {
  s3.reset();
  s3.on(PutBucketCorsCommand).resolves({});
  s3.on(GetBucketCorsCommand).rejects(awsError('NoSuchCORSConfiguration', 404));
});

describe('corsRule', () => {
  it('defaults to GET from any origin, as s3-credentials does, and sets MaxAgeSeconds only when given', () => {
    expect(corsRule({ allowedMethods: [], allowedHeaders: [], allowedOrigins: [], exposeHeaders: [] })).toEqual({
      ID: 'set-by-s3-share',
      AllowedOrigins: ['*'],
      AllowedHeaders: [],
      AllowedMethods: ['GET'],
      ExposeHeaders: [],
    });
    expect(
      corsRule({
        allowedMethods: ['PUT'],
        allowedHeaders: ['A'],
        allowedOrigins: ['https://x'],
        exposeHeaders: ['ETag'],
        maxAgeSeconds: 60,
      }),
    ).toEqual({
      ID: 'set-by-s3-share',
      AllowedOrigins: ['https://x'],
      AllowedHeaders: ['A'],
      AllowedMethods: ['PUT'],
      ExposeHeaders: ['ETag'],
      MaxAgeSeconds: 60,
    });
  });
});

describe('set-cors-policy', () => {
  it('puts one rule from the short flags (-h is --allowed-header) and prints it', async () => {
    const r = await cli(
      'set-cors-policy',
      'photos',
      '-m',
      'get',
      '-m',
      'PUT',
      '-m',
      'GET',
      '-h',
      'Authorization',
      '-o',
      'https://a.example',
      '-e',
      'ETag',
      '--max-age-seconds',
      '600',
    );
    expect(r.code).toBe(0);
    const rule = {
      ID: 'set-by-s3-share',
      AllowedOrigins: ['https://a.example'],
      AllowedHeaders: ['Authorization'],
      AllowedMethods: ['GET', 'PUT'],
      ExposeHeaders: ['ETag'],
      MaxAgeSeconds: 600,
    };
    expect(puts()).toHaveLength(1);
    expect(puts()[0]!.args[0].input).toEqual({ Bucket: 'photos', CORSConfiguration: { CORSRules: [rule] } });
    expect(JSON.parse(r.stdout)).toEqual({ Bucket: 'photos', CORSRules: [rule] });
    expect(r.stderr).not.toMatch(/replacing/);
  });

  it('shows on stderr the rules it replaces (not with --silent)', async () => {
    s3.on(GetBucketCorsCommand).resolves({ CORSRules: OLD });
    const r = await cli('set-cors-policy', 'photos');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`replacing the CORS rules of bucket photos: ${JSON.stringify(OLD)}`);
    expect((await cli('set-cors-policy', 'photos', '--silent')).stderr).toBe('');
  });

  it('--dry-run prints the configuration and puts nothing', async () => {
    const r = await cli('set-cors-policy', 'photos', '--dry-run', '--nl');
    expect(r.code).toBe(0);
    expect(puts()).toHaveLength(0);
    const out = JSON.parse(r.stdout);
    expect(out.DryRun).toBe(true);
    expect(out.Plan[0]).toMatchObject({
      operation: 'PutBucketCors',
      input: { Bucket: 'photos', CORSConfiguration: { CORSRules: [{ AllowedMethods: ['GET'] }] } },
    });
  });

  it.each([
    [['-m', 'PATCH'], "error: --allowed-method 'PATCH' is not a method S3 allows in CORS: use one of GET, PUT, POST, DELETE, HEAD"],
    [['-o', ' '], 'error: --allowed-origin must not be empty: give a value, or leave the flag out'],
    [['-h', ''], 'error: --allowed-header must not be empty: give a value, or leave the flag out'],
    [['-e', ''], 'error: --expose-header must not be empty: give a value, or leave the flag out'],
    [['--max-age-seconds', '0'], "error: --max-age-seconds must be a whole number from 1 to 2147483647, not '0'"],
    [['--max-age-seconds', '-5'], "error: --max-age-seconds must be a whole number from 1 to 2147483647, not '-5'"],
    [['--max-age-seconds', '2147483648'], "error: --max-age-seconds must be a whole number from 1 to 2147483647, not '2147483648'"],
  ])('%j is a usage error before any AWS call', async (args, message) => {
    const r = await cli('set-cors-policy', 'photos', ...args);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(message);
    expect(s3.calls()).toHaveLength(0);
  });

  it('help is --help alone and says why', async () => {
    const r = await cli('set-cors-policy', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--help +show help \(-h is --allowed-header here\)/);
    expect(r.stdout).not.toMatch(/-h, --help/);
  });

  it('a rollback puts back the rules the bucket had, or deletes the ones it put', async () => {
    s3.on(GetBucketCorsCommand).resolves({ CORSRules: OLD });
    s3.on(DeleteBucketCorsCommand).resolves({});
    const rule = corsRule({ allowedMethods: [], allowedHeaders: [], allowedOrigins: [], exposeHeaders: [] });
    const withOld = await planSetCors(new S3Client({}), 'photos', rule);
    const undo = withOld.steps[0]!.undo!(undefined);
    await undo!.run();
    expect(puts().at(-1)!.args[0].input).toEqual({ Bucket: 'photos', CORSConfiguration: { CORSRules: OLD } });
    s3.on(GetBucketCorsCommand).rejects(awsError('NoSuchCORSConfiguration', 404));
    const fresh = await planSetCors(new S3Client({}), 'photos', rule);
    await fresh.steps[0]!.run(new PlanResults());
    await fresh.steps[0]!.undo!(undefined)!.run();
    expect(s3.commandCalls(DeleteBucketCorsCommand)).toHaveLength(1);
  });
});

describe('get-cors-policy', () => {
  it('prints the rules as pretty JSON, or one line with --nl', async () => {
    s3.on(GetBucketCorsCommand).resolves({ CORSRules: OLD });
    const r = await cli('get-cors-policy', 'photos');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(JSON.stringify(OLD, null, 2) + '\n');
    expect((await cli('get-cors-policy', 'photos', '--nl')).stdout).toBe(JSON.stringify(OLD) + '\n');
  });

  it('no CORS configuration is one error line, exit 1', async () => {
    const r = await cli('get-cors-policy', 'photos');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('error: bucket photos has no CORS configuration (NoSuchCORSConfiguration): set-cors-policy adds one\n');
  });

  it('a missing bucket is NoSuchBucket, exit 1', async () => {
    s3.on(GetBucketCorsCommand).rejects(awsError('NoSuchBucket', 404));
    const r = await cli('get-cors-policy', 'photos');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: bucket photos does not exist \(NoSuchBucket\)/);
  });
});
