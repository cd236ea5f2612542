/**
 * LLM serving on one instance: an iteration-level engine (Orca / vLLM / llama.cpp-server
 * semantics). Each step prefills the prompts (or chunks of them) admitted into it and decodes one
 * token for every running sequence past its prefill; its time is the stage's step cost
 * (step-cost.ts) of (prefill tokens, decoding sequences, KV tokens read). A pipeline instance runs
 * each step stage by stage, sending the step's activations between stages.
 *
 * Paged KV (vLLM PagedAttention, Kwon et al. SOSP 2023): a sequence holds ⌈(context + 1)/16⌉
 * blocks of 16 tokens — its context plus the token the next step writes. Admission needs blocks
 * for the prompt only (no server knows the output length); blocks are taken as sequences grow.
 * When a step's sequences need more blocks than are free, the latest-arrived running sequence is
 * preempted by recompute (vLLM's default): its blocks are freed, it goes back to the head of the
 * queue, and on readmission it prefills prompt + generated tokens again (its tokens already sent
 * stay sent) — or, with `preemption: swap`, its KV is copied out to host memory and back in on
 * readmission (SWAP_BYTES_PER_S, added to the step). Preemptions are counted per instance
 * (`preemptions` in the result).
 * Admission is FIFO: a free batch slot (`max_batch`), blocks, and the step's token budget
 * (`max_batched_tokens`; chunked prefill splits a prompt over steps instead of waiting).
 *
 * Decode runs (a speed-up that changes no timestamp): when a step prefills nothing on a
 * single-stage instance whose lanes are free, nothing can change before the next sequence
 * finishes except a request reaching this instance or other work reaching its lanes. So the m
 * decode steps up to that finish are one event (step i lasts A + i·B: B = the growth of the KV
 * read and attention per step; m also stops before the blocks could run out). If a request arrives or other work claims a lane meanwhile, the run is
 * cut at the first step boundary after now — exactly where one event per step would have
 * started its next step. docs/sim-models.md "LLM serving".
 */
import { PRIORITY } from '../../priorities.js';
import { NO_EVENT, type Instance, type ServingEngine } from '../../host/instance.js';
import { LLM_BYTES_PER_TOKEN, type World } from '../../host/world.js';
import type { StepCost } from './step-cost.js';
import { runStage } from '../../parallel/pipeline.js';

/**
 * Host ↔ GPU copy bandwidth for swap preemption, bytes/s (assumption: PCIe 4.0 ×16 — 32 GB/s
 * nominal, ≈25 GB/s achieved in copies; a Jetson's unified memory copies at a similar rate).
 */
export const SWAP_BYTES_PER_S = 25e9;

/** Tokens per KV block (vLLM's default block size). */
export const KV_BLOCK_TOKENS = 16;

/**
 * Time-slice quantum on a shared GPU, seconds (assumption: the order of a CUDA time-slice /
 * scheduler quantum, a few to tens of ms; 50 ms keeps a 100 ms camera frame's wait within half
 * its period). A step of an instance whose GPU is shared prefills at most the prompt tokens that
 * fit one quantum (chunked), so co-located work interleaves instead of waiting out a long prefill.
 */
export const TIME_SLICE_S = 0.05;
/** Fewest prompt tokens a time-sliced step prefills (progress on devices too slow for the quantum). */
const MIN_SLICE_TOKENS = 16;

/**
 * A co-tenant counts as active when a request reached it within this window, seconds (assumption:
 * a GPU time-slices between contexts that have work; a periodic stream — a camera at ≥ 1 fps — is
 * treated as active between its frames, so its next frame does not meet a whole prefill).
 */
export const ACTIVE_WINDOW_S = 1;

/**
 * True when another instance on one of `inst`'s GPU lanes is active (see ACTIVE_WINDOW_S) — with
 * `device_sharing: priority`, another of a higher priority (World.sharePriority).
 */
function contended(w: World, inst: Instance): boolean {
  const L = w.lanes;
  const since = w.now - ACTIVE_WINDOW_S;
  const above = w.priorityShare ? w.sharePriority[inst.service]! : -1;
  for (let k = 0; k < inst.stageLanes.length; k++) {
    const ls = inst.stageLanes[k]!;
    for (let i = 0; i < ls.length; i++) {
      const l = ls[i]!;
      if (L.stages[l]! <= 1) continue;
      const ts = L.tenants[l]!;
      for (let j = 0; j < ts.length; j++) {
        const o = w.instances[ts[j]!]!;
        if (o === inst || !o.serving || w.sharePriority[o.service]! <= above) continue;
        if (o.lastWorkS >= since || o.busy || o.waiting.length > 0) return true;
      }
    }
  }
  return false;
}

/** Prompt tokens per step that keep a prefill step of `cost` within one quantum. */
export function sliceTokens(cost: StepCost): number {
  const room = TIME_SLICE_S - cost.overheadS - cost.weightReadS(Infinity);
  return Math.max(MIN_SLICE_TOKENS, Math.floor(room / cost.prefillTokenS));
}

function blocks(tokens: number): number {
  return Math.ceil(tokens / KV_BLOCK_TOKENS);
}

/** A request's input reached the instance. */
function enqueue(w: World, inst: Instance, req: number): void {
  const r = w.requests;
  if (blocks(r.prompt[req]! + r.output[req]!) > inst.kvCapacityBlocks) {
    // It could never finish, even alone (kept from the reserve-up-front engine: a server
    // rejects a request longer than its KV, e.g. vLLM's max_model_len check).
    w.leaveInstance(inst);
    w.endUnserved(req, 'dropped', 'kv-capacity');
    return;
  }
  r.prefillLeft[req] = r.prompt[req]!;
  inst.lastWorkS = w.now;
  inst.waiting.push(req);
  if (inst.runSteps > 1) cutRun(w, inst);
  w.kick(inst);
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
  const lanes = inst.stageLanes[0]!;
  const L = w.lanes;
  for (let k = 0; k < lanes.length; k++) L.owner[lanes[k]!] = -1;
  if (j === m) return;
  const oldEnd = boundary(inst, m);
  const end = boundary(inst, j);
  w.releaseLanes(inst.stageDevices[0]!, lanes, end, oldEnd, inst.index);
  w.kernel.cancel(inst.iterHandle);
  inst.runSteps = j;
  inst.iterHandle = w.kernel.scheduleAt(end, w.handlers.iterationEnd, inst.index, PRIORITY.completion);
}

/** Preempts (by recompute) the latest-arrived running sequence; returns the blocks freed. */
function preemptOne(w: World, inst: Instance): number {
  const r = w.requests;
  let v = 0;
  for (let i = 1; i < inst.runCount; i++) if (inst.running[i]! > inst.running[v]!) v = i;
  const q = inst.running[v]!;
  inst.runCount--;
  inst.running[v] = inst.running[inst.runCount]!;
  inst.stepPrefill[v] = inst.stepPrefill[inst.runCount]!;
  if (inst.swapPreemption) {
    // Swap: its KV is copied to host memory (added to the next step) and back on readmission.
    inst.pendingSwapS +=
      ((r.prompt[q]! + r.generated[q]! - r.prefillLeft[q]!) * inst.kvBytesPerToken) / SWAP_BYTES_PER_S;
  } else {
    r.prefillLeft[q] = r.prompt[q]! + r.generated[q]!;
  }
  inst.waiting.unshift(q);
  inst.preemptions++;
  return blocks(r.prompt[q]! + r.generated[q]! + 1);
}

/** Composes and schedules the next step (nothing when idle). */
function startStep(w: World, inst: Instance): void {
  const r = w.requests;
  const now = w.now;
  // 1. One pass over the running sequences: blocks they need for the next step, chunks of the
  // prefills within the token budget, decodes, KV read, and the fewest tokens any has left.
  // When the blocks do not fit, preempt the latest arrivals and compose again (rare).
  let used = 0;
  let budget = 0;
  let prefill = 0;
  let decoding = 0;
  let kv = 0;
  let pairs = 0;
  let minLeft = Infinity;
  // Time-slice: on a shared GPU, a step prefills at most one quantum's worth (chunked).
  const sliced = w.timeSlice && inst.sliceTokens < inst.maxStepTokens && contended(w, inst);
  const stepBudget = sliced ? inst.sliceTokens : inst.maxStepTokens;
  const chunked = sliced || inst.chunkedPrefill;
  for (;;) {
    used = 0;
    budget = stepBudget;
    prefill = 0;
    decoding = 0;
    kv = 0;
    pairs = 0;
    minLeft = Infinity;
    for (let i = 0; i < inst.runCount; i++) {
      const q = inst.running[i]!;
      const g = r.generated[q]!;
      const left = r.prefillLeft[q]!;
      const ctx = r.prompt[q]! + g - left;
      used += blocks(r.prompt[q]! + g + 1);
      kv += ctx;
      if (left > 0) {
        // Stryker disable next-line EqualityOperator: equivalent — at left = budget both give the same.
        const c = left < budget ? left : budget;
        pairs += c * (ctx + c / 2);
        inst.stepPrefill[i] = c;
        prefill += c;
        budget -= c;
      } else {
        inst.stepPrefill[i] = 0;
        decoding++;
        const out = r.output[q]! - g;
        if (out < minLeft) minLeft = out;
      }
    }
    if (used <= inst.kvCapacityBlocks || inst.runCount <= 1) break;
    while (used > inst.kvCapacityBlocks && inst.runCount > 1) used -= preemptOne(w, inst);
  }
  // 3. Admit waiting requests (FIFO) into free slots, blocks and the token budget.
  while (inst.waiting.length > 0 && inst.runCount < inst.maxBatch && budget > 0) {
    const q = inst.waiting.peek();
    const need = blocks(r.prompt[q]! + r.generated[q]! + 1);
    if (used + need > inst.kvCapacityBlocks) break;
    let c = r.prefillLeft[q]!;
    if (c > budget) {
      if (chunked) c = budget;
      else if (prefill > 0) break;
    }
    inst.waiting.shift();
    inst.stepPrefill[inst.runCount] = c;
    inst.running[inst.runCount++] = q;
    used += need;
    if (r.start[q] !== r.start[q]) r.start[q] = now;
    // Context already held: 0 for a new or recompute-preempted request; a swapped-out one
    // brings its KV back (swap-in) and, past its prefill, decodes at once.
    const ctx = r.prompt[q]! + r.generated[q]! - r.prefillLeft[q]!;
    if (ctx > 0) {
      inst.pendingSwapS += (ctx * inst.kvBytesPerToken) / SWAP_BYTES_PER_S;
      kv += ctx;
      if (c === 0) {
        decoding++;
        const out = r.output[q]! - r.generated[q]!;
        if (out < minLeft) minLeft = out;
      }
    }
    pairs += c * (ctx + c / 2);
    prefill += c;
    budget -= c;
  }
  inst.kvUsedBlocks = used;
  w.countsChanged(inst);
  inst.runSteps = 1;
  if (inst.runCount === 0) return;
  const perf = inst.llm!;
  const sd = inst.stageDevices;
  let t: number;
  inst.stepStartS = now;
  inst.stepBatch = inst.runCount;
  inst.stepKv = used / inst.kvCapacityBlocks;
  inst.stepPrefillTokens = prefill;
  inst.stepDecodes = decoding;
  const lanes0 = inst.stageLanes[0]!;
  // A tensor-parallel group across devices steps one step at a time: each step waits for its
  // members and its sync links (sim/parallel/tp-links.ts).
  if (prefill === 0 && sd.length === 1 && inst.peerDevices.length === 0 && w.lanesFree(lanes0, now)) {
    // Decode run (see the file comment): up to the next finish, or before the blocks run out.
    let m = minLeft;
    const cost = perf[0]!.cost;
    const free = inst.kvCapacityBlocks - used;
    const kvRoom = 1 + KV_BLOCK_TOKENS * Math.floor(free / decoding);
    if (kvRoom < m) m = kvRoom;
    inst.runSteps = Math.max(1, m);
    inst.runStartS = now + inst.pendingSwapS;
    inst.pendingSwapS = 0;
    const slow = w.timeScale(sd[0]!);
    inst.runA = cost.stepS(0, decoding, kv, 0) * slow;
    inst.runB = cost.decodeGrowthS(decoding, kv) * slow;
    const runS = boundary(inst, inst.runSteps) - now;
    t = w.runOnLanes(sd[0]!, lanes0, now, runS, inst.index);
    inst.laneStartS = w.lastStartS;
    if (inst.runSteps > 1) for (let k = 0; k < lanes0.length; k++) w.lanes.owner[lanes0[k]!] = inst.index;
  } else {
    inst.stepKvTokens = kv;
    inst.stepPairs = pairs;
    inst.pipeStage = 0;
    inst.busy = true;
    runStages(w, inst, now);
    return;
  }
  inst.busy = true;
  inst.iterHandle = w.kernel.scheduleAt(t, w.handlers.iterationEnd, inst.index, PRIORITY.completion);
}

/**
 * Runs the step's stages from `inst.pipeStage` on, starting at `readyS`: consecutive stages on one
 * device follow at once; the step's activations then cross to the next device and that stage's
 * work is placed on its lanes when they arrive (`stageReady` event) — not reserved ahead, so other
 * work may use those lanes meanwhile (lanes no other stage uses are reserved ahead: the same times
 * without the event). At batch > 1 the stages overlap on micro-batches (sim/parallel/pipeline.ts).
 * The last stage schedules the end of the step.
 */
function runStages(w: World, inst: Instance, readyS: number): void {
  const sd = inst.stageDevices;
  let t = readyS;
  for (let k = inst.pipeStage; k < sd.length; k++) {
    // Micro-batched across devices (sim/parallel/pipeline.ts); t = when stage k + 1 may start.
    t = runStage(w, inst, k, t);
    if (k + 1 < sd.length && sd[k + 1] !== sd[k]) {
      // A GPU no other stage uses can be reserved ahead (nothing else could use it meanwhile):
      // same times, one event fewer per hop.
      if (!alone(w, inst.stageLanes[k + 1]!)) {
        inst.pipeStage = k + 1;
        inst.iterHandle = w.kernel.scheduleAt(t, w.handlers.stageReady, inst.index, PRIORITY.completion);
        return;
      }
    }
  }
  inst.iterHandle = w.kernel.scheduleAt(t, w.handlers.iterationEnd, inst.index, PRIORITY.completion);
}

/** True when no other stage is placed on any of `lanes`. */
function alone(w: World, lanes: Int32Array): boolean {
  const st = w.lanes.stages;
  for (let i = 0; i < lanes.length; i++) if (st[lanes[i]!]! > 1) return false;
  return true;
}

/** The step's activations reached the next stage's device (see runStages). */
export function stageReady(w: World, inst: Instance): void {
  runStages(w, inst, w.now);
}

/** End of a step (or decode run): tokens per sequence; finished ones respond. */
function stepEnd(w: World, inst: Instance): void {
  const r = w.requests;
  const steps = inst.runSteps;
  const lanes0 = inst.stageLanes[0]!;
  if (steps > 1) for (let k = 0; k < lanes0.length; k++) w.lanes.owner[lanes0[k]!] = -1;
  inst.busy = false;
  inst.iterHandle = NO_EVENT;
  const now = w.now;
  const dt = now - inst.stepStartS;
  inst.statBusyS += dt;
  inst.statBatchS += inst.stepBatch * dt;
  // KV grows by about stepBatch/16 blocks per step of a run: count its mean over the run.
  inst.statKvS += (inst.stepKv + ((steps - 1) * inst.stepBatch) / (2 * KV_BLOCK_TOKENS * inst.kvCapacityBlocks)) * dt;
  if (w.timeline !== null) {
    w.timeline.step(inst.stageDevices[0]!, inst.index, inst.id, inst.laneStartS, now, {
      batch: inst.stepBatch,
      prefillTokens: inst.stepPrefillTokens,
      decodes: inst.stepDecodes,
      steps,
      kvBlocksUsed: inst.kvUsedBlocks,
      kvBlocks: inst.kvCapacityBlocks,
      waiting: inst.waiting.length,
    });
  }
  const last = inst.stageDevices[inst.stageDevices.length - 1]!;
  const backLatency = w.network.latency(last, w.ingressNode[inst.service]!);
  for (let i = inst.runCount - 1; i >= 0; i--) {
    const q = inst.running[i]!;
    const c = inst.stepPrefill[i]!;
    let g: number;
    if (c > 0) {
      const left = (r.prefillLeft[q] = r.prefillLeft[q]! - c);
      g = left === 0 ? (r.generated[q] = r.generated[q]! + 1) : r.generated[q]!;
    } else {
      g = r.generated[q] = r.generated[q]! + steps;
    }
    // The first token is produced by the prefill step and streamed back (propagation only).
    if (g >= 1 && r.firstToken[q] !== r.firstToken[q]) r.firstToken[q] = now + backLatency;
    if (g >= r.output[q]!) {
      inst.runCount--;
      inst.running[i] = inst.running[inst.runCount]!;
      inst.stepPrefill[i] = inst.stepPrefill[inst.runCount]!;
      w.leaveInstance(inst);
      w.sendResponse(q, last, now, r.output[q]! * LLM_BYTES_PER_TOKEN);
    }
  }
  startStep(w, inst);
}

/** The LLM engine, as the world calls it (one per service kind, see ServingEngine). */
export const LLM_ENGINE: ServingEngine = {
  enqueue,
  start: startStep,
  stepEnd,
  interrupt: cutRun,
};
