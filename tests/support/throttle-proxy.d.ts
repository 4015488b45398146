export interface ProxiedCall {
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
