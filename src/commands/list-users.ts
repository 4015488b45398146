import type { Command } from 'commander';
import type { AwsOptions } from '../aws/config';
import { emitRecords, type OutputRecord } from '../output/records';
import {
  addAwsOptions,
  addListOutputOptions,
  addSilentOption,
  awsContextFor,
  recordFormat,
  reporterFor,
  type ListOutputOptions,
} from './shared/common-options';
import type { CliIo } from '../io';

export interface ListUsersOptions extends AwsOptions, ListOutputOptions {
  silent?: boolean;
}

export async function runListUsers(opts: ListUsersOptions, io: CliIo): Promise<void> {
  const format = recordFormat(opts);
  const ctx = await awsContextFor(opts, io, reporterFor(opts, io));
  const [{ createIamClient }, { listUsers }] = await Promise.all([import('../aws/clients'), import('../services/users/list')]);
  const users = listUsers(await createIamClient(ctx)) as AsyncIterable<OutputRecord>;
  await emitRecords(users, format, io.stdout, [
    'UserName',
    'UserId',
    'Arn',
    'Path',
    'CreateDate',
    'PasswordLastUsed',
    'PermissionsBoundary',
  ]);
}

export function registerListUsers(program: Command, io: CliIo): void {
  const cmd = program
    .command('list-users')
    .description('List every IAM user in the account')
    .addHelpText(
      'after',
      '\nExamples:\n  $ s3-share list-users\n  $ s3-share list-users --nl | jq -r .UserName\n  $ s3-share list-users --csv > users.csv',
    );
  addSilentOption(addAwsOptions(addListOutputOptions(cmd))).action((opts: ListUsersOptions) => runListUsers(opts, io));
}
