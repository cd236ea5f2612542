/**
 * The pure run summarizer shared by the simulator and the live runtime: feed it one outcome per
 * request (`add`, or `addRecord` for RequestRecord objects) plus device busy time, get the
 * canonical RunResult. No kernel, clock or I/O here (the runtime imports sim/metrics only).
 *
 * Latency populations: E2E over finished requests (ok + late); TTFT over finished requests with a
 * first token; TPOT over finished requests with ≥ 2 output tokens. INV-1 (conservation) is
 * checked in `finish`.
 */
import type {
  DeviceResult, Outcome, OutcomeCounts, PlacementChange, RequestRecord, RunResult, ServiceResult, Slo,
} from '../../policies/index.js';
import { Samples } from './samples.js';

export interface ServiceMeta {
  readonly name: string;
  readonly slo: Slo;
  readonly perfSource: Readonly<Record<string, 'profile' | 'roofline'>>;
}

export interface DeviceMeta {
  readonly id: string;
  readonly type: string;
  readonly idleW: number | null;
  readonly busyW: number | null;
}

export interface RunMeta {
  readonly scenario: string;
  readonly seed: number;
  readonly policy: string;
  readonly horizonS: number;
  readonly timelineBucketS: number;
  readonly services: readonly ServiceMeta[];
  readonly devices: readonly DeviceMeta[];
}

/** SLO verdict of a finished request: INV-5 — ok iff every SLO bound holds. */
export function meetsSlo(slo: Slo, arrivalS: number, firstTokenS: number, finishS: number, outputTokens: number): boolean {
  switch (slo.kind) {
    case 'token': {
      const tpot = outputTokens > 1 ? (finishS - firstTokenS) / (outputTokens - 1) : 0;
      return firstTokenS - arrivalS <= slo.ttftS && tpot <= slo.tpotS;
    }
    case 'e2e': return finishS - arrivalS <= slo.e2eS;
    case 'frame': return finishS - arrivalS <= slo.deadlineS;
  }
}

class ServiceAcc {
  offered = 0; ok = 0; late = 0; dropped = 0; failed = 0; inflight = 0;
  readonly ttft = new Samples();
  readonly tpot = new Samples();
  readonly e2e = new Samples();
  readonly reasons = new Map<string, number>();
}

export class RunSummarizer {
  private readonly acc: ServiceAcc[];
  private readonly byName: Map<string, number>;
  private readonly buckets: number;
  private readonly okPerBucket: Float64Array;
  private readonly busy: Float64Array;
  private readonly busyBuckets: Float64Array[];

  constructor(private readonly meta: RunMeta) {
    this.acc = meta.services.map(() => new ServiceAcc());
    this.byName = new Map(meta.services.map((s, i) => [s.name, i]));
    this.buckets = Math.max(1, Math.ceil(meta.horizonS / meta.timelineBucketS - 1e-9));
    this.okPerBucket = new Float64Array(this.buckets);
    this.busy = new Float64Array(meta.devices.length);
    this.busyBuckets = meta.devices.map(() => new Float64Array(this.buckets));
  }

  /** Records one request's single outcome (times in seconds; NaN where not reached). */
  add(service: number, outcome: Outcome, arrivalS: number, firstTokenS: number, finishS: number, outputTokens: number, reason?: string): void {
    const a = this.acc[service]!;
    a.offered++;
    switch (outcome) {
      case 'ok': a.ok++; break;
      case 'late': a.late++; break;
      case 'dropped': a.dropped++; break;
      case 'failed': a.failed++; break;
      case 'inflight': a.inflight++; break;
    }
    if (reason !== undefined && (outcome === 'dropped' || outcome === 'failed')) a.reasons.set(reason, (a.reasons.get(reason) ?? 0) + 1);
    if (outcome === 'ok' || outcome === 'late') {
      a.e2e.push(finishS - arrivalS);
      if (Number.isFinite(firstTokenS)) {
        a.ttft.push(firstTokenS - arrivalS);
        if (outputTokens > 1) a.tpot.push((finishS - firstTokenS) / (outputTokens - 1));
      }
      if (outcome === 'ok') {
        const b = Math.min(this.buckets - 1, Math.floor(finishS / this.meta.timelineBucketS));
        if (b >= 0) this.okPerBucket[b] = this.okPerBucket[b]! + 1;
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

  finish(placementChanges: readonly PlacementChange[], notes: readonly string[]): RunResult {
    const m = this.meta;
    const services: Record<string, ServiceResult> = {};
    const tot = { offered: 0, ok: 0, late: 0, dropped: 0, failed: 0, inflight: 0 };
    m.services.forEach((s, i) => {
      const a = this.acc[i]!;
      // INV-1: every offered request has exactly one outcome.
      if (a.offered !== a.ok + a.late + a.dropped + a.failed + a.inflight) throw new Error(`INV-1 violated for ${s.name}`);
      const counts: OutcomeCounts = { offered: a.offered, ok: a.ok, late: a.late, dropped: a.dropped, failed: a.failed, inflight: a.inflight };
      for (const k of Object.keys(tot) as (keyof typeof tot)[]) tot[k] += counts[k];
      services[s.name] = {
        ...counts,
        goodputRps: a.ok / m.horizonS,
        sloAttainment: a.offered > 0 ? a.ok / a.offered : NaN,
        ttftS: a.ttft.summary(),
        tpotS: a.tpot.summary(),
        e2eS: a.e2e.summary(),
        dropReasons: Object.fromEntries([...a.reasons.entries()].sort()),
        perfSource: s.perfSource,
      };
    });
    const devices: Record<string, DeviceResult> = {};
    m.devices.forEach((d, i) => {
      const busy = this.busy[i]!;
      devices[d.id] = {
        type: d.type,
        utilization: busy / m.horizonS,
        energyJ: d.idleW !== null && d.busyW !== null ? d.idleW * m.horizonS + (d.busyW - d.idleW) * busy : null,
        utilizationTimeline: Array.from(this.busyBuckets[i]!, (x, b) => x / (Math.min(m.horizonS, (b + 1) * m.timelineBucketS) - b * m.timelineBucketS)),
      };
    });
    return {
      schema: 'parasim.result/1',
      scenario: m.scenario,
      seed: m.seed,
      policy: m.policy,
      horizonS: m.horizonS,
      timelineBucketS: m.timelineBucketS,
      totals: { ...tot, goodputRps: tot.ok / m.horizonS, sloAttainment: tot.offered > 0 ? tot.ok / tot.offered : NaN },
      services,
      devices,
      goodputTimeline: Array.from(this.okPerBucket, (x, b) => x / (Math.min(m.horizonS, (b + 1) * m.timelineBucketS) - b * m.timelineBucketS)),
      placementChanges,
      notes,
    };
  }
}
