/**
 * Pipelines over llama.cpp RPC, as the simulator charges them: the formula and its fitted
 * constants live in policies/rpc-hop.ts (with their sources), so that the policies that split a
 * llama.cpp model plan with what is charged here — one formula for both, as policies/tp-sync.ts
 * is for tensor parallelism. Here it meets the LinkNetwork: the one-way latency of the route
 * between the two stages' devices.
 */
import type { ServingFramework } from '../../scenarios/index.js';
import type { LinkNetwork } from '../network/link-network.js';
import { rpcHopS, usesRpcHops } from '../../policies/rpc-hop.js';

export { RPC_ROUND_TRIPS, RPC_STAGE_S, rpcHopS, usesRpcHops } from '../../policies/rpc-hop.js';

/**
 * Seconds the boundary between stages on network nodes `from` → `to` adds per step beyond the
 * hidden-state transfer: `rpcHopS` of the route's latency under llama.cpp, else 0.
 */
export function boundaryHopS(
  network: LinkNetwork,
  framework: ServingFramework | undefined,
  from: number,
  to: number,
): number {
  return usesRpcHops(framework) ? rpcHopS(network.latency(from, to)) : 0;
}
