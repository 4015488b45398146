/**
 * `s3-share localserver BUCKET... -d DURATION`: serve temporary credentials for the buckets over
 * HTTP on this machine, in the JSON a credential_process prints, refreshed before they expire.
 * The work is in services/credentials/local-server.ts.
 */
import type { Command } from 'commander';
import type { AwsOptions } from '../aws/config';
import { InterruptedError, UsageError } from '../errors';
import { SIGNAL_EXIT_CODES, type CliIo } from '../io';
import { addAwsOptions, addSilentOption, awsContextFor, reporterFor } from './shared/common-options';
import { durationParser, parseDuration } from './shared/durations';
import { addPolicyOptions, policySpecFromOptions, type PolicyOptions } from './shared/policy-options';
import { MAX_SESSION_SECONDS } from '../policies/iam-limits';

export interface LocalserverOptions extends PolicyOptions, AwsOptions {
  port: number;
  host: string;
  duration: number;
  refreshBefore?: number;
  silent?: boolean;
}

export const DEFAULT_PORT = 8094;
/** Refresh 10 minutes before expiry, or halfway through shorter credentials. */
const DEFAULT_REFRESH_BEFORE_SECONDS = 600;

function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) {
    throw new UsageError(`-p/--port '${value}' is not a port number: give 1 to 65535, or 0 for any free port`);
  }
  return n;
}

const parseRefreshBefore = durationParser({
  flag: '--refresh-before',
  min: 1,
  max: MAX_SESSION_SECONDS - 1,
  range: 'from 1s to just under 12h',
});

/** The margin in seconds: given, or the default, always less than the credentials' life. */
export function refreshBeforeSeconds(durationSeconds: number, given: number | undefined): number {
  if (given === undefined) return Math.min(DEFAULT_REFRESH_BEFORE_SECONDS, Math.floor(durationSeconds / 2));
  if (given >= durationSeconds) {
    throw new UsageError(
      `--refresh-before ${given} s is not shorter than --duration ${durationSeconds} s: the credentials would be refreshed before they are issued; give a shorter margin`,
    );
  }
  return given;
}

export async function runLocalserver(buckets: string[], opts: LocalserverOptions, io: CliIo): Promise<void> {
  const reporter = reporterFor(opts, io);
  if (buckets.length === 0) throw new UsageError('no bucket given: name at least one bucket');
  if (opts.host.trim() === '') throw new UsageError('--host is empty: give an address to listen on, such as 127.0.0.1');
  const refreshBefore = refreshBeforeSeconds(opts.duration, opts.refreshBefore);
  const [{ checkPolicySize }, { renderPolicy }, { validateBucketName }] = await Promise.all([
    import('../policies/documents'),
    import('../policies/templates'),
    import('../policies/bucket-names'),
  ]);
  for (const bucket of buckets) validateBucketName(bucket);
  const spec = await policySpecFromOptions(buckets, opts, io);
  const { document, notices } = await renderPolicy(spec);
  for (const notice of notices) reporter.info(notice);
  checkPolicySize(document, 'session');
  const custom = opts.policy !== undefined || (opts.statement?.length ?? 0) > 0;
  const mode = custom ? 'custom' : (spec.mode ?? 'read-write');

  const server = await import('../services/credentials/local-server');
  if (!server.isLoopbackHost(opts.host)) {
    reporter.warn(
      `--host ${opts.host} is not a loopback address: anyone who can reach ${opts.port ? `port ${opts.port}` : 'the port'} on it gets these credentials; use 127.0.0.1 unless that is meant`,
    );
  }
  const ctx = await awsContextFor(opts, io, reporter);
  const [{ createIamClient, createStsClient, createS3Client }, { callerIdentity }] = await Promise.all([
    import('../aws/clients'),
    import('../services/users/identity'),
  ]);
  const [iam, sts, s3] = await Promise.all([createIamClient(ctx), createStsClient(ctx), createS3Client(ctx)]);
  const clients = { iam, sts, s3, s3InRegion: (region: string) => createS3Client(ctx, region) };
  const me = await callerIdentity(sts);
  await server.checkBucketsExist(clients, buckets, reporter);
  // Making the shared role is several calls: a signal in between must roll it back, not leave a
  // role without its policy. Once it exists there is nothing to clean up, and a signal simply
  // ends the server.
  const makesRole = !(await server.temporaryRoleExists(iam));
  if (makesRole) io.interrupts.handle();
  const issue = server.temporaryCredentialIssuer(
    clients,
    { buckets, mode, policy: document, durationSeconds: opts.duration, createBucket: false, bucketRegion: ctx.region },
    me,
    reporter,
    io.interrupts.signal,
  );
  const cache = server.credentialCache(issue, { refreshBeforeMs: refreshBefore * 1000, reporter });
  const first = await cache.start();
  // The role exists now: from here a signal just ends the server, quietly, as on later runs.
  if (makesRole) io.interrupts.release();
  reporter.info(`the first credentials expire at ${first.Expiration.toISOString()}`);
  let running;
  try {
    running = await server.serveCredentials(cache, { host: opts.host, port: opts.port, reporter });
  } catch (err) {
    cache.stop();
    throw err;
  }
  reporter.info(
    `serving ${mode} credentials for ${buckets.join(', ')} at ${running.url} (each valid ${opts.duration} s, refreshed ${refreshBefore} s before they expire); Ctrl-C stops`,
  );
  reporter.info(`use it from a profile in ~/.aws/config: credential_process = curl -sf ${running.url}`);
  const signal = io.interrupts.signal;
  const name = await new Promise<string>((resolve) => {
    const stop = () => resolve(signal.reason === 'SIGTERM' ? 'SIGTERM' : 'SIGINT');
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
  });
  cache.stop();
  await running.close();
  throw new InterruptedError(`interrupted by ${name}: the server has stopped`, SIGNAL_EXIT_CODES[name as keyof typeof SIGNAL_EXIT_CODES]);
}

export function registerLocalserver(program: Command, io: CliIo): void {
  const cmd = program
    .command('localserver')
    .description(
      'Serve temporary credentials for the buckets over HTTP on this machine, as a credential_process prints them, refreshed before they expire',
    )
    .argument('<buckets...>', 'the buckets; several give one policy covering all of them')
    .option('-p, --port <port>', `the port to listen on; 0 picks a free one (default: ${DEFAULT_PORT})`, parsePort, DEFAULT_PORT)
    .option(
      '--host <address>',
      'the address to listen on (default: 127.0.0.1); any other than a loopback one lets every machine that reaches it take the credentials',
      '127.0.0.1',
    )
    .requiredOption('-d, --duration <time>', 'how long each set of credentials is valid: 15m to 12h, e.g. 15m, 1h, 3600', parseDuration)
    .option(
      '--refresh-before <time>',
      'refresh the credentials this long before they expire (default: 10m, or half of --duration when that is shorter)',
      parseRefreshBefore,
    );
  addPolicyOptions(cmd);
  addSilentOption(addAwsOptions(cmd))
    .addHelpText(
      'after',
      [
        '',
        'GET / answers with the JSON a credential_process prints: Version 1, AccessKeyId,',
        'SecretAccessKey, SessionToken and Expiration. The credentials are those of',
        "'create --duration' (a session of the role s3-share-temporary, limited by the policy); new",
        'ones are issued in the background before the current ones expire, and expired ones are never',
        'served: if refreshing fails until they expire, GET / answers 503 with a JSON error. Each',
        'request is logged on stderr (never its answer). On a loopback address, requests addressed to',
        'another host name are refused (403), so a web page cannot read the credentials through DNS',
        'rebinding.',
        '',
        'Examples:',
        '  $ s3-share localserver my-bucket --read-only --duration 1h',
        '  $ s3-share localserver my-bucket --duration 1h --port 9000',
        '  # then, in ~/.aws/config:',
        '  #   [profile my-bucket]',
        '  #   credential_process = curl -sf http://127.0.0.1:8094/',
      ].join('\n'),
    )
    .action((buckets: string[], opts: LocalserverOptions) => runLocalserver(buckets, opts, io));
}
