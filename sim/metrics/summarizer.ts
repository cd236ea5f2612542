/**
 * The pure run summarizer shared by the simulator and the live runtime: feed it one outcome per
 * request (`add`, or `addRecord` for RequestRecord objects) plus device busy time, get the
 * canonical RunResult. No kernel, clock or I/O here (the runtime imports sim/metrics only).
 *
 * Latency populations, served-only: E2E over finished requests (ok + late); TTFT over finished
 * requests with a first token; TPOT over finished requests with ≥ 2 output tokens. Including
 * drops: the same plus +∞ for every request that did not finish (dropped, failed, in flight at
 * the horizon) — for TTFT/TPOT only in LLM services. INV-1 (conservation) is checked in `finish`,
 * and `finish` adds the notes of `explainRun` (why a service did badly) to the caller's.
 */
import type {
  DeviceResult,
  LinkResult,
  Outcome,
  OutcomeCounts,
  PlacementChange,
  RequestRecord,
  RunResult,
  ServiceKind,
  ServiceResult,
  Slo,
} from '../../policies/index.js';
import { perUnit, serviceEnergyJ } from './energy.js';
import { explainRun } from './notes.js';
import { Samples } from './samples.js';
import { noReadyFractions } from './ready-time.js';

export interface ServiceMeta {
  readonly name: string;
  readonly kind: ServiceKind;
  readonly slo: Slo;
  readonly perfSource: Readonly<Record<string, 'profile' | 'roofline'>>;
}

export interface LinkMeta {
  readonly id: string;
  readonly type: string;
}

export interface DeviceMeta {
  readonly id: string;
  readonly type: string;
  readonly idleW: number | null;
  readonly busyW: number | null;
}

export interface RunMeta {
  /** Which host runs it (default `simulated`); the live controller passes `live`. */
  readonly clock?: 'simulated' | 'live';
  readonly scenario: string;
  readonly seed: number;
  readonly policy: string;
  readonly horizonS: number;
  readonly timelineBucketS: number;
  readonly services: readonly ServiceMeta[];
  readonly devices: readonly DeviceMeta[];
  /** Links whose busy time the host reports through `setLinkBusy` (none for live replays). */
  readonly links?: readonly LinkMeta[];
}

/** SLO verdict of a finished request: INV-5 — ok iff every SLO bound holds. */
export function meetsSlo(
  slo: Slo,
  arrivalS: number,
  firstTokenS: number,
  finishS: number,
  outputTokens: number,
): boolean {
  switch (slo.kind) {
    case 'token': {
      const tpot = outputTokens > 1 ? (finishS - firstTokenS) / (outputTokens - 1) : 0;
      return firstTokenS - arrivalS <= slo.ttftS && tpot <= slo.tpotS;
    }
    case 'e2e':
      return finishS - arrivalS <= slo.e2eS;
    case 'frame':
      return finishS - arrivalS <= slo.deadlineS;
  }
}

class ServiceAcc {
  offered = 0;
  ok = 0;
  late = 0;
  dropped = 0;
  failed = 0;
  inflight = 0;
  outputTokens = 0;
  readonly ttft = new Samples();
  readonly tpot = new Samples();
  readonly e2e = new Samples();
  readonly ttftAll = new Samples();
  readonly tpotAll = new Samples();
  readonly e2eAll = new Samples();
  readonly reasons = new Map<string, number>();
  /** Arrivals and outcomes (finish/drop times) per timeline bucket: in-flight = running difference. */
  readonly arrivedPerBucket: Float64Array;
  readonly endedPerBucket: Float64Array;
  constructor(buckets: number) {
    this.arrivedPerBucket = new Float64Array(buckets);
    this.endedPerBucket = new Float64Array(buckets);
  }
}

export class RunSummarizer {
  private readonly acc: ServiceAcc[];
  private readonly byName: Map<string, number>;
  private readonly buckets: number;
  private readonly okPerBucket: Float64Array;
  private readonly busy: Float64Array;
  private readonly busyBuckets: Float64Array[];
  private readonly linkBusy: Float64Array;
  /** Busy seconds per service per device (energy attribution, sim/metrics/energy.ts). */
  private readonly svcBusy: Float64Array[];
  private readonly deviceNotes: string[] = [];
  private readonly clockTimelines = new Map<number, readonly number[]>();

  constructor(private readonly meta: RunMeta) {
    this.buckets = Math.max(1, Math.ceil(meta.horizonS / meta.timelineBucketS - 1e-9));
    this.acc = meta.services.map(() => new ServiceAcc(this.buckets));
    this.byName = new Map(meta.services.map((s, i) => [s.name, i]));
    this.linkBusy = new Float64Array(meta.links?.length ?? 0);
    this.okPerBucket = new Float64Array(this.buckets);
    this.busy = new Float64Array(meta.devices.length);
    this.busyBuckets = meta.devices.map(() => new Float64Array(this.buckets));
    this.svcBusy = meta.services.map(() => new Float64Array(meta.devices.length));
  }

  /** Busy seconds of service `s` on device `d` (may be negative: a shortened run). */
  addServiceBusy(s: number, d: number, seconds: number): void {
    this.svcBusy[s]![d] = this.svcBusy[s]![d]! + seconds;
  }

  /** A device's clock ratio per timeline bucket (thermal throttling, sim/devices/thermal.ts). */
  setClockTimeline(d: number, ratios: readonly number[]): void {
    this.clockTimelines.set(d, ratios);
  }

  /** Records one request's single outcome (times in seconds; NaN where not reached). */
  add(
    service: number,
    outcome: Outcome,
    arrivalS: number,
    firstTokenS: number,
    finishS: number,
    outputTokens: number,
    reason?: string,
  ): void {
    const a = this.acc[service]!;
    const llm = this.meta.services[service]!.kind === 'llm';
    a.offered++;
    switch (outcome) {
      case 'ok':
        a.ok++;
        break;
      case 'late':
        a.late++;
        break;
      case 'dropped':
        a.dropped++;
        break;
      case 'failed':
        a.failed++;
        break;
      case 'inflight':
        a.inflight++;
        break;
    }
    const w = this.meta.timelineBucketS;
    const last = this.buckets - 1;
    const ab = Math.min(last, Math.floor(arrivalS / w));
    if (ab >= 0) a.arrivedPerBucket[ab] = a.arrivedPerBucket[ab]! + 1;
    if (outcome !== 'inflight' && finishS < this.meta.horizonS) {
      const fb = Math.min(last, Math.floor(finishS / w));
      if (fb >= 0) a.endedPerBucket[fb] = a.endedPerBucket[fb]! + 1;
    }
    if (reason !== undefined && (outcome === 'dropped' || outcome === 'failed'))
      a.reasons.set(reason, (a.reasons.get(reason) ?? 0) + 1);
    if (outcome === 'ok' || outcome === 'late') {
      const e2e = finishS - arrivalS;
      a.e2e.push(e2e);
      a.e2eAll.push(e2e);
      a.outputTokens += outputTokens;
      if (Number.isFinite(firstTokenS)) {
        a.ttft.push(firstTokenS - arrivalS);
        a.ttftAll.push(firstTokenS - arrivalS);
        if (outputTokens > 1) {
          const tpot = (finishS - firstTokenS) / (outputTokens - 1);
          a.tpot.push(tpot);
          a.tpotAll.push(tpot);
        }
      }
      if (outcome === 'ok') {
        const b = Math.min(last, Math.floor(finishS / w));
        if (b >= 0) this.okPerBucket[b] = this.okPerBucket[b]! + 1;
      }
    } else {
      // Never finished: an SLO miss of unbounded latency in the including-drops populations.
      a.e2eAll.push(Infinity);
      if (llm) {
        a.ttftAll.push(Infinity);
        if (outputTokens > 1) a.tpotAll.push(Infinity);
      }
    }
  }

  addRecord(r: RequestRecord): void {
    const s = this.byName.get(r.service);
    if (s === undefined) throw new Error(`record for unknown service ${r.service}`);
    this.add(s, r.outcome, r.arrivalS, r.firstTokenS, r.finishS, r.outputTokens, r.reason);
  }

  /**
   * Adds busy time of device `d` over [fromS, toS), clipped to the horizon and split per bucket;
   * `sign` −1 takes back time reserved earlier (a shortened decode run).
   */
  addBusy(d: number, fromS: number, toS: number, sign = 1): void {
    const end = Math.min(toS, this.meta.horizonS);
    if (!(end > fromS)) return;
    this.busy[d] = this.busy[d]! + sign * (end - fromS);
    const w = this.meta.timelineBucketS;
    const tl = this.busyBuckets[d]!;
    let t = fromS;
    while (t < end) {
      const b = Math.min(this.buckets - 1, Math.floor(t / w));
      const bEnd = Math.min(end, (b + 1) * w);
      tl[b] = tl[b]! + sign * (bEnd - t);
      if (bEnd <= t) break;
      t = bEnd;
    }
  }

  /** Serialization time link `l` (index into `meta.links`) was busy in its busier direction, seconds. */
  setLinkBusy(l: number, busyS: number): void {
    this.linkBusy[l] = busyS;
  }

  /** In-flight count at the end of each bucket: arrivals so far minus outcomes so far. */
  private inflightTimeline(a: ServiceAcc): number[] {
    const out: number[] = [];
    let n = 0;
    for (let b = 0; b < this.buckets; b++) {
      n += a.arrivedPerBucket[b]! - a.endedPerBucket[b]!;
      out.push(n);
    }
    return out;
  }

  finish(placementChanges: readonly PlacementChange[], notes: readonly string[]): RunResult {
    const m = this.meta;
    const services: Record<string, ServiceResult> = {};
    const noReady = noReadyFractions(
      m.services.map((s) => s.name),
      placementChanges,
      m.horizonS,
    );
    const tot = { offered: 0, ok: 0, late: 0, dropped: 0, failed: 0, inflight: 0 };
    m.services.forEach((s, i) => {
      const a = this.acc[i]!;
      // INV-1: every offered request has exactly one outcome.
      if (a.offered !== a.ok + a.late + a.dropped + a.failed + a.inflight)
        throw new Error(`INV-1 violated for ${s.name}`);
      const counts: OutcomeCounts = {
        offered: a.offered,
        ok: a.ok,
        late: a.late,
        dropped: a.dropped,
        failed: a.failed,
        inflight: a.inflight,
      };
      for (const k of Object.keys(tot) as (keyof typeof tot)[]) tot[k] += counts[k];
      services[s.name] = {
        ...counts,
        kind: s.kind,
        slo: s.slo,
        offeredRps: a.offered / m.horizonS,
        goodputRps: a.ok / m.horizonS,
        sloAttainment: a.offered > 0 ? a.ok / a.offered : NaN,
        ttftS: a.ttft.summary(),
        tpotS: a.tpot.summary(),
        e2eS: a.e2e.summary(),
        ttftInclDropsS: a.ttftAll.summary(),
        tpotInclDropsS: a.tpotAll.summary(),
        e2eInclDropsS: a.e2eAll.summary(),
        ...(s.kind === 'llm' ? { outputTokPerS: a.outputTokens / m.horizonS } : {}),
        noReadyFraction: noReady[i]!,
        inflightTimeline: this.inflightTimeline(a),
        dropReasons: Object.fromEntries([...a.reasons.entries()].sort()),
        perfSource: s.perfSource,
      };
    });
    const attained = Object.values(services)
      .filter((s) => s.offered > 0)
      .map((s) => s.sloAttainment);
    const devices: Record<string, DeviceResult> = {};
    const energies = m.devices.map((d, i) =>
      d.idleW !== null && d.busyW !== null ? d.idleW * m.horizonS + (d.busyW - d.idleW) * this.busy[i]! : null,
    );
    m.devices.forEach((d, i) => {
      const busy = this.busy[i]!;
      const clock = this.clockTimelines.get(i);
      devices[d.id] = {
        type: d.type,
        utilization: busy / m.horizonS,
        energyJ: energies[i]!,
        utilizationTimeline: Array.from(
          this.busyBuckets[i]!,
          (x, b) => x / (Math.min(m.horizonS, (b + 1) * m.timelineBucketS) - b * m.timelineBucketS),
        ),
        ...(clock !== undefined ? { clockTimeline: clock } : {}),
      };
    });
    const svcEnergy = serviceEnergyJ(energies, this.svcBusy);
    m.services.forEach((s, i) => {
      const a = this.acc[i]!;
      const e = svcEnergy[i]!;
      services[s.name] = {
        ...services[s.name]!,
        energyJ: e,
        energyPerRequestJ: perUnit(e, a.ok + a.late),
        ...(s.kind === 'llm' ? { energyPerOutputTokenJ: perUnit(e, a.outputTokens) } : {}),
      };
    });
    const links: Record<string, LinkResult> = {};
    (m.links ?? []).forEach((l, i) => {
      links[l.id] = { type: l.type, utilization: Math.min(1, this.linkBusy[i]! / m.horizonS) };
    });
    const result: RunResult = {
      schema: 'parasim.result/1',
      clock: m.clock ?? 'simulated',
      scenario: m.scenario,
      seed: m.seed,
      policy: m.policy,
      horizonS: m.horizonS,
      timelineBucketS: m.timelineBucketS,
      totals: {
        ...tot,
        goodputRps: tot.ok / m.horizonS,
        sloAttainment: tot.offered > 0 ? tot.ok / tot.offered : NaN,
        minServiceAttainment: attained.length > 0 ? Math.min(...attained) : NaN,
        meanServiceAttainment: attained.length > 0 ? attained.reduce((x, y) => x + y, 0) / attained.length : NaN,
      },
      services,
      devices,
      links,
      goodputTimeline: Array.from(
        this.okPerBucket,
        (x, b) => x / (Math.min(m.horizonS, (b + 1) * m.timelineBucketS) - b * m.timelineBucketS),
      ),
      placementChanges,
      notes,
    };
    return { ...result, notes: [...new Set([...notes, ...explainRun(result)])] };
  }
}
