/**
 * Micro-batching of a pipeline step (stages on different devices): the step's sequences are split
 * into m = min(sequences, M) micro-batches — M the plan's `microBatches` when it sets one
 * (PlannedInstance.microBatches; 1 = the sequential pipeline), else the number of stages — that flow through the stages one after another,
 * so stage k works on micro-batch j while stage k + 1 works on j − 1 (GPipe within one step).
 * Each micro-batch costs its stage the step cost of 1/m of the step's tokens (with the step's
 * fixed overhead each time) and sends 1/m of the hidden states over the link path to the next
 * stage (LinkNetwork.transfer: serialisation + latency, shared with other traffic). The engine
 * (llm-engine.ts `runStages`) calls `runStage` when a stage's first micro-batch has arrived; the
 * stage's micro-batches are then placed on its lanes in order, each no earlier than its arrival.
 * With one sequence (m = 1) this is exactly the sequential pipeline. Under llama.cpp RPC
 * (rpc-hop.ts; the formula is policies/rpc-hop.ts', which the policies plan with) each boundary
 * also pays the RPC round trips and dispatch, and the default is one micro-batch (the host keeps
 * one graph evaluation in flight).
 * docs/sim-models.md "Cross-device parallelism".
 */
import type { Instance } from '../host/instance.js';
import type { World } from '../host/world.js';
import { boundaryHopS, usesRpcHops } from './rpc-hop.js';
import { peersRun } from './tp-busy.js';
import { hasPeers, tpOccupyLinks, tpReadyS } from './tp-links.js';

/** Per instance: when each micro-batch reaches the current stage (reused from step to step). */
const arrivals = new WeakMap<Instance, Float64Array>();

function scratch(inst: Instance, m: number): Float64Array {
  let a = arrivals.get(inst);
  if (a === undefined || a.length < m) {
    a = new Float64Array(Math.max(m, 4));
    arrivals.set(inst, a);
  }
  return a;
}

/**
 * Runs the micro-batches of stage `k` of the current step (stage 0 at `readyS`); leaves their
 * arrival times at stage k + 1 in the scratch array and returns the first of them — or, for the
 * last stage, the time the step ends.
 */
export function runStage(w: World, inst: Instance, k: number, readyS: number): number {
  const sd = inst.stageDevices;
  const stages = sd.length;
  const svc = w.scenario.services[inst.service]!;
  const rpc = usesRpcHops(svc.framework);
  // llama.cpp RPC keeps one graph evaluation in flight: no micro-batches unless the plan asks.
  const m = Math.max(1, Math.min(inst.runCount, inst.microBatches > 0 ? inst.microBatches : rpc ? 1 : stages));
  const arr = scratch(inst, m);
  if (k === 0) for (let j = 0; j < m; j++) arr[j] = readyS;
  const prefill = inst.stepPrefillTokens;
  const decoding = inst.stepDecodes;
  const dur =
    inst.llm![k]!.iterationS(prefill / m, decoding / m, inst.stepKvTokens / m, inst.stepPairs / m) *
    w.timeScale(sd[k]!);
  const next = k + 1 < stages && sd[k + 1] !== sd[k];
  const bytes = next ? (svc.model.activationBytesPerToken * (prefill + decoding)) / m : 0;
  // llama.cpp RPC: round trips and dispatch per remote stage per step (rpc-hop.ts).
  const hopS = next ? boundaryHopS(w.network, svc.framework, sd[k]!, sd[k + 1]!) : 0;
  // Tensor parallel over other devices: the group waits for its members and links (tp-links.ts).
  const tp = hasPeers(inst, k);
  let first = Infinity;
  let last = -Infinity;
  for (let j = 0; j < m; j++) {
    // Swap-in of preempted KV (llm-engine.ts) is part of the first stage's first step, on its lanes,
    // as in a decode run.
    const d = k === 0 && j === 0 ? dur + inst.pendingSwapS : dur;
    if (k === 0 && j === 0) inst.pendingSwapS = 0;
    let ready = arr[j]! > readyS ? arr[j]! : readyS;
    if (tp) ready = tpReadyS(w, inst, k, ready);
    const end = w.runOnLanes(sd[k]!, inst.stageLanes[k]!, ready, d, inst.index);
    if (k === 0 && j === 0) inst.laneStartS = w.lastStartS;
    if (tp) {
      tpOccupyLinks(w, inst, k, end - d, (prefill + decoding) / m);
      peersRun(w, inst, k, end - d, d);
    }
    let at = end;
    if (next) {
      at = w.network.transfer(sd[k]!, sd[k + 1]!, bytes, end) + hopS;
      if (w.timeline !== null) w.traceTransfer(sd[k]!, sd[k + 1]!, end, at, bytes);
    }
    arr[j] = at;
    if (at < first) first = at;
    if (at > last) last = at;
  }
  return k + 1 < stages ? first : last;
}
