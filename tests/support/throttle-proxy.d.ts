export interface ProxiedCall {
  /** The IAM/STS Action, or for S3 "METHOD /path?subresource" (query values left out). */
  operation: string;
  write: boolean;
  /** The UserName parameter, URL-encoded as sent. */
  user?: string;
}

export interface ThrottleProxy {
  url: string;
  readonly log: ProxiedCall[];
  readonly writes: ProxiedCall[];
  readonly throttled: number;
  reset(): void;
  close(): Promise<void>;
}

export function startThrottleProxy(opts: { target: string; writesPerSecond?: number; latencyMs?: number }): Promise<ThrottleProxy>;
