import type { Command } from 'commander';
import { emitRecords, type OutputRecord } from '../output/records';
import { addAwsOptions, addListOutputOptions, addSilentOption, awsContextFor, recordFormat, reporterFor } from './shared/common-options';
import type { CliIo } from '../io';

export function registerListUsers(program: Command, io: CliIo): void {
  const cmd = program
    .command('list-users')
    .description('List every IAM user in the account')
    .addHelpText(
      'after',
      "\nExamples:\n  $ s3-share list-users\n  $ s3-share list-users --nl | jq -r .UserName\n  $ s3-share list-users --csv > users.csv",
    );
  addSilentOption(addAwsOptions(addListOutputOptions(cmd))).action(async (opts) => {
    const format = recordFormat(opts);
    const ctx = await awsContextFor(opts, io, reporterFor(opts, io));
    const [{ createIamClient }, { listUsers }] = await Promise.all([import('../aws/clients'), import('../services/users/list')]);
    const users = listUsers(await createIamClient(ctx)) as AsyncIterable<OutputRecord>;
    await emitRecords(users, format, io.stdout, ['UserName', 'UserId', 'Arn', 'Path', 'CreateDate', 'PasswordLastUsed', 'PermissionsBoundary']);
  });
}
