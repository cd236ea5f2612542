/**
 * LLM serving on one instance: iteration-level continuous batching (Orca/vLLM style).
 * Each iteration prefills every newly admitted request (no chunking) and decodes one token for
 * every sequence already running; a prefill iteration yields the request's first token.
 * Admission is FIFO and needs a free batch slot and KV room for prompt + output tokens
 * (reserved up front, so a running sequence never runs out of KV). A pipeline instance runs
 * each iteration stage by stage, sending activations (activationBytesPerToken × tokens of the
 * iteration) over the link between stages. docs/sim-models.md "LLM".
 *
 * Decode runs (a speed-up that changes no timestamp): when an iteration admits nothing on a
 * single-stage instance whose device is free, nothing can change before the next sequence
 * finishes except a new request reaching this instance or other work reaching the device. So
 * the m decode steps up to that finish are scheduled as one event (step i lasts A + i·B: B is
 * the KV-read growth of the roofline, 0 with profiles). If a request arrives or other work
 * claims the device meanwhile, the run is cut at the first step boundary after now — exactly
 * where the one-step-per-event schedule would have started its next iteration.
 */
import { PRIORITY } from '../../priorities.js';
import { NO_EVENT, type Instance } from '../../host/instance.js';
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
  if (inst.runSteps > 1) cutRun(w, inst);
  if (inst.state !== 'loading' && inst.state !== 'pending' && !inst.busy) llmStartIteration(w, inst);
}

/** End time of the first `j` steps of the instance's decode run. */
function boundary(inst: Instance, j: number): number {
  return inst.runStartS + j * inst.runA + (inst.runB * j * (j - 1)) / 2;
}

/** Shortens the instance's decode run to the first step boundary after now. */
export function cutRun(w: World, inst: Instance): void {
  const m = inst.runSteps;
  if (m <= 1 || inst.iterHandle < 0) return;
  const now = w.now;
  const dt = now - inst.runStartS;
  const A = inst.runA;
  const B = inst.runB;
  let j = B > 0 ? Math.floor((-(A - B / 2) + Math.sqrt((A - B / 2) ** 2 + 2 * B * dt)) / B) : Math.floor(dt / A);
  j = Math.min(m, Math.max(1, j));
  while (j < m && boundary(inst, j) <= now) j++;
  while (j > 1 && boundary(inst, j - 1) > now) j--;
  const d = inst.stageDevices[0]!;
  w.runOwner[d] = -1;
  if (j === m) return;
  const oldEnd = boundary(inst, m);
  const end = boundary(inst, j);
  w.releaseDevice(d, end, oldEnd);
  w.kernel.cancel(inst.iterHandle);
  inst.runSteps = j;
  inst.iterHandle = w.kernel.scheduleAt(end, w.handlers.iterationEnd, inst.index, PRIORITY.completion);
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
  inst.runSteps = 1;
  if (inst.runCount === 0) return;
  const perf = inst.llm!;
  const sd = inst.stageDevices;
  let t: number;
  if (prefill === 0 && sd.length === 1 && w.busyUntil[sd[0]!]! <= now) {
    // Decode run up to the next finish (see the file comment).
    let m = Infinity;
    for (let i = 0; i < inst.runCount; i++) {
      const q = inst.running[i]!;
      const left = r.output[q]! - r.generated[q]!;
      if (left < m) m = left;
    }
    const d = sd[0]!;
    inst.runSteps = Math.max(1, m);
    inst.runStartS = now;
    inst.runA = perf[0]!.iterationS(0, decoding, kvDecode);
    inst.runB = perf[0]!.decodeGrowthS(decoding);
    t = w.runOnDevice(d, now, boundary(inst, inst.runSteps) - now, inst.index);
    if (inst.runSteps > 1) w.runOwner[d] = inst.index;
  } else {
    const actBytes = w.scenario.services[inst.service]!.model.activationBytesPerToken * (prefill + decoding);
    t = now;
    for (let k = 0; k < sd.length; k++) {
      t = w.runOnDevice(sd[k]!, t, perf[k]!.iterationS(prefill, decoding, kvDecode), inst.index);
      if (k + 1 < sd.length && sd[k + 1] !== sd[k]) t = w.network.transfer(sd[k]!, sd[k + 1]!, actBytes, t);
    }
  }
  inst.busy = true;
  inst.iterHandle = w.kernel.scheduleAt(t, w.handlers.iterationEnd, inst.index, PRIORITY.completion);
}

/** End of an iteration (or decode run): tokens per running sequence; finished ones respond. */
export function llmIterationEnd(w: World, inst: Instance): void {
  const r = w.requests;
  const steps = inst.runSteps;
  if (steps > 1) w.runOwner[inst.stageDevices[0]!] = -1;
  inst.busy = false;
  inst.iterHandle = NO_EVENT;
  const now = w.now;
  const last = inst.stageDevices[inst.stageDevices.length - 1]!;
  const backLatency = w.network.latency(last, w.ingressNode[inst.service]!);
  for (let i = inst.runCount - 1; i >= 0; i--) {
    const q = inst.running[i]!;
    const g = (r.generated[q] = r.generated[q]! + steps);
    inst.kvLive += steps;
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
