/**
 * LLM serving on one instance: iteration-level continuous batching (Orca/vLLM style).
 * Each iteration prefills every newly admitted request (no chunking) and decodes one token for
 * every sequence already running; a prefill iteration yields the request's first token.
 * Admission is FIFO and needs a free batch slot and KV room for prompt + output tokens
 * (reserved up front, so a running sequence never runs out of KV). A pipeline instance runs
 * each iteration stage by stage, sending activations (activationBytesPerToken × tokens of the
 * iteration) over the link between stages. docs/sim-models.md "LLM".
 */
import { PRIORITY } from '../../priorities.js';
import type { Instance } from '../../host/instance.js';
import { LLM_BYTES_PER_TOKEN, type World } from '../../host/world.js';

/** A request's input reached the instance. */
export function llmEnqueue(w: World, inst: Instance, req: number): void {
  const r = w.requests;
  const need = r.prompt[req]! + r.output[req]!;
  if (need > inst.kvCapacity) {
    w.leaveInstance(inst);
    w.endUnserved(req, 'dropped', 'kv-capacity');
    return;
  }
  inst.waiting.push(req);
  if (inst.state !== 'loading' && inst.state !== 'pending' && !inst.busy) llmStartIteration(w, inst);
}

/** Admits what fits, then schedules the end of one iteration (nothing when idle). */
export function llmStartIteration(w: World, inst: Instance): void {
  const r = w.requests;
  const decoding = inst.runCount;
  const kvDecode = inst.kvLive;
  let prefill = 0;
  const now = w.now;
  while (inst.waiting.length > 0 && inst.runCount < inst.maxBatch) {
    const q = inst.waiting.peek();
    const need = r.prompt[q]! + r.output[q]!;
    if (inst.kvReserved + need > inst.kvCapacity) break;
    inst.waiting.shift();
    inst.running[inst.runCount++] = q;
    inst.kvReserved += need;
    inst.kvLive += r.prompt[q]!;
    r.start[q] = now;
    prefill += r.prompt[q]!;
  }
  inst.view.running = inst.runCount;
  if (inst.runCount === 0) return;
  const perf = inst.llm!;
  const sd = inst.stageDevices;
  const actBytes = w.scenario.services[inst.service]!.model.activationBytesPerToken * (prefill + decoding);
  let t = now;
  for (let k = 0; k < sd.length; k++) {
    t = w.runOnDevice(sd[k]!, t, perf[k]!.iterationS(prefill, decoding, kvDecode));
    if (k + 1 < sd.length && sd[k + 1] !== sd[k]) t = w.network.transfer(sd[k]!, sd[k + 1]!, actBytes, t);
  }
  inst.busy = true;
  inst.iterHandle = w.kernel.scheduleAt(t, w.handlers.iterationEnd, inst.index, PRIORITY.completion);
}

/** End of an iteration: one token per running sequence; finished ones leave and respond. */
export function llmIterationEnd(w: World, inst: Instance): void {
  const r = w.requests;
  inst.busy = false;
  inst.iterHandle = -1;
  const now = w.now;
  const last = inst.stageDevices[inst.stageDevices.length - 1]!;
  const backLatency = w.network.latency(last, w.ingressNode[inst.service]!);
  for (let i = inst.runCount - 1; i >= 0; i--) {
    const q = inst.running[i]!;
    const g = ++r.generated[q]!;
    inst.kvLive++;
    // The first token is produced by the prefill iteration and streamed back (propagation only).
    if (g === 1) r.firstToken[q] = now + backLatency;
    if (g >= r.output[q]!) {
      inst.running[i] = inst.running[--inst.runCount]!;
      inst.kvReserved -= r.prompt[q]! + r.output[q]!;
      inst.kvLive -= r.prompt[q]! + g;
      w.leaveInstance(inst);
      w.sendResponse(q, last, now, r.output[q]! * LLM_BYTES_PER_TOKEN);
    }
  }
  llmStartIteration(w, inst);
}
