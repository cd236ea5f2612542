/**
 * The cost of a pipeline stage boundary under llama.cpp's RPC backend (`--rpc`, `-sm layer`), the
 * formula the simulator charges (sim/parallel/pipeline.ts calls `rpcHopS` with these constants)
 * and the policies plan with — so a policy that splits a llama.cpp model over devices predicts
 * what the host will run. The host drives every remote stage with synchronous request/response
 * calls — send the stage its input (set_tensor), run its sub-graph (graph_compute, the serialised
 * graph sent with it), fetch its output (get_tensor) — so each remote stage of each step (token)
 * pays three round trips on the path plus a software cost (graph serialisation, deserialisation
 * and dispatch on the server), and stages never overlap (one step in flight; async RPC landed
 * only in 2026, llama.cpp PR #18626). Other frameworks pay only the hidden-state transfer.
 *
 *   hop_rpc = RPC_ROUND_TRIPS · 2 · L_path + RPC_STAGE_S        (seconds per boundary per step)
 *
 * L_path: one-way latency between the two stages' devices (the simulator's LinkNetwork.latency;
 * a policy's `pathLatencyS` over the view's links).
 * RPC_STAGE_S is FITTED on published differences only (no simulated figure enters it), from the
 * Mac Studio 10GbE rows of ../shared/profiles/batched/split-multidevice.csv: time per token added
 * per extra remote stage — Qwen3-235B 1 → 2 nodes 9.1 ms, 1 → 4 nodes 5.6 ms per stage;
 * DeepSeek-V3.1 2 → 4 nodes 3.0 ms; Kimi K2 2 → 4 nodes 3.5 ms — median 4.5 ms, less the three
 * round trips of 0.1 ms on 10GbE. Same order as llama.cpp PR #6829 (tinyllama F16, all layers on
 * one remote over GbE: +7.9 ms per token against local CUDA, 2024 build).
 * docs/sim-models.md "Cross-device parallelism".
 */
import type { DeviceId, LinkState, NodeId, ServiceInfo } from './contract.js';
import { pathLatencyS } from './network.js';

/** Synchronous round trips per remote stage per step: set_tensor, graph_compute, get_tensor. */
export const RPC_ROUND_TRIPS = 3;
/** Software cost per remote stage per step, seconds (FITTED, see the file comment). */
export const RPC_STAGE_S = 4.2e-3;

/**
 * True when `framework` (ServiceInfo.framework, a scenario's `framework:`) drives cross-device
 * pipeline stages over llama.cpp RPC: its stage boundaries pay `rpcHopS` per step and its
 * stages run one after another (no micro-batches unless the plan asks).
 */
export function usesRpcHops(framework: string | undefined): boolean {
  return framework === 'llama.cpp';
}

/** Seconds a stage boundary adds beyond the hidden-state transfer, for a one-way path latency `pathS`. */
export function rpcHopS(pathS: number): number {
  return RPC_ROUND_TRIPS * 2 * pathS + RPC_STAGE_S;
}

/**
 * What a policy charges per step at the boundary between consecutive stages on devices `from` →
 * `to` (network nodes `fromNode`, `toNode`): `rpcHopS` of the path under llama.cpp, else 0; 0
 * between stages on one device (the host sends nothing there). Infinity when unreachable.
 */
export function boundaryHopS(
  links: readonly LinkState[],
  service: Pick<ServiceInfo, 'framework'>,
  from: DeviceId,
  to: DeviceId,
  fromNode: NodeId,
  toNode: NodeId,
): number {
  if (from === to || !usesRpcHops(service.framework)) return 0;
  return rpcHopS(pathLatencyS(links, fromNode, toNode));
}
