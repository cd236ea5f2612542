/**
 * What the figures and tables plot, read from runs: per-service (or all-services) values per run,
 * and series over x per (policy, facet) with seed statistics. `all` is the all-services view: the
 * lowest per-service attainment (every service must meet the target), never a request-weighted
 * sum. Latencies from JSON come back as null both for "no sample" and for +∞ (a request that
 * never finished): the count tells them apart.
 */
import type { LatencySummary, RunResult } from '../policies/index.js';
import type { Cell, Grouped } from './group.js';
import type { Summary } from './stats.js';
import { summarize } from './stats.js';

export const ALL = 'all';

/** Lowest per-service attainment of a run (computed for results older than the field). */
export function minServiceAttainment(r: RunResult): number {
  const t = r.totals.minServiceAttainment;
  if (typeof t === 'number') return t;
  const v = Object.values(r.services)
    .filter((s) => s.offered > 0)
    .map((s) => s.sloAttainment);
  return v.length > 0 ? Math.min(...v) : Number.NaN;
}

export function attainmentOf(r: RunResult, service: string): number {
  if (service === ALL) return minServiceAttainment(r);
  const s = r.services[service];
  return s !== undefined && s.offered > 0 ? s.sloAttainment : Number.NaN;
}

export function goodputOf(r: RunResult, service: string): number {
  if (service === ALL) return r.totals.goodputRps;
  return r.services[service]?.goodputRps ?? Number.NaN;
}

/** A latency field as a number: +∞ where JSON says null but the population is not empty. */
export function latencyValue(l: LatencySummary | undefined, field: 'p50' | 'p90' | 'p99'): number {
  if (l === undefined || l.count === 0) return Number.NaN;
  const v = l[field] as number | null;
  return v === null ? Infinity : v;
}

/** Mean over seeds keeping +∞ (one run that never served its tail makes the mean +∞). */
export function meanKeepingInf(xs: readonly number[]): number {
  const v = xs.filter((x) => !Number.isNaN(x));
  if (v.length === 0) return Number.NaN;
  if (v.some((x) => x === Infinity)) return Infinity;
  return v.reduce((a, b) => a + b, 0) / v.length;
}

/**
 * Energy per finished request (J): the devices the catalog has power figures for (the others,
 * e.g. an FPGA board without a datasheet figure, are left out), over ok + late requests.
 */
export function energyPerRequest(r: RunResult): number {
  const known = Object.values(r.devices).filter((d) => d.energyJ !== null);
  const finished = r.totals.ok + r.totals.late;
  return known.length > 0 && finished > 0 ? known.reduce((a, d) => a + (d.energyJ ?? 0), 0) / finished : Number.NaN;
}

export interface SeriesPoint {
  readonly x: number;
  readonly s: Summary;
}

export interface Series {
  readonly policy: string;
  readonly facet: string;
  readonly points: readonly SeriesPoint[];
}

/** One series per (policy, facet) with runs, x ascending: the summary of `metric` over seeds. */
export function seriesOf(g: Grouped, metric: (r: RunResult) => number): Series[] {
  const out: Series[] = [];
  for (const policy of g.policies) {
    for (const f of g.facets) {
      const cells = g.cells.filter((c) => c.policy === policy && c.facet === f.key && c.runs.length > 0);
      if (cells.length === 0) continue;
      out.push({
        policy,
        facet: f.key,
        points: cells.map((c: Cell) => ({ x: c.x, s: summarize(c.runs.map(metric)) })),
      });
    }
  }
  return out;
}
