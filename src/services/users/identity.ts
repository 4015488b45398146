import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';

export interface CallerIdentity {
  UserId: string;
  Account: string;
  Arn: string;
}

export async function whoami(sts: STSClient): Promise<CallerIdentity> {
  const out = await sts.send(new GetCallerIdentityCommand({}));
  return { UserId: out.UserId ?? '', Account: out.Account ?? '', Arn: out.Arn ?? '' };
}
