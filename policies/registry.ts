/**
 * The one typed registry of policies. The scenario schema's enum and `parasim policies` derive
 * from its keys. Adding a policy = one file + one line here.
 */
import type { PolicyFactory } from './contract.js';
import { epara } from './epara/policy.js';
import { edgeShardLatency, edgeShardThroughput } from './baselines/edgeshard.js';
import { edgeSolo } from './baselines/edge-solo.js';
import { cloudEdgeEven, cloudEdgeOpt } from './baselines/cloud-edge.js';
import { adaptiveSplit } from './baselines/adaptive-split.js';
import { leastLoaded, powerOfTwo, roundRobin } from './baselines/routers.js';
import { deviceGroup } from './baselines/device-group.js';

export const POLICIES = {
  epara,
  'edgeshard-latency': edgeShardLatency,
  'edgeshard-throughput': edgeShardThroughput,
  'edge-solo': edgeSolo,
  'cloud-edge-even': cloudEdgeEven,
  'cloud-edge-opt': cloudEdgeOpt,
  'adaptive-split': adaptiveSplit,
  'device-group': deviceGroup,
  'round-robin': roundRobin,
  'least-loaded': leastLoaded,
  'power-of-two': powerOfTwo,
} as const satisfies Record<string, PolicyFactory>;

export type PolicyName = keyof typeof POLICIES;
export const POLICY_NAMES = Object.keys(POLICIES) as PolicyName[];

export function isPolicyName(name: string): name is PolicyName {
  return Object.prototype.hasOwnProperty.call(POLICIES, name);
}
