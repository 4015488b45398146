/**
 * Working as a role: validate its ARN, pick a session name, and a credentials provider that
 * assumes the role and assumes it again ~5 minutes before the credentials expire, so a sync that
 * outlasts --duration keeps going. STS is called with the caller's own credentials.
 */
import { randomBytes } from 'node:crypto';
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';

const ROLE_ARN = /^arn:aws(-cn|-us-gov)?:iam::\d{12}:role\/[\w+=,.@\-/]{1,512}$/;

/** arn:aws[-cn|-us-gov]:iam::123456789012:role/[path/]name */
export function isRoleArn(arn: string): boolean {
  return ROLE_ARN.test(arn) && !arn.endsWith('/');
}

const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

export function isSessionName(name: string): boolean {
  return SESSION_NAME.test(name);
}

/** s3-share-<12 hex>: valid, and recognisable in CloudTrail. */
export function randomSessionName(): string {
  return `s3-share-${randomBytes(6).toString('hex')}`;
}

export interface RoleSessionInput {
  roleArn: string;
  sessionName: string;
  durationSeconds: number;
  externalId?: string;
}

/** Refresh this long before Expiration. */
export const REFRESH_MARGIN_MS = 5 * 60 * 1000;

export interface RoleCredentialsProvider extends AwsCredentialIdentityProvider {
  /** How many times the role has been assumed (1 after the first call). */
  readonly assumptions: number;
}

/**
 * A provider that assumes the role on first use and again whenever the credentials are within
 * REFRESH_MARGIN_MS of expiring. Concurrent callers share one AssumeRole call.
 */
export function roleCredentialsProvider(
  sts: Pick<STSClient, 'send'>,
  input: RoleSessionInput,
  now: () => number = Date.now,
): RoleCredentialsProvider {
  let current: AwsCredentialIdentity | undefined;
  let inFlight: Promise<AwsCredentialIdentity> | undefined;
  let assumptions = 0;
  const assume = async (): Promise<AwsCredentialIdentity> => {
    const out = await sts.send(
      new AssumeRoleCommand({
        RoleArn: input.roleArn,
        RoleSessionName: input.sessionName,
        DurationSeconds: input.durationSeconds,
        ExternalId: input.externalId,
      }),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`STS returned no credentials for ${input.roleArn}`);
    assumptions++;
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
  };
  const fresh = (c: AwsCredentialIdentity | undefined): c is AwsCredentialIdentity =>
    !!c && (!c.expiration || c.expiration.getTime() - now() > REFRESH_MARGIN_MS);
  const provider = async (): Promise<AwsCredentialIdentity> => {
    if (fresh(current)) return current;
    inFlight ??= assume().then(
      (c) => {
        current = c;
        inFlight = undefined;
        return c;
      },
      (err: unknown) => {
        inFlight = undefined;
        throw err;
      },
    );
    return inFlight;
  };
  Object.defineProperty(provider, 'assumptions', { get: () => assumptions });
  return provider as RoleCredentialsProvider;
}
