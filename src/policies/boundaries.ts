/**
 * The permissions boundary `create` puts on a new user (or, with --role, on its role): a ceiling
 * on what the inline policy can ever grant, even if someone widens it later. Pure: the caller
 * prints the notice.
 */
import type { GrantMode } from './names';

export interface BoundaryRequest {
  /** A policy ARN, 'none', or undefined for the default of the mode. */
  requested?: string;
  mode: GrantMode;
  /** --password-reset-required: the user must be allowed iam:ChangePassword at first sign-in. */
  passwordResetRequired: boolean;
  /** --role: the boundary goes on the role, so it cannot block the user's own password change. */
  role: boolean;
}

export interface BoundaryChoice {
  /** The boundary policy's ARN; undefined for no boundary. */
  arn: string | undefined;
  /** Why the mode's default boundary was left out, for the caller to tell the user. */
  notice?: string;
}

export function chooseBoundary(request: BoundaryRequest, partition: string): BoundaryChoice {
  if (request.requested === 'none') return { arn: undefined };
  if (request.requested !== undefined) return { arn: request.requested };
  // A custom policy may grant more than S3; an S3-only boundary would silently block it.
  if (request.mode === 'custom') return { arn: undefined };
  if (request.passwordResetRequired && !request.role) {
    return {
      arn: undefined,
      notice:
        'no permissions boundary for this user: the default S3-only boundary would block iam:ChangePassword, so it could not choose its new password at first sign-in (--password-reset-required)',
    };
  }
  const name = request.mode === 'read-only' ? 'AmazonS3ReadOnlyAccess' : 'AmazonS3FullAccess';
  return { arn: `arn:${partition}:iam::aws:policy/${name}` };
}
