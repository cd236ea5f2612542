/**
 * What each service asks for, as EPARA's scheduler plans with it: a demand estimate smoothed
 * across placement periods, and the request shape (mean prompt/output tokens) observed by the
 * request handler. The EPARA paper says the scheduler is state-aware and periodic; how demand is
 * estimated is ours, stated here and in docs/policies.md:
 *
 * - the host reports, with every `place` call, the rate since the previous call; within a period
 *   they are folded into the time-weighted mean `m` and into `burst_window_s` bins whose largest
 *   mean is the period's peak `p` (the issue's 10-s peaks of the Azure code trace);
 * - across periods, level `L` and peak `P` are exponentially weighted moving averages with weight
 *   `a = alpha × span / period` for a period of `span` seconds (a re-plan after a fault closes a
 *   short period, which then counts less); the first observation initializes them, blended with the
 *   declared rate when the host declared one;
 * - estimate `E = L + burst × max(0, P − L)`: the level plus part of the headroom the observed
 *   peak-to-mean asks for;
 * - hysteresis, as Kubernetes' horizontal autoscaler does it: the planned demand `D` rises at once
 *   when `E > D·(1 + tolerance)`, and falls only to the largest estimate of the last `downPeriods`
 *   periods, and only when that is below `D·(1 − tolerance)` (a scale-down stabilization window).
 *   Inside the band `D` still moves when the estimates stay on one side of it: up to the smaller
 *   of the last two when both are above, down to the window's largest when all are below — so the
 *   band damps noise without leaving a lasting bias. An on/off service is planned for its bursts
 *   instead of adding and removing replicas every period; a lasting rise is followed in the next
 *   period, a lasting fall after the window.
 * alpha = 1, burst = 0, tolerance = 0, downPeriods = 1 give back the plain per-period mean.
 *
 * Request shape: the handler records every request's prompt and output tokens; at a re-plan a
 * service with at least `MIN_SHAPE_SAMPLES` new requests gets the EWMA of their means (same `a`),
 * so categorization and the allocator's estimates use what is really asked (2,048-token code
 * prompts, not a default 512) rather than only the scenario's declared distribution.
 */
import type { ClusterView, ServiceInfo } from '../contract.js';

export interface DemandOptions {
  readonly alpha: number;
  readonly burst: number;
  readonly tolerance: number;
  readonly downPeriods: number;
  readonly burstWindowS: number;
  readonly placementPeriodS: number;
}

export const MIN_SHAPE_SAMPLES = 20;

interface Acc {
  weighted: number;
  spanS: number;
  binWeighted: number;
  binSpanS: number;
  peak: number;
  shapeN: number;
  prompt: number;
  output: number;
}
interface Smoothed {
  level: number;
  peak: number;
  used: number;
  recent: number[];
  prompt?: number;
  output?: number;
}

const ewma = (old: number | undefined, x: number, a: number) => (old === undefined ? x : old + a * (x - old));

export class DemandEstimate {
  private readonly acc = new Map<string, Acc>();
  private readonly smooth = new Map<string, Smoothed>();
  /** The host's demand at the first plan (declared rates), to seed the level. */
  private readonly lastDeclared = new Map<string, number>();
  private lastCallS: number | undefined;

  constructor(private readonly opt: DemandOptions) {}

  private accFor(name: string): Acc {
    let a = this.acc.get(name);
    if (!a) {
      a = { weighted: 0, spanS: 0, binWeighted: 0, binSpanS: 0, peak: 0, shapeN: 0, prompt: 0, output: 0 };
      this.acc.set(name, a);
    }
    return a;
  }

  /** Folds the rates reported with this `place` call; call once per call. */
  observe(view: ClusterView): void {
    const dt = this.lastCallS === undefined ? 0 : Math.max(0, view.now - this.lastCallS);
    this.lastCallS = view.now;
    if (dt <= 0) return;
    for (const s of view.services) {
      const a = this.accFor(s.name);
      a.weighted += s.demandRps * dt;
      a.spanS += dt;
      a.binWeighted += s.demandRps * dt;
      a.binSpanS += dt;
      if (a.binSpanS >= this.opt.burstWindowS - 1e-9) this.closeBin(a);
    }
  }

  private closeBin(a: Acc): void {
    if (a.binSpanS > 0) a.peak = Math.max(a.peak, a.binWeighted / a.binSpanS);
    a.binWeighted = 0;
    a.binSpanS = 0;
  }

  /** One request seen by the handler (its shape). */
  recordRequest(service: string, promptTokens: number, outputTokens: number): void {
    const a = this.accFor(service);
    a.shapeN += 1;
    a.prompt += promptTokens;
    a.output += outputTokens;
  }

  /**
   * Closes the period at a full re-plan and returns the view the scheduler plans with: demand
   * and (when observed) request shape of each service replaced by the estimates.
   */
  planView(view: ClusterView): ClusterView {
    const services = view.services.map((s) => this.closePeriod(s));
    return { ...view, services };
  }

  /**
   * Up at once beyond the tolerance, or to the smaller of the last two estimates when both are
   * above (a lasting rise inside the band); down to the window's largest estimate when it is below
   * the tolerance band, or below at all for a whole window (a lasting fall inside the band).
   */
  private planned(used: number | undefined, est: number, recent: readonly number[]): number {
    if (used === undefined) return est;
    const tol = this.opt.tolerance;
    if (est > used * (1 + tol)) return est;
    const last2 = recent.slice(-2);
    if (last2.length === 2 && Math.min(...last2) > used) return Math.min(...last2);
    const windowMax = Math.max(...recent);
    if (windowMax < used * (1 - tol) || (windowMax < used && recent.length >= this.opt.downPeriods)) return windowMax;
    return used;
  }

  private closePeriod(s: ServiceInfo): ServiceInfo {
    const a = this.accFor(s.name);
    const prev = this.smooth.get(s.name);
    let out: ServiceInfo = s;
    if (a.spanS > 0) {
      if (a.binSpanS >= this.opt.burstWindowS / 2) this.closeBin(a);
      const mean = a.weighted / a.spanS;
      const peak = Math.max(mean, a.peak);
      const w = this.opt.alpha * Math.min(1, a.spanS / this.opt.placementPeriodS);
      // First observation: blend with the declared rate if the host declared one at the start.
      const declared = this.lastDeclared.get(s.name);
      const seedLevel = prev?.level ?? (declared !== undefined && declared > 0 ? declared : undefined);
      const level = ewma(seedLevel, mean, w);
      const pk = ewma(prev?.peak ?? seedLevel, peak, w);
      const est = level + this.opt.burst * Math.max(0, pk - level);
      const recent = [...(prev?.recent ?? []), est].slice(-Math.max(1, this.opt.downPeriods));
      const next: Smoothed = { level, peak: pk, used: this.planned(prev?.used, est, recent), recent };
      if (a.shapeN >= MIN_SHAPE_SAMPLES) {
        next.prompt = ewma(prev?.prompt, a.prompt / a.shapeN, w);
        next.output = ewma(prev?.output, a.output / a.shapeN, w);
      } else if (prev?.prompt !== undefined) {
        next.prompt = prev.prompt;
        next.output = prev.output;
      }
      this.smooth.set(s.name, next);
    } else if (prev === undefined) {
      // Nothing observed yet (the first plan): the host's figure, remembered to seed the level.
      this.lastDeclared.set(s.name, s.demandRps);
    }
    const cur = this.smooth.get(s.name);
    if (cur) {
      out = { ...s, demandRps: cur.used };
      if (cur.prompt !== undefined && cur.output !== undefined)
        out = { ...out, meanPromptTokens: cur.prompt, meanOutputTokens: cur.output };
    }
    this.acc.delete(s.name);
    return out;
  }
}
