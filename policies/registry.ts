/**
 * The one typed registry of policies. The scenario schema's enum and `parasim policies` derive
 * from its keys. Adding a policy = one file + one line here.
 */
import type { PolicyFactory } from './contract.js';
import { staticRoundRobin } from './baselines/static-round-robin.js';

export const POLICIES = {
  'static-round-robin': staticRoundRobin,
} as const satisfies Record<string, PolicyFactory>;

export type PolicyName = keyof typeof POLICIES;
export const POLICY_NAMES = Object.keys(POLICIES) as PolicyName[];

export function isPolicyName(name: string): name is PolicyName {
  return Object.prototype.hasOwnProperty.call(POLICIES, name);
}
