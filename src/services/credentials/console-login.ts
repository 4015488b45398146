/**
 * --console: a password to sign in to the AWS console. The password satisfies the account's
 * password policy (or AWS's default when there is none), is made with crypto.randomInt, and
 * appears only in the delivered credentials: a plan step prints it as "(hidden)".
 */
import {
  CreateLoginProfileCommand,
  DeleteLoginProfileCommand,
  GetAccountPasswordPolicyCommand,
  GetLoginProfileCommand,
  type IAMClient,
  type PasswordPolicy,
} from '@aws-sdk/client-iam';
import { randomInt } from 'node:crypto';
import { isNoSuchEntity } from '../../aws/errors';
import { OperationError, UsageError } from '../../errors';
import { passwordCharacterProblem } from '../../policies/input-rules';
import type { Reporter } from '../../output/reporter';
import { step, type PlanStep } from '../plan';

export interface ConsoleLogin {
  /** A password chosen by the caller (from stdin); generated when absent. */
  password?: string;
  passwordResetRequired: boolean;
}

/** What AWS applies when the account has no password policy: 8 characters, 3 of the 4 kinds. */
export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = { MinimumPasswordLength: 8 };

const CLASSES = {
  lower: 'abcdefghijkmnopqrstuvwxyz',
  upper: 'ABCDEFGHJKLMNPQRSTUVWXYZ',
  digits: '23456789',
  // Symbols IAM accepts in a password.
  symbols: '!@#$%^&*()_+-=[]{}|',
};

/** A random password of max(policy minimum, 20) characters, with every kind of character. */
export function generatePassword(policy: PasswordPolicy = DEFAULT_PASSWORD_POLICY, random: (max: number) => number = randomInt): string {
  const length = Math.max(policy.MinimumPasswordLength ?? 8, 20);
  const all = Object.values(CLASSES).join('');
  const chars = Object.values(CLASSES).map((set) => set[random(set.length)]!);
  while (chars.length < length) chars.push(all[random(all.length)]!);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = random(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}

/** Why a password does not satisfy the policy, or undefined. */
export function passwordProblem(password: string, policy: PasswordPolicy): string | undefined {
  const min = policy.MinimumPasswordLength ?? 8;
  if (password.length < min) return `it is shorter than ${min} characters`;
  const characters = passwordCharacterProblem(password);
  if (characters) return characters;
  const checks: Array<[boolean | undefined, RegExp, string]> = [
    [policy.RequireLowercaseCharacters, /[a-z]/, 'a lowercase letter'],
    [policy.RequireUppercaseCharacters, /[A-Z]/, 'an uppercase letter'],
    [policy.RequireNumbers, /[0-9]/, 'a digit'],
    [policy.RequireSymbols, /[^A-Za-z0-9]/, 'a symbol'],
  ];
  for (const [required, re, what] of checks) if (required && !re.test(password)) return `it has no ${what}`;
  return undefined;
}

async function passwordPolicy(iam: IAMClient): Promise<PasswordPolicy> {
  try {
    return (await iam.send(new GetAccountPasswordPolicyCommand({}))).PasswordPolicy ?? DEFAULT_PASSWORD_POLICY;
  } catch (err) {
    if (isNoSuchEntity(err)) return DEFAULT_PASSWORD_POLICY;
    throw err;
  }
}

async function checkNoLoginProfile(iam: IAMClient, userName: string): Promise<void> {
  try {
    await iam.send(new GetLoginProfileCommand({ UserName: userName }));
  } catch (err) {
    if (isNoSuchEntity(err)) return;
    throw err;
  }
  throw new OperationError(
    `user ${userName} already has a console password: leave out --console, or pick another --username`,
    'EntityAlreadyExists',
  );
}

async function build(
  iam: IAMClient,
  userName: string,
  login: ConsoleLogin,
  reporter: Reporter,
): Promise<{ steps: PlanStep[]; password: () => string }> {
  const policy = await passwordPolicy(iam);
  const password = login.password ?? generatePassword(policy);
  if (login.password !== undefined) {
    const problem = passwordProblem(login.password, policy);
    if (problem)
      throw new UsageError(
        `the --password does not satisfy the account's password policy: ${problem}: choose another, or leave out --password to generate one`,
      );
  } else {
    reporter.info(`generated a ${password.length}-character console password`);
  }
  const request = { UserName: userName, PasswordResetRequired: login.passwordResetRequired };
  return {
    password: () => password,
    steps: [
      step<unknown>({
        service: 'iam',
        operation: 'CreateLoginProfile',
        description: `give user ${userName} a console password`,
        input: { ...request, Password: '(hidden)' },
        run: () => iam.send(new CreateLoginProfileCommand({ ...request, Password: password })),
        undo: () => ({
          description: `delete the console password of user ${userName}`,
          run: () => iam.send(new DeleteLoginProfileCommand({ UserName: userName })),
        }),
      }),
    ],
  };
}

export const consoleSteps = { checkNoLoginProfile, build };

/**
 * The account's sign-in page and each bucket's page in the S3 console; for a prefix user, the
 * page of its folder, since it may not list the bucket's root.
 */
export function consoleUrls(
  account: string,
  buckets: readonly string[],
  partition = 'aws',
  prefix?: string,
): { ConsoleUrl: string; BucketConsoleUrls: string[] } {
  const domain = partition === 'aws-cn' ? 'amazonaws.cn' : partition === 'aws-us-gov' ? 'amazonaws-us-gov.com' : 'aws.amazon.com';
  return {
    ConsoleUrl: `https://${account}.signin.${domain}/console`,
    BucketConsoleUrls: buckets.map(
      (b) =>
        `https://s3.console.${domain}/s3/buckets/${b}${prefix ? `?prefix=${prefix.split('/').map(encodeURIComponent).join('/')}` : ''}`,
    ),
  };
}
