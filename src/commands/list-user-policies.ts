import type { Command } from 'commander';
import type { AwsOptions } from '../aws/config';
import { emitRecords, type OutputRecord } from '../output/records';
import {
  addAwsOptions,
  addListOutputOptions,
  addSilentOption,
  awsContextFor,
  positiveInt,
  recordFormat,
  reporterFor,
  type ListOutputOptions,
} from './shared/common-options';
import type { CliIo } from '../io';

export interface ListUserPoliciesOptions extends AwsOptions, ListOutputOptions {
  concurrency: number;
  silent?: boolean;
}

export async function runListUserPolicies(users: string[], opts: ListUserPoliciesOptions, io: CliIo): Promise<void> {
  const format = recordFormat(opts);
  const ctx = await awsContextFor(opts, io, reporterFor(opts, io));
  const [{ createIamClient }, { listUserPolicies }] = await Promise.all([import('../aws/clients'), import('../services/users/policies')]);
  const records = listUserPolicies(await createIamClient(ctx), { users, concurrency: opts.concurrency });
  await emitRecords(records as AsyncIterable<OutputRecord>, format, io.stdout, [
    'UserName',
    'PolicyName',
    'PolicyType',
    'PolicyArn',
    'Document',
  ]);
}

export function registerListUserPolicies(program: Command, io: CliIo): void {
  const cmd = program
    .command('list-user-policies')
    .description("List users' inline and attached managed policies, with their documents (every user when none is named)")
    .argument('[users...]', 'only these users')
    .option('--concurrency <n>', 'IAM requests in flight at most', positiveInt('--concurrency', 64), 8)
    .addHelpText(
      'after',
      [
        '',
        'One record per user and policy: UserName, PolicyName, PolicyType (inline or managed), PolicyArn, Document.',
        '',
        'Examples:',
        '  $ s3-share list-user-policies alice bob',
        '  $ s3-share list-user-policies --nl | jq -c \'select(.PolicyType == "inline") | {UserName, PolicyName}\'',
        '  $ s3-share list-user-policies --csv > policies.csv',
      ].join('\n'),
    );
  addSilentOption(addAwsOptions(addListOutputOptions(cmd))).action((users: string[], opts: ListUserPoliciesOptions) =>
    runListUserPolicies(users, opts, io),
  );
}
