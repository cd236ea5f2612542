/**
 * EPARA's centralized state-aware scheduler: which instances should exist, re-run every
 * placement period and after faults.
 *
 * Formulation (the paper describes a greedy, state-aware re-placement; the exact objective is
 * ours): maximize F(P) = Σ_services min(target_s, Σ_{i∈P, i serves s} c_i), where c_i is the
 * instance's sustainable request rate (perf-model bottleneck) scaled by the compute still free on
 * its devices, target_s = demand × headroom. F is a concave function of a sum of non-negative
 * terms per service — monotone submodular — under a knapsack (memory) constraint per device, for
 * which cost-benefit greedy (pick the largest marginal gain per GB of weights, Khuller–Moss–Naor;
 * Leskovec et al. 2007) is the standard approximation. Candidate shapes come from the
 * parallelism allocator.
 *
 * State awareness and moving little: a new instance's gain is discounted by the fraction of the
 * period it spends loading (`weights / load bandwidth`); instances that exist (pending, loading
 * or ready, on usable devices) carry no such discount. Two plans are built — KEEP (existing
 * instances pinned first, greedy fills the rest) and FRESH (greedy over everything) — and FRESH
 * is taken only if it serves more services (with demand) than KEEP, or as many with a value
 * exceeding KEEP's by the migration threshold. Each is built twice, with and without a coverage
 * phase (ours, `Fill.cover`: one instance per service before the greedy, largest model first),
 * and the one serving more services is kept — so no service is starved by the req/s objective
 * when memory allows serving all. A plan re-emits the
 * existing instances it keeps, so the host leaves them running.
 */
import type {
  Category,
  ClusterView,
  DeviceId,
  DeviceState,
  InstanceState,
  PlannedInstance,
  ServiceInfo,
  Stage,
} from '../contract.js';
import { MemoryLedger } from '../memory-ledger.js';
import { estimateChain, meanWork, sloRatio, stageWeightBytes } from '../perf-model.js';
import { stagesKey } from '../placement-helpers.js';
import type { Allocation } from './allocate.js';
import { allocate } from './allocate.js';
import { categorize } from './categorize.js';

/** Weight of capacity from shapes that miss the SLO even unloaded (used only when a service has no other). */
export const INFEASIBLE_WEIGHT = 0.05;
/** Target for a service with no demand yet: any one instance fills it. */
const PRESENCE_RPS = 1e-3;

export interface SchedulerOptions {
  readonly migrationThreshold: number;
  readonly loadBytesPerS: number;
  readonly placementPeriodS: number;
  readonly demandHeadroom: number;
  /** Fractional GPU shares offered for small single-GPU tasks (empty: whole GPUs only). */
  readonly shareFractions?: readonly number[];
}

export interface Candidate {
  readonly key: string;
  readonly service: ServiceInfo;
  readonly instance: PlannedInstance;
  readonly existing: boolean;
  /** Capacity after SLO-feasibility weight and load discount, before compute sharing. */
  readonly capacity: number;
  readonly memGB: number;
  readonly feasible: boolean;
}

export interface ServicePlanInfo {
  readonly category: Category;
  readonly allocation: Pick<Allocation, 'mode' | 'degree'>;
}

export interface SchedulerResult {
  readonly instances: readonly PlannedInstance[];
  readonly value: number;
  readonly kept: number;
  readonly loaded: number;
  readonly choice: 'keep' | 'fresh';
  readonly services: ReadonlyMap<string, ServicePlanInfo>;
}

function isLive(i: InstanceState, usable: ReadonlySet<DeviceId>): boolean {
  return (
    (i.state === 'ready' || i.state === 'loading' || i.state === 'pending') &&
    i.stages.every((s) => usable.has(s.device))
  );
}

function candidateOf(
  view: ClusterView,
  service: ServiceInfo,
  inst: PlannedInstance,
  existing: boolean,
  maxRatio: number,
  opt: SchedulerOptions,
): Candidate | undefined {
  const est = estimateChain(view, service, inst.stages, meanWork(service), service.ingress);
  if (!est || !Number.isFinite(est.e2eS)) return undefined;
  const feasible = sloRatio(service.slo, est) <= maxRatio;
  const maxStageBytes = Math.max(...inst.stages.map((s) => stageWeightBytes(service, s)));
  const loadFraction = existing
    ? 0
    : Math.min(0.9, maxStageBytes / opt.loadBytesPerS / Math.max(1e-9, opt.placementPeriodS));
  const capacity = est.capacityRps * (feasible ? 1 : INFEASIBLE_WEIGHT) * (1 - loadFraction);
  const mem = inst.stages.reduce((a, s) => a + stageWeightBytes(service, s), 0);
  return {
    key: `${service.name}|${stagesKey(inst.stages)}`,
    service,
    instance: inst,
    existing,
    capacity,
    memGB: Math.max(0.05, mem / 1e9),
    feasible,
  };
}

/** GPU units a stage claims: its TP degree, or its share of one accelerator. */
function gpuUnits(s: Stage): number {
  return s.gpuFraction !== undefined ? s.gpuFraction : s.gpus;
}

function units(c: Candidate): number {
  return c.instance.stages.reduce((a, s) => a + gpuUnits(s), 0);
}

/** Greedy state: memory, compute (GPU units) per device, rate served per service. */
export class Fill {
  readonly ledger: MemoryLedger;
  readonly compute = new Map<DeviceId, number>();
  readonly served = new Map<string, number>();
  readonly chosen: Candidate[] = [];

  private readonly gpusOf = new Map<DeviceId, number>();

  constructor(
    devices: readonly DeviceState[],
    private readonly targets: ReadonlyMap<string, number>,
  ) {
    this.ledger = new MemoryLedger(devices);
    for (const d of devices) {
      this.compute.set(d.id, d.alive ? d.gpus : 0);
      this.gpusOf.set(d.id, d.gpus);
    }
  }

  /** GPU units a stage claims on each device it runs on: its own units on the root, all GPUs of a TP peer (as the host places peers). */
  private claims(s: Stage): [DeviceId, number][] {
    return [[s.device, gpuUnits(s)], ...(s.peers ?? []).map((p): [DeviceId, number] => [p, this.gpusOf.get(p) ?? 1])];
  }

  private effective(c: Candidate): number {
    let f = 1;
    for (const s of c.instance.stages)
      for (const [id, u] of this.claims(s)) f = Math.min(f, (this.compute.get(id) ?? 0) / u);
    return c.capacity * Math.max(0, f);
  }

  gain(c: Candidate): number {
    if (!this.ledger.fits(c.service, c.instance.stages)) return 0;
    // One share per (service, accelerator box): a second fractional replica beside the first
    // would only split the same GPU time in two queues.
    if (
      c.instance.stages.some(
        (s) =>
          s.gpuFraction !== undefined &&
          this.chosen.some(
            (o) => o.service.name === c.service.name && o.instance.stages.some((t) => t.device === s.device),
          ),
      )
    )
      return 0;
    const left = (this.targets.get(c.service.name) ?? 0) - (this.served.get(c.service.name) ?? 0);
    return Math.max(0, Math.min(left, this.effective(c)));
  }

  take(c: Candidate): void {
    const eff = this.effective(c);
    this.ledger.reserve(c.service, c.instance.stages);
    for (const s of c.instance.stages)
      for (const [id, u] of this.claims(s)) this.compute.set(id, Math.max(0, (this.compute.get(id) ?? 0) - u));
    this.served.set(c.service.name, (this.served.get(c.service.name) ?? 0) + eff);
    this.chosen.push(c);
  }

  value(): number {
    let v = 0;
    for (const [s, t] of this.targets) v += Math.min(t, this.served.get(s) ?? 0);
    return v;
  }

  /** Services with demand that have at least one chosen instance. */
  covered(): number {
    return new Set(this.chosen.filter((c) => c.service.demandRps > 0).map((c) => c.service.name)).size;
  }

  /**
   * Coverage phase (ours, not the paper's): before the cost-benefit greedy, every service with
   * demand that has no instance gets one — its candidate with the largest gain (then the fewest GB) — services
   * taken largest model first (first-fit decreasing), so that a model that needs a pipeline over
   * the big GPUs is placed before replicas of small ones fill them. The greedy's value counts
   * requests/s, so without this a 0.1 req/s service whose model needs 39 GB scores 0.1/39 per GB
   * and is starved by 40 frames/s of cameras on the same GPUs (scenarios/fair/split-70b.yaml).
   */
  cover(pool: readonly Candidate[]): void {
    const have = new Set(this.chosen.map((c) => c.service.name));
    const byService = new Map<string, Candidate[]>();
    for (const c of pool)
      if (!have.has(c.service.name) && c.service.demandRps > 0)
        byService.set(c.service.name, [...(byService.get(c.service.name) ?? []), c]);
    const order = [...byService].sort(([a, ca], [b, cb]) => {
      const ma = Math.min(...ca.map((c) => c.memGB)),
        mb = Math.min(...cb.map((c) => c.memGB));
      return mb - ma || (a < b ? -1 : 1);
    });
    for (const [, cands] of order) {
      let best: Candidate | undefined;
      let bestGain = 0;
      for (const c of cands) {
        const g = this.gain(c);
        if (
          g > bestGain * (1 + 1e-9) + 1e-12 ||
          (best !== undefined &&
            g > 0 &&
            Math.abs(g - bestGain) <= 1e-9 * g &&
            (units(c) < units(best) - 1e-12 ||
              (Math.abs(units(c) - units(best)) <= 1e-12 &&
                (c.memGB < best.memGB || (c.memGB === best.memGB && c.key < best.key)))))
        ) {
          best = c;
          bestGain = g;
        }
      }
      if (best) this.take(best);
    }
  }

  /** Score of a candidate now: marginal gain per GB of weights (0 when it cannot be taken). */
  score(c: Candidate): number {
    return this.gain(c) / c.memGB;
  }

  /**
   * The original selection rule over `items` in pool order: the largest score, scores within a
   * relative 1e-9 counting as equal, then fewer GPU units, then key order.
   */
  private pick(items: readonly Candidate[], scores: readonly number[]): number {
    let best = -1;
    let bestScore = 0;
    for (let k = 0; k < items.length; k++) {
      const c = items[k]!;
      const score = scores[k]!;
      const tol = 1e-9 * Math.max(score, bestScore) + 1e-12;
      // Equal scores: the candidate claiming fewer GPU units (a fractional share when it meets
      // the remaining demand as well as a whole GPU would), then key order.
      if (
        score > bestScore + tol ||
        (best >= 0 &&
          score > 0 &&
          Math.abs(score - bestScore) <= tol &&
          (units(c) < units(items[best]!) - 1e-12 ||
            (Math.abs(units(c) - units(items[best]!)) <= 1e-12 && c.key < items[best]!.key)))
      ) {
        best = k;
        bestScore = score;
      }
    }
    return best;
  }

  /**
   * Cost-benefit greedy with lazy evaluation (Minoux's accelerated greedy; Leskovec et al. 2007):
   * a candidate's gain only falls as the fill grows (demand left, compute and memory shrink), so
   * its last computed score bounds its current one. Candidates sit in a max-heap of those bounds;
   * each round refreshes only the tops until the best is fresh, then gathers every candidate whose
   * bound is within the tie tolerance of it (refreshing those too) and applies the original rule
   * among them in pool order. Same choices as scanning the whole pool each round (up to chains
   * of distinct scores each within 1e-9 of the next; docs/decisions.md), in far fewer evaluations.
   */
  greedy(pool: readonly Candidate[]): void {
    const taken = new Set(this.chosen.map((c) => c.key));
    const n = pool.length;
    const bound = new Float64Array(n);
    const round = new Int32Array(n).fill(-1);
    const heap: number[] = [];
    const above = (i: number, j: number) => bound[i]! > bound[j]! || (bound[i] === bound[j] && i < j);
    const up = (k: number) => {
      const x = heap[k]!;
      while (k > 0) {
        const p = (k - 1) >> 1;
        if (!above(x, heap[p]!)) break;
        heap[k] = heap[p]!;
        k = p;
      }
      heap[k] = x;
    };
    const down = (k: number) => {
      const x = heap[k]!;
      for (;;) {
        const l = 2 * k + 1;
        if (l >= heap.length) break;
        const r = l + 1;
        const c = r < heap.length && above(heap[r]!, heap[l]!) ? r : l;
        if (!above(heap[c]!, x)) break;
        heap[k] = heap[c]!;
        k = c;
      }
      heap[k] = x;
    };
    const popTop = (): number => {
      const top = heap[0]!;
      const last = heap.pop()!;
      if (heap.length > 0) {
        heap[0] = last;
        down(0);
      }
      return top;
    };
    const positive = (x: number) => x > 1e-12 + 1e-9 * x;
    for (let i = 0; i < n; i++) {
      if (taken.has(pool[i]!.key)) continue;
      bound[i] = this.score(pool[i]!);
      round[i] = 0;
      if (positive(bound[i]!)) {
        heap.push(i);
        up(heap.length - 1);
      }
    }
    for (let r = 1; heap.length > 0; r++) {
      // Refresh the top until it is fresh: then no other candidate can score above it.
      while (heap.length > 0 && round[heap[0]!] !== r) {
        const i = heap[0]!;
        bound[i] = this.score(pool[i]!);
        round[i] = r;
        if (positive(bound[i]!)) down(0);
        else popTop();
      }
      if (heap.length === 0) return;
      const top = bound[heap[0]!]!;
      const floor = top - 2 * (1e-9 * top + 1e-12);
      // Everyone within the tie tolerance of the best, fresh, in pool order.
      const near: number[] = [];
      while (heap.length > 0 && bound[heap[0]!]! >= floor) {
        const i = heap[0]!;
        if (round[i] !== r) {
          bound[i] = this.score(pool[i]!);
          round[i] = r;
          if (positive(bound[i]!)) down(0);
          else popTop();
          continue;
        }
        near.push(popTop());
      }
      near.sort((x, y) => x - y);
      const k = this.pick(
        near.map((i) => pool[i]!),
        near.map((i) => bound[i]!),
      );
      if (k < 0) return;
      this.take(pool[near[k]!]!);
      taken.add(pool[near[k]!]!.key);
      for (let j = 0; j < near.length; j++) {
        if (j === k) continue;
        heap.push(near[j]!);
        up(heap.length - 1);
      }
    }
  }
}

export function schedule(
  view: ClusterView,
  usableDevices: readonly DeviceState[],
  opt: SchedulerOptions,
): SchedulerResult {
  const usable = new Set(usableDevices.filter((d) => d.alive).map((d) => d.id));
  const devices = view.devices.map((d) => (usable.has(d.id) ? d : { ...d, alive: false }));
  const targets = new Map<string, number>();
  const services = new Map<string, ServicePlanInfo>();
  const pool: Candidate[] = [];
  const existing: Candidate[] = [];
  const live = view.instances
    .filter((i) => isLive(i, usable))
    .slice()
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  for (const service of view.services) {
    targets.set(service.name, service.demandRps > 0 ? service.demandRps * opt.demandHeadroom : PRESENCE_RPS);
    const { category } = categorize({ ...view, devices }, service);
    const alloc = allocate({ ...view, devices }, service, category, devices, opt.shareFractions ?? []);
    services.set(service.name, { category, allocation: { mode: alloc.mode, degree: alloc.degree } });
    const mine: Candidate[] = [];
    const seen = new Set<string>();
    const add = (c: Candidate | undefined) => {
      if (c && !seen.has(c.key)) {
        seen.add(c.key);
        mine.push(c);
      }
    };
    for (const inst of live.filter((i) => i.service === service.name)) {
      add(candidateOf(view, service, { service: service.name, stages: inst.stages }, true, alloc.maxRatio, opt));
    }
    for (const inst of alloc.candidates) add(candidateOf(view, service, inst, false, alloc.maxRatio, opt));
    // Shapes that miss the SLO unloaded only serve to keep a service reachable when nothing meets it.
    const usableShapes = mine.some((c) => c.feasible) ? mine.filter((c) => c.feasible) : mine;
    for (const c of usableShapes) {
      pool.push(c);
      if (c.existing) existing.push(c);
    }
  }
  // Each plan is built with and without the coverage phase; the one serving more services wins,
  // then the larger value (covering first can cost value when not every service fits anyway).
  const build = (pinned: readonly Candidate[]): Fill => {
    let best: Fill | undefined;
    for (const withCover of [true, false]) {
      const f = new Fill(devices, targets);
      for (const c of pinned) if (f.gain(c) > 0) f.take(c);
      if (withCover) f.cover(pool);
      f.greedy(pool);
      if (!best || f.covered() > best.covered() || (f.covered() === best.covered() && f.value() > best.value() + 1e-9))
        best = f;
    }
    return best!;
  };
  const keep = build(existing);
  const fresh = build([]);
  // A plan that serves more services wins outright (a starved service is no trade for req/s).
  const useFresh =
    fresh.covered() > keep.covered() ||
    (fresh.covered() === keep.covered() && fresh.value() > keep.value() * (1 + opt.migrationThreshold) + 1e-9);
  const win = useFresh ? fresh : keep;
  return {
    instances: win.chosen.map((c) => c.instance),
    value: win.value(),
    kept: win.chosen.filter((c) => c.existing).length,
    loaded: win.chosen.filter((c) => !c.existing).length,
    choice: useFresh ? 'fresh' : 'keep',
    services,
  };
}
