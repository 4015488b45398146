/** The parts of a user's deletion plan, shared by discovery, removal and the run over many users. */
import type { PrefixTarget } from '../../../policies/prefix-grants';

export type RemovalType =
  | 'objects'
  | 'access-key'
  | 'role'
  | 'inline-policy'
  | 'managed-policy'
  | 'policy'
  | 'login-profile'
  | 'mfa-device'
  | 'signing-certificate'
  | 'ssh-key'
  | 'service-credential'
  | 'group-membership'
  | 'permissions-boundary'
  | 'user';

/** One removed (or, in a dry run, to be removed) item: what --nl prints. */
export interface RemovalRecord {
  UserName: string;
  Type: RemovalType;
  Id: string;
  /** For Type "objects": how many were deleted (absent in a dry run). */
  Count?: number;
}

/** A step of a user's plan: the record it produces and what the executor needs to run it. */
export interface RemovalStep extends RemovalRecord {
  /** mfa-device: a virtual device (its serial is an ARN) is deleted after deactivation. */
  virtual?: boolean;
  /** objects: the folder to empty. */
  target?: PrefixTarget;
}

export interface UserPlan {
  UserName: string;
  steps: RemovalStep[];
  /** --delete-objects grants that cannot be bounded to a folder. */
  refusals: string[];
}
