// Shared bench helpers: timing child processes, medians, and a throwaway moto server on loopback.
import { spawn } from 'node:child_process';
import * as localMoto from '../tests/support/moto.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = new URL('..', import.meta.url).pathname;
export const CLI = join(ROOT, 'bin/s3-share');

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Wall time of one run, in milliseconds; throws if the command fails. Asynchronous, because a
 * proxy in this same process must keep serving while the child runs.
 */
export function timeRun(cmd, args, env = process.env) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      const stdout = Buffer.concat(out).toString();
      const stderr = Buffer.concat(err).toString();
      if (code !== 0) reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${stderr}`));
      else resolve({ ms, stdout, stderr });
    });
  });
}

export const MIN_ROUNDS = 3;

/**
 * Runs the candidates in turn, `rounds` times, and returns each one's median. The order rotates
 * every round (A B C, B C A, C A B, ...) so that no candidate always goes first (and so always
 * meets a colder cache or an emptier server). At least MIN_ROUNDS rounds: the median of two runs
 * is only their mean.
 */
export async function alternate(rounds, candidates) {
  if (!(rounds >= MIN_ROUNDS)) throw new Error(`alternate: at least ${MIN_ROUNDS} rounds for a median, got ${rounds}`);
  const times = candidates.map(() => []);
  for (let i = 0; i < rounds; i++) {
    for (let k = 0; k < candidates.length; k++) {
      const j = (i + k) % candidates.length;
      times[j].push(await candidates[j]());
    }
  }
  return times.map(median);
}

/** A run that exited 0 but did not do the work it was timed for: its time means nothing. */
export class InvalidRun extends Error {}

/** Throws InvalidRun with `what` unless `ok`. */
export function check(ok, what) {
  if (!ok) throw new InvalidRun(what);
}

/** A moto server without IAM enforcement: the bench measures round trips, not policy. */
export function startMoto() {
  return localMoto.startMoto({ enforce: false });
}

export function benchEnv(endpoint) {
  const home = mkdtempSync(join(tmpdir(), 's3share-bench-home-'));
  // The CLI runs many times with this HOME, until the end of the run: remove it then.
  process.once('exit', () => rmSync(home, { recursive: true, force: true }));
  return {
    PATH: process.env.PATH,
    HOME: home,
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench-secret',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

export function report(name, value, target, pass) {
  const line = `${pass ? 'PASS' : 'MISS'}  ${name}: ${value}  (target ${target})`;
  console.log(line);
  return { name, value, target, pass };
}

/**
 * Measures one benchmark: `fn` returns its report; if a run's work check fails (InvalidRun), the
 * benchmark is reported INVALID, with no ratio, and the others still run.
 */
export async function measure(name, target, fn) {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof InvalidRun)) throw err;
    console.log(`INVALID  ${name}: ${err.message}  (target ${target}; no ratio: a run did not do its work)`);
    return { name, value: `invalid: ${err.message}`, target, pass: false, invalid: true };
  }
}
