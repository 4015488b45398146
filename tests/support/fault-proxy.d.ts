export interface FaultRule {
  /** Tested against the operation: the Action of an IAM/STS request, or "METHOD /path" for S3. */
  match: RegExp;
  /**
   * 'stall': accept and never answer. 'html': a web page instead of AWS (`status`, 404 by default).
   * 'trickle': the real answer, its body sent `chunkBytes` at a time every `intervalMs`.
   */
  fault: 'throttle' | 'slowdown' | '500' | 'reset' | 'delay' | 'stall' | 'html' | 'trickle';
  /** How many matching requests get the fault; every one when absent. */
  times?: number;
  delayMs?: number;
  status?: number;
  intervalMs?: number;
  chunkBytes?: number;
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
