/**
 * Pure sim-vs-live comparison (no I/O, no clock): two RunResults of the same scenario, policy
 * and load → one row per metric with its absolute and relative error, and the summary figure
 * `medianAbsGoodputError` = median over cells of |sim − measured| / measured total goodput.
 *
 * Metrics compared: total goodput and SLO attainment, and per service goodput, SLO attainment,
 * E2E p50/p99 and (LLM services, where either side has samples) TTFT and TPOT p50/p99. Summaries
 * over cells (`summarizeServices`): per service and metric the median over cells of the absolute
 * relative error. A relative error is
 * `null` when it is undefined (measured value 0 with a non-zero simulated one, or a side without
 * samples); a cell whose goodput error is undefined counts as infinitely wrong in the median, so
 * a run that measured nothing can never pass a threshold.
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
  const rows: MetricRow[] = [
    row('total', 'goodputRps', sim.totals.goodputRps, measured.totals.goodputRps),
    row('total', 'sloAttainment', sim.totals.sloAttainment, measured.totals.sloAttainment),
  ];
  for (const [name, m] of Object.entries(measured.services)) {
    const s = sim.services[name];
    if (s === undefined) throw new Error(`service ${name} is in the measured result but not in the simulated one`);
    rows.push(
      row(name, 'goodputRps', s.goodputRps, m.goodputRps),
      row(name, 'sloAttainment', s.sloAttainment, m.sloAttainment),
    );
    if (hasSamples(s.ttftS, m.ttftS))
      rows.push(row(name, 'ttftP50S', s.ttftS.p50, m.ttftS.p50), row(name, 'ttftP99S', s.ttftS.p99, m.ttftS.p99));
    if (hasSamples(s.tpotS, m.tpotS))
      rows.push(row(name, 'tpotP50S', s.tpotS.p50, m.tpotS.p50), row(name, 'tpotP99S', s.tpotS.p99, m.tpotS.p99));
    rows.push(row(name, 'e2eP50S', s.e2eS.p50, m.e2eS.p50), row(name, 'e2eP99S', s.e2eS.p99, m.e2eS.p99));
  }
  return rows;
}

export function compareCell(
  policy: string,
  load: number,
  sim: RunResult | readonly RunResult[],
  measured: RunResult,
): CellComparison {
  const sims: readonly RunResult[] = Array.isArray(sim) ? sim : [sim as RunResult];
  const perReplica = sims.map((s) => compareResults(s, measured));
  // Replicas of the twin (different draws of its measured overheads): each figure is the median
  // over them, so one tail draw does not decide a p99 (the live side is one run).
  const rows = perReplica[0]!.map((r, i) =>
    row(r.scope, r.metric, medianOf(perReplica.map((rs) => rs[i]!.sim)), r.measured),
  );
  const goodput = medianOf(sims.map((s) => s.totals.goodputRps));
  return { policy, load, rows, goodputError: relativeError(goodput, measured.totals.goodputRps) };
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
