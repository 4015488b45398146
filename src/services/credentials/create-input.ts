/**
 * What a create is asked for and what its plan gives back: the types that create.ts and the
 * plans of each credential shape (role-steps.ts, temporary.ts) share, kept apart so that those
 * modules and create.ts do not import each other.
 */
import type { IAMClient } from '@aws-sdk/client-iam';
import type { STSClient } from '@aws-sdk/client-sts';
import type { Delivery, IssuedCredentials } from '../../output/credentials';
import type { PolicyDocument } from '../../policies/documents';
import type { GrantMode } from '../../policies/names';
import type { BucketClients, BucketRequest } from '../buckets/existence';
import type { Plan, PlanResults } from '../plan';
import type { ConsoleLogin } from './console-login';
import type { Probe } from './key-readiness';

export interface CreateClients extends BucketClients {
  iam: IAMClient;
  sts: STSClient;
}

/** The buckets' part (which, -c and where, --public, --website, --bucket-owner) is BucketRequest. */
export interface CreateInput extends BucketRequest {
  mode: GrantMode;
  /** The rendered, size-checked policy. */
  policy: PolicyDocument;
  /** An explicit user name (validated); default s3.<mode>.<buckets>. */
  userName?: string;
  /** A policy ARN, 'none', or undefined for the default of the mode. */
  permissionsBoundary?: string;
  /** Temporary credentials for this many seconds (no IAM user). */
  durationSeconds?: number;
  /** The barren-user pattern: the policy goes on this new role, the user may only assume it. */
  role?: string;
  console?: ConsoleLogin;
  /** The first folder a prefix user is limited to ("alice/"): its console link opens there. */
  prefix?: string;
  /** Every folder of the grant (several --prefix), for its tags and the reach check; default [prefix]. */
  prefixes?: string[];
  /** When the access ends (--expires): already a condition in `policy`; recorded in the user's tags. */
  expires?: Date;
  /** Wait until the new key works before delivering it (IAM users only); never fails the run. */
  wait?: { timeoutMs: number; probes(creds: IssuedCredentials): Promise<Probe[]>; signal?: AbortSignal };
  /** The last step: hand the credentials over; absent, the caller gets them from the results. */
  delivery?: Delivery;
  guard?: import('./reach-check').CreateGuard; // --reuse-user, --replace-boundary, --allow-excess; absent: none
}

/** What the command needs once the plan has run. */
export interface CreatePlan extends Plan {
  account: string;
  partition: string;
  /** The user that gets the key (absent for --duration). */
  userName?: string;
  /** The credentials, from the results of the plan's steps. */
  credentials(results: PlanResults): IssuedCredentials;
}
