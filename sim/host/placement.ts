/**
 * Applying a PlacementPlan on the virtual clock, with the rules shared with the live controller
 * (host/): the plan diff (kept, fresh, drained by `instanceKey`), the plan checks, the weights per
 * stage and the crash rule. Fresh instances are checked against memory per GPU lane (weights must
 * fit beside the kept ones — refused with a note otherwise, never a crash) and loaded (pending →
 * loading → ready after weightBytes·share / storageBytesPerS, the slowest stage); drained ones go
 * once their in-flight work is done. A draining instance releases its weight memory at once
 * (host/memory.ts), so its replacement can load beside it. A stage with `gpuFraction` takes one
 * GPU lane shared with others (Lanes.pickShared packs shares); `microBatches` caps the pipeline's
 * micro-batches (sim/parallel/pipeline.ts).
 */
import { oomAtLoad } from '../devices/memory-pressure.js';
import type { PlacementPlan, PlannedInstance } from '../../policies/index.js';
import {
  diffPlan,
  failsOnCrash,
  overflowDevice,
  planProblem,
  stageMembers,
  stageShares,
  stageWeights,
  weightNeed,
  type PlacementTopology,
} from '../../host/index.js';
import { KV_BLOCK_TOKENS, LLM_ENGINE, sliceTokens } from '../models/llm/llm-engine.js';
import { ITEM_ENGINE } from '../models/segmentation/segmentation-engine.js';
import { ItemPerf, LlmStagePerf } from '../models/perf.js';
import { groupLinks } from '../parallel/group-links.js';
import { tpStagePerf } from '../parallel/tensor-parallel.js';
import { PRIORITY } from '../priorities.js';
import { Instance, NO_EVENT } from './instance.js';
import type { World } from './world.js';

/** Fraction of the memory left after weights that becomes KV cache (vLLM gpu_memory_utilization). */
export const KV_FRACTION = 0.9;

/** Device indices holding stage `st` (the root, then its tensor-parallel peers). */
function membersOf(w: World, st: PlannedInstance['stages'][number]): number[] {
  return stageMembers(st).map((id) => w.network.nodeIndex.get(id)!);
}

/** Share of each of its GPUs a stage claims: its gpuFraction (a shared accelerator) or 1. */
function claimOf(st: PlannedInstance['stages'][number]): number {
  return st.gpuFraction !== undefined && st.gpuFraction > 0 && st.gpuFraction < 1 && st.gpus === 1 ? st.gpuFraction : 1;
}

function releaseWeights(w: World, inst: Instance): void {
  for (let k = 0; k < inst.stageDevices.length; k++) {
    // A tensor-parallel stage holds 1/n of its weights on each member (root lanes + peers).
    const members = membersOf(w, inst.stages[k]!);
    const each = inst.stageWeights[k]! / members.length;
    for (const m of members) w.weightsReserved[m] = Math.max(0, w.weightsReserved[m]! - each);
    const d = inst.stageDevices[k]!;
    const lanes = inst.stageLanes[k]!;
    if (w.alive[d] === 1) w.lanes.release(lanes, each / lanes.length, claimOf(inst.stages[k]!));
  }
  for (let q = 0; q < inst.peerDevices.length; q++) {
    const k = inst.peerStage[q]!;
    const lanes = inst.peerLanes[q]!;
    const each = inst.stageWeights[k]! / membersOf(w, inst.stages[k]!).length;
    if (w.alive[inst.peerDevices[q]!] === 1) w.lanes.release(lanes, each / lanes.length);
  }
}

export function drain(w: World, inst: Instance): void {
  w.setLifecycle(inst, 'draining');
  releaseWeights(w, inst);
  w.recordChange('drain', inst);
  goneIfIdle(w, inst);
}

export function goneIfIdle(w: World, inst: Instance): void {
  if (inst.state === 'draining' && inst.idle) {
    w.setLifecycle(inst, 'gone');
    w.recordChange('gone', inst);
  }
}

/** A crash on one of its devices: queued and running requests fail (reason `device-crash`). */
export function failInstance(w: World, inst: Instance, reason = 'device-crash'): void {
  if (inst.iterHandle >= 0) w.kernel.cancel(inst.iterHandle);
  inst.iterHandle = NO_EVENT;
  for (const lanes of inst.stageLanes)
    for (const l of lanes) if (w.lanes.owner[l] === inst.index) w.lanes.owner[l] = -1;
  inst.runSteps = 1;
  inst.busy = false;
  const n = inst.runCount;
  inst.runCount = 0;
  for (let i = 0; i < n; i++) {
    w.leaveInstance(inst);
    w.endUnserved(inst.running[i]!, 'failed', reason);
  }
  while (inst.waiting.length > 0) {
    w.leaveInstance(inst);
    w.endUnserved(inst.waiting.shift(), 'failed', reason);
  }
  inst.kvUsedBlocks = 0;
  inst.pendingSwapS = 0;
  w.countsChanged(inst);
  if (inst.state !== 'draining') releaseWeights(w, inst);
  w.setLifecycle(inst, 'failed');
  w.recordChange('failed', inst);
}

/** The instance finished loading (every stage's weights are in): ready, and it starts serving. */
export function markReady(w: World, inst: Instance): void {
  if (inst.state !== 'loading') return;
  w.setLifecycle(inst, 'ready');
  w.recordChange('ready', inst);
  if (!inst.busy) inst.engine.start(w, inst);
}

/** Device `d` crashed: its instances fail (host/faults.ts), its weights and lanes are empty. */
export function crashDevice(w: World, d: number): void {
  if (w.alive[d] !== 1) return;
  w.setAlive(d, false);
  for (const inst of w.instances) if (inst.usesDevice(d) && failsOnCrash(inst.state)) failInstance(w, inst);
  w.weightsReserved[d] = 0;
  w.crashLanes(d);
}

/** Device `d` is back, empty. */
export function recoverDevice(w: World, d: number): void {
  if (w.alive[d] === 0) w.setAlive(d, true);
}

/** The simulator's devices and network as the shared plan checks see them (host/plan-checks.ts). */
export function simTopology(w: World): PlacementTopology {
  const n = w.scenario.devices.length;
  return {
    deviceIndex: (id) => {
      const d = w.network.nodeIndex.get(id);
      return d === undefined || d >= n ? undefined : d;
    },
    alive: (d) => w.alive[d] === 1,
    gpus: (d) => w.scenario.devices[d]!.spec.gpus,
    reachable: (service, d) => w.network.reachable(w.ingressNode[service]!, d),
    groupProblem: (members) => {
      const g = groupLinks(w.scenario, members, (l) => w.network.isUp(w.scenario.links.indexOf(l), w.now));
      return g.ok ? null : g.why;
    },
  };
}

/** Applies `plan`; returns true when the set of instances changed. */
export function applyPlan(w: World, plan: PlacementPlan): boolean {
  const sc = w.scenario;
  const serviceIdx = new Map(sc.services.map((s, i) => [s.name, i]));
  const diff = diffPlan(plan, w.instances, (name) => serviceIdx.has(name));
  for (const name of diff.unknownServices) w.note(`plan names unknown service ${name}; ignored`);
  const kept = new Set<Instance>(diff.kept);
  let changed = false;
  for (const inst of diff.drained) {
    drain(w, inst);
    changed = true;
  }
  const created: Instance[] = [];
  const topo = simTopology(w);
  for (const { planned: p, key } of diff.fresh) {
    const s = serviceIdx.get(p.service)!;
    const svc = sc.services[s]!;
    const why = planProblem(p, svc, s, topo);
    if (why !== null) {
      w.note(`refused instance of ${p.service}: ${why}`);
      continue;
    }
    const shares = stageShares(svc, p.stages);
    const devs = Int32Array.from(p.stages, (st) => w.network.nodeIndex.get(st.device)!);
    const weights = stageWeights(svc, p.stages);
    const need = weightNeed(p.stages, weights, (id) => w.network.nodeIndex.get(id)!);
    // Per device (host/memory.ts), then per GPU: each stage takes the `gpus` lanes of its device
    // with room for weights / gpus.
    const lanes: Int32Array[] = [];
    let short = overflowDevice(need, w.weightsReserved, w.memoryBytes);
    for (let k = 0; k < devs.length && short < 0; k++) {
      const g = p.stages[k]!.gpus;
      const perGpu = weights[k]! / (1 + (p.stages[k]!.peers?.length ?? 0)) / g;
      const claim = claimOf(p.stages[k]!);
      const picked = claim < 1 ? w.lanes.pickShared(devs[k]!, claim, perGpu) : w.lanes.pick(devs[k]!, g, perGpu);
      if (picked === null) {
        short = devs[k]!;
        break;
      }
      w.lanes.reserve(picked, perGpu, w.instances.length, claim);
      lanes.push(picked);
    }
    // Tensor-parallel peers: all their GPUs, each holding its 1/n of the stage's weights.
    const peers = p.stages.flatMap((st, k) => (st.peers ?? []).map((id) => ({ d: w.network.nodeIndex.get(id)!, k })));
    const peerLanes: Int32Array[] = [];
    for (const { d, k } of peers) {
      if (short >= 0) break;
      const g = sc.devices[d]!.spec.gpus;
      const perGpu = weights[k]! / (1 + p.stages[k]!.peers!.length) / g;
      const picked = w.lanes.pick(d, g, perGpu);
      if (picked === null) {
        short = d;
        break;
      }
      w.lanes.reserve(picked, perGpu, w.instances.length);
      peerLanes.push(picked);
    }
    if (short >= 0) {
      lanes.forEach((l, k) =>
        w.lanes.release(l, weights[k]! / (1 + (p.stages[k]!.peers?.length ?? 0)) / l.length, claimOf(p.stages[k]!)),
      );
      peerLanes.forEach((l, q) =>
        w.lanes.release(l, weights[peers[q]!.k]! / (1 + p.stages[peers[q]!.k]!.peers!.length) / l.length),
      );
      w.note(`refused instance of ${p.service} on ${sc.devices[short]!.id}: weights exceed free memory`);
      continue;
    }
    for (const [d, b] of need) w.weightsReserved[d] = w.weightsReserved[d]! + b;
    const llm =
      svc.kind === 'llm'
        ? p.stages.map((st, k) => {
            const dc = sc.devices[devs[k]!]!;
            if (st.peers === undefined || st.peers.length === 0)
              return new LlmStagePerf(svc.model, dc.spec, dc.slowdown, st.gpus, shares[k]!, undefined, svc.framework);
            const g = groupLinks(sc, [st.device, ...st.peers], () => true);
            const members = membersOf(w, st).map((d) => ({
              spec: sc.devices[d]!.spec,
              slowdown: sc.devices[d]!.slowdown,
            }));
            return tpStagePerf(svc.model, members, shares[k]!, g.ok ? g.links : [], g.ok && g.direct, svc.framework);
          })
        : null;
    const dc0 = sc.devices[devs[0]!]!;
    const item = svc.kind === 'llm' ? null : new ItemPerf(svc.model, dc0.spec, dc0.slowdown, p.stages[0]!.gpus);
    const engine = svc.kind === 'llm' ? LLM_ENGINE : ITEM_ENGINE;
    const inst = new Instance(
      w.instances.length,
      `${p.service}#${w.instances.length}`,
      s,
      p.service,
      key,
      p.stages,
      devs,
      weights,
      lanes,
      engine,
      llm,
      item,
      svc.maxBatch,
    );
    inst.maxStepTokens = svc.maxBatchedTokens ?? Infinity;
    if (llm !== null) inst.sliceTokens = Math.min(...llm.map((p) => sliceTokens(p.cost)));
    inst.chunkedPrefill = svc.chunkedPrefill === true;
    if (peers.length > 0) {
      inst.peerDevices = Int32Array.from(peers, (x) => x.d);
      inst.peerStage = Int32Array.from(peers, (x) => x.k);
      inst.peerLanes = peerLanes;
    }
    inst.swapPreemption = svc.preemption === 'swap';
    inst.microBatches = p.microBatches !== undefined && p.microBatches >= 1 ? Math.floor(p.microBatches) : 0;
    inst.kvBytesPerToken = svc.model.kvBytesPerToken;
    w.instances.push(inst);
    w.instanceById.set(inst.id, inst);
    w.topologyChanged();
    created.push(inst);
    changed = true;
  }
  for (const inst of created) startLoading(w, inst, kept, created);
  return changed;
}

function sharesLane(o: Instance, lanes: Int32Array): boolean {
  for (const ls of o.stageLanes) for (const l of ls) if (lanes.includes(l)) return true;
  return false;
}

function startLoading(w: World, inst: Instance, kept: Set<Instance>, created: readonly Instance[]): void {
  const sc = w.scenario;
  const model = sc.services[inst.service]!.model;
  let loadS = 0;
  let kv = Infinity;
  inst.stages.forEach((st, k) => {
    // Tensor-parallel members load their 1/n of the weights in parallel from their own storage:
    // the stage is in when its slowest member is.
    const each = inst.stageWeights[k]! / (1 + (st.peers?.length ?? 0));
    for (const m of membersOf(w, st)) loadS = Math.max(loadS, each / sc.devices[m]!.spec.storageBytesPerS);
    if (inst.llm === null || model.kvBytesPerToken <= 0) return;
    // KV budget: the free memory of the stage's GPUs (after all weights on them), shared
    // equally by the LLM instances with a stage on any of those GPUs (kept + new).
    const lanes = inst.stageLanes[k]!;
    let sharing = 0;
    for (const o of [...kept, ...created]) if (o.llm !== null && sharesLane(o, lanes)) sharing++;
    const budget = (KV_FRACTION * w.lanes.free(lanes)) / Math.max(1, sharing);
    // A tensor-parallel group holds 1/n of the stage's KV on each member (the root's figures).
    const share = inst.stageWeights[k]! / model.weightBytes / (1 + (st.peers?.length ?? 0));
    kv = Math.min(kv, Math.floor(budget / (model.kvBytesPerToken * share * KV_BLOCK_TOKENS)));
  });
  inst.kvCapacityBlocks = kv;
  inst.oom = oomAtLoad(w, inst);
  w.setLifecycle(inst, 'loading');
  w.recordChange('load', inst);
  w.kernel.schedule(w.warmStart && w.kernel.now === 0 ? 0 : loadS, w.handlers.ready, inst.index, PRIORITY.placement);
}
