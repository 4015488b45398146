import type { Command } from 'commander';
import type { AwsOptions } from '../aws/config';
import { OperationError } from '../errors';
import { emitRecords, type OutputRecord } from '../output/records';
import { validateIamName } from '../policies/names';
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

export interface ListRolesOptions extends AwsOptions, ListOutputOptions {
  details?: boolean;
  concurrency: number;
  silent?: boolean;
}

export async function runListRoles(names: string[], opts: ListRolesOptions, io: CliIo): Promise<void> {
  const format = recordFormat(opts);
  for (const name of names) validateIamName(name, 'role name');
  const ctx = await awsContextFor(opts, io, reporterFor(opts, io));
  const [{ createIamClient }, { listRoles, ROLE_COLUMNS, ROLE_DETAIL_COLUMNS }] = await Promise.all([
    import('../aws/clients'),
    import('../services/users/roles'),
  ]);
  const missing: string[] = [];
  const roles = listRoles(await createIamClient(ctx), {
    names,
    details: !!opts.details,
    concurrency: opts.concurrency,
    onMissing: (name) => {
      missing.push(name);
      io.stderr.write(`error: role ${name} does not exist: check the name with 's3-share list-roles'\n`);
    },
  });
  const columns = opts.details ? [...ROLE_COLUMNS, ...ROLE_DETAIL_COLUMNS] : [...ROLE_COLUMNS];
  await emitRecords(roles as AsyncIterable<OutputRecord>, format, io.stdout, columns);
  if (missing.length) {
    throw new OperationError(`${missing.length} of ${new Set(names).size} role(s) not found: see the errors above`, 'NoSuchEntity');
  }
}

export function registerListRoles(program: Command, io: CliIo): void {
  const cmd = program
    .command('list-roles')
    .description('List the IAM roles in the account (or the named ones)')
    .argument('[names...]', 'only these roles')
    .option('--details', "add each role's inline and attached managed policies, with their documents (slower)")
    .option('--concurrency <n>', 'IAM requests in flight at most (named roles, --details)', positiveInt('--concurrency', 64), 8)
    .addHelpText(
      'after',
      [
        '',
        'One record per role: Path, RoleName, RoleId, Arn, CreateDate, AssumeRolePolicyDocument,',
        'Description, MaxSessionDuration, PermissionsBoundary, Tags, RoleLastUsed; --details adds',
        'inline_policies (PolicyName, PolicyDocument) and attached_policies (PolicyName, PolicyArn,',
        "PolicyDocument: the default version's). A named role that does not exist is an error line;",
        'the others are still listed and the exit code is 1.',
        '',
        'Examples:',
        '  $ s3-share list-roles',
        '  $ s3-share list-roles --nl | jq -r .RoleName',
        '  $ s3-share list-roles deployer auditor --details',
        '  $ s3-share list-roles --csv > roles.csv',
      ].join('\n'),
    );
  addSilentOption(addAwsOptions(addListOutputOptions(cmd))).action((names: string[], opts: ListRolesOptions) =>
    runListRoles(names, opts, io),
  );
}
