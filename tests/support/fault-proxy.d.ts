export interface FaultRule {
  /** Tested against the operation: the Action of an IAM/STS request, or "METHOD /path" for S3. */
  match: RegExp;
  fault: 'throttle' | 'slowdown' | '500' | 'reset' | 'delay';
  /** How many matching requests get the fault; every one when absent. */
  times?: number;
  delayMs?: number;
}

export interface FaultProxy {
  url: string;
  port: number;
  readonly requests: number;
  readonly faults: number;
  setRules(rules: FaultRule[]): void;
  close(): Promise<void>;
}

export function startFaultProxy(opts: { target: string; latencyMs?: number; rules?: FaultRule[] }): Promise<FaultProxy>;
