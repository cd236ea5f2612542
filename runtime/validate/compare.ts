/**
 * Pure sim-vs-live comparison (no I/O, no clock): two RunResults of the same scenario, policy
 * and load → one row per metric with its absolute and relative error, and the summary figure
 * `medianAbsGoodputError` = median over cells of |sim − measured| / measured total goodput.
 *
 * Metrics compared: total goodput and SLO attainment, and per service goodput, SLO attainment,
 * E2E p50/p99 and (LLM services, where either side has samples) TTFT and TPOT p50/p99. Summaries
 * over cells (`summarizeServices`): per service and metric the median over cells of the absolute
 * relative error, over the cells where the service had arrivals (and, for latencies, samples). A
 * relative error is `null` when it is undefined (measured value 0 with a non-zero simulated one,
 * or a side without samples); a cell whose goodput error is undefined counts as infinitely wrong
 * in the median, so a run that measured nothing can never pass a threshold.
 */
import type { LatencySummary, RunResult } from '../../policies/index.js';

export type MetricName =
  'goodputRps' | 'sloAttainment' | 'ttftP50S' | 'ttftP99S' | 'tpotP50S' | 'tpotP99S' | 'e2eP50S' | 'e2eP99S';

export interface MetricRow {
  /** `total` or a service name. */
  readonly scope: string;
  readonly metric: MetricName;
  readonly sim: number;
  readonly measured: number;
  /** sim − measured (NaN when either side is undefined). */
  readonly absError: number;
  /** |sim − measured| / |measured|; null when undefined (see the module comment). */
  readonly relError: number | null;
}

export interface CellComparison {
  readonly policy: string;
  readonly load: number;
  readonly rows: readonly MetricRow[];
  /** |sim − measured| / measured of total goodput; null when measured goodput is 0 and sim is not. */
  readonly goodputError: number | null;
}

/** Relative error, or null when it is undefined. Both 0 → 0 (a perfect match). */
export function relativeError(sim: number, measured: number): number | null {
  if (!Number.isFinite(sim) || !Number.isFinite(measured)) return null;
  if (measured === 0) return sim === 0 ? 0 : null;
  return Math.abs(sim - measured) / Math.abs(measured);
}

function row(scope: string, metric: MetricName, sim: number, measured: number): MetricRow {
  return { scope, metric, sim, measured, absError: sim - measured, relError: relativeError(sim, measured) };
}

const hasSamples = (a: LatencySummary, b: LatencySummary): boolean => a.count > 0 || b.count > 0;

/** One row per metric; services are taken from the measured result (both run the same scenario). */
export function compareResults(sim: RunResult, measured: RunResult): MetricRow[] {
  const pairs: [string, MetricName][] = [
    ['total', 'goodputRps'],
    ['total', 'sloAttainment'],
  ];
  for (const [name, m] of Object.entries(measured.services)) {
    const s = sim.services[name];
    if (s === undefined) throw new Error(`service ${name} is in the measured result but not in the simulated one`);
    // A service without arrivals in the cell on either side (a quiet stretch of a bursty trace
    // at a low load) is not compared: 0 against 0 would count as a perfect match in the medians.
    if (s.offeredRps === 0 && m.offeredRps === 0) continue;
    pairs.push([name, 'goodputRps'], [name, 'sloAttainment']);
    if (hasSamples(s.ttftS, m.ttftS)) pairs.push([name, 'ttftP50S'], [name, 'ttftP99S']);
    if (hasSamples(s.tpotS, m.tpotS)) pairs.push([name, 'tpotP50S'], [name, 'tpotP99S']);
    if (hasSamples(s.e2eS, m.e2eS)) pairs.push([name, 'e2eP50S'], [name, 'e2eP99S']);
  }
  return pairs.map(([scope, metric]) =>
    row(scope, metric, figureOf(sim, scope, metric), figureOf(measured, scope, metric)),
  );
}

/**
 * One cell: `sim` the twin's replicas (different draws of its measured overheads) and `measured`
 * the live runs (the same arrivals, replayed again); each figure is the median over each side's
 * runs, so one tail draw does not decide a p99.
 */
export function compareCell(
  policy: string,
  load: number,
  sim: RunResult | readonly RunResult[],
  measured: RunResult | readonly RunResult[],
): CellComparison {
  const sims: readonly RunResult[] = Array.isArray(sim) ? sim : [sim as RunResult];
  const lives: readonly RunResult[] = Array.isArray(measured) ? measured : [measured as RunResult];
  // By (scope, metric): a run without samples of a service has fewer rows than another.
  const sides = new Map<string, { scope: string; metric: MetricName; sim: number[]; measured: number[] }>();
  for (const [si, s] of sims.entries())
    for (const [li, l] of lives.entries())
      for (const r of compareResults(s, l)) {
        const key = `${r.scope}\u0000${r.metric}`;
        const e = sides.get(key) ?? { scope: r.scope, metric: r.metric, sim: [], measured: [] };
        sides.set(key, e);
        if (li === 0) e.sim.push(r.sim);
        if (si === 0) e.measured.push(r.measured);
      }
  const rows = [...sides.values()].map((e) => row(e.scope, e.metric, medianOf(e.sim), medianOf(e.measured)));
  const goodput = medianOf(sims.map((s) => s.totals.goodputRps));
  const live = medianOf(lives.map((l) => l.totals.goodputRps));
  return { policy, load, rows, goodputError: relativeError(goodput, live) };
}

/**
 * The figure `metric` of `scope` (`total` or a service) in `r`; NaN where the result has no
 * such service. The one place a row's figure is read from a RunResult.
 */
export function figureOf(r: RunResult, scope: string, metric: MetricName): number {
  if (scope === 'total')
    return metric === 'goodputRps' ? r.totals.goodputRps : metric === 'sloAttainment' ? r.totals.sloAttainment : NaN;
  const s = r.services[scope];
  if (s === undefined) return NaN;
  switch (metric) {
    case 'goodputRps':
      return s.goodputRps;
    case 'sloAttainment':
      return s.sloAttainment;
    case 'ttftP50S':
      return s.ttftS.p50;
    case 'ttftP99S':
      return s.ttftS.p99;
    case 'tpotP50S':
      return s.tpotS.p50;
    case 'tpotP99S':
      return s.tpotS.p99;
    case 'e2eP50S':
      return s.e2eS.p50;
    case 'e2eP99S':
      return s.e2eS.p99;
  }
}

/**
 * A recorded cell compared again with new twin replicas (`parasim validate --resimulate`): each
 * recorded row keeps its live figure and gets the replicas' median. The live runs are not
 * needed: their figures are in the rows.
 */
export function compareToRecorded(
  policy: string,
  load: number,
  sims: readonly RunResult[],
  recorded: readonly Pick<MetricRow, 'scope' | 'metric' | 'measured'>[],
): CellComparison {
  // Reports written before services without arrivals were left out: the same rule here (the
  // twins replay the live arrivals, so a service they were offered nothing was idle live too).
  const idle = (scope: string): boolean => sims.every((s) => (s.services[scope]?.offeredRps ?? 0) === 0);
  const rows = recorded
    .filter((r) => r.scope === 'total' || !idle(r.scope))
    .map((r) => row(r.scope, r.metric, medianOf(sims.map((s) => figureOf(s, r.scope, r.metric))), r.measured));
  const total = rows.find((r) => r.scope === 'total' && r.metric === 'goodputRps');
  return { policy, load, rows, goodputError: total === undefined ? null : total.relError };
}

/** Median (mean of the two middle values for an even count); NaN values sort last. */
function medianOf(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => (Number.isNaN(a) ? 1 : Number.isNaN(b) ? -1 : a - b));
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Median of errors (mean of the two middle values for an even count); null (undefined) counts as +Infinity; NaN when empty. */
export function medianError(errors: readonly (number | null)[]): number {
  const v = errors.map((e) => e ?? Infinity).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const m = v.length >> 1;
  return v.length % 2 === 1 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
}

export function medianAbsGoodputError(cells: readonly Pick<CellComparison, 'goodputError'>[]): number {
  return medianError(cells.map((c) => c.goodputError));
}

/** Per service: each metric's median over cells of |relative error| (metrics a service has in some cell). */
export type ServiceErrorSummary = Readonly<Partial<Record<MetricName, number>>>;

export function summarizeServices(cells: readonly Pick<CellComparison, 'rows'>[]): Record<string, ServiceErrorSummary> {
  const by = new Map<string, Map<MetricName, (number | null)[]>>();
  for (const c of cells) {
    for (const r of c.rows) {
      if (r.scope === 'total') continue;
      const m = by.get(r.scope) ?? new Map<MetricName, (number | null)[]>();
      by.set(r.scope, m);
      m.set(r.metric, [...(m.get(r.metric) ?? []), r.relError]);
    }
  }
  const out: Record<string, ServiceErrorSummary> = {};
  for (const name of [...by.keys()].sort()) {
    out[name] = Object.fromEntries([...by.get(name)!].map(([metric, errs]) => [metric, medianError(errs)]));
  }
  return out;
}

/**
 * The headline figure of one metric: the worst service's median over cells (services are the
 * unit of comparison, DESIGN.md "Metrics": a busy service must not hide a badly modelled one).
 * NaN when no service has the metric.
 */
export function worstServiceMedian(
  services: Readonly<Record<string, ServiceErrorSummary>>,
  metric: MetricName,
): number {
  const v = Object.values(services)
    .map((s) => s[metric])
    .filter((x): x is number => x !== undefined);
  return v.length === 0 ? NaN : Math.max(...v.map((x) => (Number.isNaN(x) ? Infinity : x)));
}

/** True when validation fails the threshold: the median error is above it, or not a finite number. */
export function exceedsThreshold(medianError: number, maxError: number): boolean {
  return !Number.isFinite(medianError) || medianError > maxError;
}
