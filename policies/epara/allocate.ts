/**
 * EPARA's task-categorized parallelism allocator: from a service's category, the parallel mode
 * and degree, expressed as candidate instance shapes for the scheduler to choose among.
 *
 * - latency × multi-GPU → tensor parallel inside one box, at the box's full power-of-two degree
 *   (lowest latency; all-reduce stays on NVLink/PCIe);
 * - latency × single → one-GPU replicas on the fastest boxes (the scheduler adds replicas = data
 *   parallel only when demand needs them);
 * - frequency × any → data-parallel replicas at the smallest tensor degree that fits, offered on
 *   every device including small boards (throughput per GB, not latency, is what counts);
 * - the model fits no single box → pipeline split across devices: layers partitioned by the
 *   EdgeShard DP (memory-capped; sum-latency objective for latency-sensitive, bottleneck for
 *   frequency-sensitive), up to `MAX_PIPELINES` disjoint chains, plus the first chain's DP re-run
 *   without each of its devices (ours: leaner chains that leave a GPU to other services), and
 *   tensor-parallel groups across devices (Stage.peers, tp-group.ts; ours) — EPARA's
 *   multi-device mode, the scheduler choosing among chains and groups by capacity.
 * Latency-sensitive shapes must meet the SLO unloaded with headroom (`LATENCY_HEADROOM`), so
 * queueing has room; frequency-sensitive ones just meet it.
 *
 * GPU sharing (the paper: small single-GPU tasks share an accelerator): where a one-GPU replica
 * is offered, fractional shapes are offered beside it — the same replica with `gpuFraction` f for
 * each f in `shareFractions` whose share of one accelerator's weight budget still holds the model
 * (weights ≤ f × memory per GPU × 0.9: "small" means it would fit 1/f times). Planned at f of the
 * accelerator's time (perf-model), so a YOLO-n at 80 frames/s takes a quarter of an L4 instead
 * of all of it; the scheduler picks the smallest share that meets the demand (scheduler.ts).
 */
import type { Category, ClusterView, DeviceState, PlannedInstance, ServiceInfo } from '../contract.js';
import { chainProblem, dpCandidates, fullTensorDegree, toStages } from '../chain-costs.js';
import { MemoryLedger } from '../memory-ledger.js';
import { solvePartition } from '../partition-dp.js';
import { perfOn } from '../perf-model.js';
import { tpGroupCandidates } from '../tp-group.js';
import { tensorDegreeToFit, WEIGHT_MEMORY_FRACTION, wholeModelStage } from '../placement-helpers.js';

export type ParallelMode = 'replica' | 'data-parallel' | 'tensor-parallel' | 'pipeline';
export const MAX_PIPELINES = 3;
/** Unloaded SLO ratio a latency-sensitive shape must reach (leaves 25% for queueing). */
export const LATENCY_HEADROOM = 0.8;

export interface Allocation {
  readonly mode: ParallelMode;
  /** TP degree (replica modes) or number of stages (pipeline). */
  readonly degree: number;
  readonly candidates: readonly PlannedInstance[];
  /** Unloaded SLO ratio a candidate must reach to count as feasible. */
  readonly maxRatio: number;
}

function wholeBoxShapes(
  service: ServiceInfo,
  devices: readonly DeviceState[],
  degreeOf: (d: DeviceState) => number,
  shareFractions: readonly number[] = [],
): PlannedInstance[] {
  const out: PlannedInstance[] = [];
  for (const d of devices) {
    if (!perfOn(service, d)) continue;
    const min = tensorDegreeToFit(service, d);
    if (min === 0) continue;
    const stage = wholeModelStage(service, d, Math.max(min, degreeOf(d)));
    out.push({ service: service.name, stages: [stage] });
    if (stage.gpus !== 1) continue;
    for (const f of shareFractions) {
      if (f > 0 && f < 1 && service.model.weightBytes <= f * d.memoryBytesPerGpu * WEIGHT_MEMORY_FRACTION) {
        out.push({ service: service.name, stages: [{ ...stage, gpuFraction: f }] });
      }
    }
  }
  return out;
}

function pipelineShapes(
  view: ClusterView,
  service: ServiceInfo,
  devices: readonly DeviceState[],
  category: Category,
): PlannedInstance[] {
  const ledger = new MemoryLedger(devices);
  const objective = category.sensitivity === 'latency' ? 'latency' : 'throughput';
  const solve = (pool: readonly DeviceState[]) => {
    const cp = chainProblem(view, service, pool, ledger, objective);
    const sol = solvePartition(cp.problem);
    return sol ? toStages(service, cp, sol.stages) : undefined;
  };
  const out: PlannedInstance[] = [];
  const all = dpCandidates(service, devices, ledger);
  let pool = all;
  for (let n = 0; n < MAX_PIPELINES && pool.length > 0; n++) {
    const stages = solve(pool);
    if (!stages) break;
    out.push({ service: service.name, stages });
    const used = new Set(stages.map((s) => s.device));
    pool = pool.filter((d) => !used.has(d.id));
  }
  // Leaner chains (ours): the DP's best chain without each of its devices in turn, so the
  // scheduler can choose a pipeline that leaves a GPU to other services when one with fewer
  // stages still holds the model (the DP alone takes every device that lowers latency).
  const first = out[0];
  if (first && first.stages.length > 2) {
    for (const s of first.stages) {
      const stages = solve(all.filter((d) => d.id !== s.device));
      if (stages && stages.length < first.stages.length) out.push({ service: service.name, stages });
    }
  }
  // Tensor-parallel groups across devices (Stage.peers; ours, issue 13): the first chain's
  // devices as one group and the fastest 2 / 4 per switch; the scheduler weighs them by the same
  // capacity and SLO test as chains (perf-model prices the syncs as the simulator does).
  const extra = first && first.stages.length > 1 ? [first.stages.map((s) => s.device)] : [];
  for (const g of tpGroupCandidates(view, service, devices, ledger, extra))
    out.push({ service: service.name, stages: [g] });
  return out;
}

export function allocate(
  view: ClusterView,
  service: ServiceInfo,
  category: Category,
  devices: readonly DeviceState[],
  shareFractions: readonly number[] = [],
): Allocation {
  const usable = devices.filter((d) => d.alive);
  const fitsSomewhere = usable.some((d) => perfOn(service, d) && tensorDegreeToFit(service, d) > 0);
  const maxRatio = category.sensitivity === 'latency' ? LATENCY_HEADROOM : 1;
  if (!fitsSomewhere) {
    const candidates = pipelineShapes(view, service, usable, category);
    const degree = Math.max(0, ...candidates.map((c) => c.stages.length));
    return { mode: 'pipeline', degree, candidates, maxRatio };
  }
  if (category.sensitivity === 'latency' && category.gpus === 'multi') {
    const candidates = wholeBoxShapes(service, usable, fullTensorDegree);
    return {
      mode: 'tensor-parallel',
      degree: Math.max(1, ...candidates.map((c) => c.stages[0]!.gpus)),
      candidates,
      maxRatio,
    };
  }
  const candidates = wholeBoxShapes(service, usable, () => 1, shareFractions);
  const mode: ParallelMode = category.sensitivity === 'frequency' ? 'data-parallel' : 'replica';
  return { mode, degree: Math.max(1, ...candidates.map((c) => c.stages[0]!.gpus)), candidates, maxRatio };
}
