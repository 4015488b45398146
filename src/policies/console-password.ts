/**
 * The statements a console user needs to choose its own password, added to its policy by
 * `create --console --password-reset-required`. Pure.
 */
import { appendStatements, type PolicyDocument, type Statement } from './documents';

/**
 * --password-reset-required: at first sign-in the user must set a new password, which takes
 * iam:ChangePassword on itself and iam:GetAccountPasswordPolicy (to show the rules; it has no
 * resource, hence "*"). AWS's console grants the same through the managed IAMUserChangePassword.
 */
export function changeOwnPasswordStatements(userArn: string): Statement[] {
  return [
    { Sid: 'ChangeOwnPassword', Effect: 'Allow', Action: 'iam:ChangePassword', Resource: userArn },
    { Sid: 'ReadPasswordPolicy', Effect: 'Allow', Action: 'iam:GetAccountPasswordPolicy', Resource: '*' },
  ];
}

export function withChangeOwnPassword(policy: PolicyDocument, userArn: string): PolicyDocument {
  return appendStatements(policy, changeOwnPasswordStatements(userArn), '--password-reset-required');
}
