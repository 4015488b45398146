/** The access evaluator: who can do what on a bucket, from the policies alone. */
export { evaluate } from './evaluate';
export type { AccessAnswer, AccessRequest, Decision, GroupPolicies, LabelledPolicy, PolicySet, Reason } from './evaluate';
export { KNOWN_KEYS } from './matching';
export { describeExcess, findExcess } from './excess';
export type { Excess, ExcessInput, ExcessScope } from './excess';
