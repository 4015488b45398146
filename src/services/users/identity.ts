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

/** The caller as the services that build ARNs need it: its account, its partition, its ARN. */
export interface Caller {
  account: string;
  /** aws, aws-cn, aws-us-gov...: read from the caller's ARN, since ARNs built for it must match. */
  partition: string;
  arn: string;
}

export async function callerIdentity(sts: STSClient): Promise<Caller> {
  const me = await sts.send(new GetCallerIdentityCommand({}));
  const arn = me.Arn ?? '';
  return { account: me.Account ?? '', partition: arn.split(':')[1] || 'aws', arn };
}
