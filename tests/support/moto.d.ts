export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface MotoServer {
  /** e.g. http://127.0.0.1:PORT */
  endpoint: string;
  port: number;
  /** enforce=true: an IAM user `admin` with Allow * on *. enforce=false: dummy keys (anything works). */
  admin: Credentials;
  accountId: string;
  /** pid of the python process (also its process group id). */
  pid: number;
  enforce: boolean;
  /** SIGTERM to the process group, SIGKILL after 5 s; resolves once it has exited. Idempotent. */
  stop(): Promise<void>;
}

export const REGION: 'us-east-1';
/** Path of tests/support/moto_server.py. */
export const MOTO_LAUNCHER: string;

/** True when python3 can import moto's server (checked once per process). */
export function isMotoAvailable(): boolean;

export function isProcessAlive(pid: number): boolean;

/** Kills a launcher process group by pid (for teardown when only the pid is known). */
export function killMotoProcessGroup(pid: number, signal?: NodeJS.Signals): void;

/**
 * Starts moto on a free loopback port. enforce (default true) turns IAM enforcement on and
 * bootstraps the admin user; enforce=false is for presigned-URL tests and the benchmarks.
 */
export function startMoto(opts?: { enforce?: boolean }): Promise<MotoServer>;
