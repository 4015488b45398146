import { paginateListUsers, type IAMClient } from '@aws-sdk/client-iam';

export interface UserRecord {
  UserName: string;
  UserId: string;
  Arn: string;
  Path: string;
  CreateDate?: string;
  PasswordLastUsed?: string;
  PermissionsBoundary?: string;
}

/** Every IAM user, yielded page by page as pages arrive. */
export async function* listUsers(iam: IAMClient): AsyncGenerator<UserRecord> {
  for await (const page of paginateListUsers({ client: iam, pageSize: 1000 }, {})) {
    for (const u of page.Users ?? []) {
      yield {
        UserName: u.UserName ?? '',
        UserId: u.UserId ?? '',
        Arn: u.Arn ?? '',
        Path: u.Path ?? '/',
        CreateDate: u.CreateDate?.toISOString(),
        ...(u.PasswordLastUsed ? { PasswordLastUsed: u.PasswordLastUsed.toISOString() } : {}),
        ...(u.PermissionsBoundary?.PermissionsBoundaryArn ? { PermissionsBoundary: u.PermissionsBoundary.PermissionsBoundaryArn } : {}),
      };
    }
  }
}
