/**
 * One engine step of a pipeline instance (stages on different devices) with micro-batching:
 * the step's sequences are split into m = min(sequences, stages) micro-batches that flow through
 * the stages one after another, so stage k works on micro-batch j while stage k + 1 works on
 * j − 1 (GPipe within a step). Each micro-batch costs its stage the step cost of 1/m of the
 * step's tokens (with the step's fixed overhead each time) and sends 1/m of the hidden states
 * over the link path to the next stage (LinkNetwork.transfer: serialisation + latency, shared
 * with other traffic). With one sequence (m = 1) this is exactly the sequential pipeline.
 * docs/sim-models.md "Cross-device parallelism".
 */
import type { Instance } from '../host/instance.js';
import type { World } from '../host/world.js';
import { peersRun } from './tp-busy.js';

/** When each micro-batch reaches the current stage (scratch: no allocation per step). */
let ready = new Float64Array(16);

/** Schedules the stages' work for one step starting at `now`; returns when its last micro-batch ends. */
export function pipelineStepEnd(w: World, inst: Instance, now: number, prefill: number, decoding: number, kv: number, pairs: number): number {
  const sd = inst.stageDevices;
  const perf = inst.llm!;
  const stages = sd.length;
  const m = Math.max(1, Math.min(inst.runCount, stages));
  if (ready.length < m) ready = new Float64Array(2 * m);
  const bytes = (w.scenario.services[inst.service]!.model.activationBytesPerToken * (prefill + decoding)) / m;
  for (let j = 0; j < m; j++) ready[j] = now;
  const peers = inst.peerDevices.length > 0;
  for (let k = 0; k < stages; k++) {
    const dur = perf[k]!.iterationS(prefill / m, decoding / m, kv / m, pairs / m);
    const next = k + 1 < stages && sd[k + 1] !== sd[k];
    for (let j = 0; j < m; j++) {
      const end = w.runOnLanes(sd[k]!, inst.stageLanes[k]!, ready[j]!, dur, inst.index);
      if (peers) peersRun(w, inst, k, end - dur, dur);
      ready[j] = next ? w.network.transfer(sd[k]!, sd[k + 1]!, bytes, end) : end;
    }
  }
  let last = now;
  for (let j = 0; j < m; j++) if (ready[j]! > last) last = ready[j]!;
  return last;
}
