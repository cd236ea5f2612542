/**
 * `report --csv`: one row per (policy, service — and `all`, facet, x) with seed statistics, then
 * one capacity row per (policy, service — and `all`, facet). Each non-seed grid axis is its own
 * column, headed by its sweep path; `clock` keeps simulated and live runs apart. For `all`:
 * goodput is every request pooled (a fact, not a ranking figure), attainment is the lowest
 * per-service attainment of each run, latencies are the worst service's. Latencies include drops
 * (+∞, written `inf`). `output_tok_per_s`: LLM services (all: their sum). Quoting per RFC 4180.
 */
import type { RunResult } from '../policies/index.js';
import { censorMark, type Capacity } from './capacity.js';
import type { Grouped } from './group.js';
import { ALL, attainmentOf, goodputOf, latencyValue, meanKeepingInf } from './series.js';
import { summarize } from './stats.js';
import type { CapacityRow } from './tables.js';

const quote = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const num = (v: number): string =>
  v === Infinity ? 'inf' : Number.isFinite(v) ? String(Number(v.toPrecision(6))) : '';
const text = (v: unknown): string => (v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));

function latency(r: RunResult, service: string, field: 'p50' | 'p99'): number {
  const names = service === ALL ? Object.keys(r.services) : [service];
  const v = names
    .map((n) => latencyValue(r.services[n]?.e2eInclDropsS ?? r.services[n]?.e2eS, field))
    .filter((x) => !Number.isNaN(x));
  return v.length === 0 ? Number.NaN : Math.max(...v);
}

/** LLM output tokens per second (all: summed over LLM services); NaN (empty cell) for segmentation. */
function outputTokPerS(r: RunResult, service: string): number {
  const v = (service === ALL ? Object.values(r.services) : [r.services[service]])
    .map((s) => s?.outputTokPerS)
    .filter((x): x is number => typeof x === 'number');
  return v.length === 0 ? Number.NaN : v.reduce((a, b) => a + b, 0);
}

function counts(
  r: RunResult,
  service: string,
): { dropped: number; failed: number; late: number; inflight: number; reasons: Record<string, number> } {
  if (service === ALL) {
    const reasons: Record<string, number> = {};
    for (const s of Object.values(r.services))
      for (const [k, n] of Object.entries(s.dropReasons)) reasons[k] = (reasons[k] ?? 0) + n;
    return { ...r.totals, reasons };
  }
  const s = r.services[service];
  return s
    ? { dropped: s.dropped, failed: s.failed, late: s.late, inflight: s.inflight, reasons: { ...s.dropReasons } }
    : { dropped: NaN, failed: NaN, late: NaN, inflight: NaN, reasons: {} };
}

export function summaryCsv(g: Grouped, caps: readonly CapacityRow[]): string {
  const services = [...g.services, ALL];
  const reasons = [
    ...new Set(
      g.cells.flatMap((c) =>
        c.runs.flatMap((r) => Object.values(r.services).flatMap((s) => Object.keys(s.dropReasons))),
      ),
    ),
  ].sort();
  const head = [
    'row',
    'policy',
    'service',
    ...g.axes,
    'clock',
    g.xLabel,
    'seeds',
    'goodput_rps_mean',
    'goodput_rps_ci95',
    'attainment_mean',
    'attainment_ci95',
    'e2e_p50_incl_drops_s',
    'e2e_p99_incl_drops_s',
    'output_tok_per_s',
    'dropped',
    'failed',
    'late',
    'inflight',
    ...reasons.map((k) => `drops:${k}`),
    'capacity',
    'censored',
  ];
  const facetOf = new Map(g.facets.map((f) => [f.key, f]));
  const axisCells = (facet: string): string[] => g.axes.map((a) => text(facetOf.get(facet)?.coords[a]));
  const lines: string[][] = [head];
  for (const c of g.cells) {
    if (c.runs.length === 0) continue;
    for (const svc of services) {
      const gp = summarize(c.runs.map((r) => goodputOf(r, svc)));
      const at = summarize(c.runs.map((r) => attainmentOf(r, svc)));
      const k = c.runs.map((r) => counts(r, svc));
      const mean = (f: (x: (typeof k)[number]) => number): string => num(summarize(k.map(f)).mean);
      lines.push([
        'point',
        c.policy,
        svc,
        ...axisCells(c.facet),
        facetOf.get(c.facet)?.clock ?? '',
        num(c.x),
        String(c.runs.length),
        num(gp.mean),
        num(gp.halfWidth),
        num(at.mean),
        num(at.halfWidth),
        num(meanKeepingInf(c.runs.map((r) => latency(r, svc, 'p50')))),
        num(meanKeepingInf(c.runs.map((r) => latency(r, svc, 'p99')))),
        num(summarize(c.runs.map((r) => outputTokPerS(r, svc))).mean),
        mean((x) => x.dropped),
        mean((x) => x.failed),
        mean((x) => x.late),
        mean((x) => x.inflight),
        ...reasons.map((reason) => mean((x) => x.reasons[reason] ?? 0)),
        '',
        '',
      ]);
    }
  }
  const capValue = (cap: Capacity): string => (cap.kind === 'none' ? '' : num(cap.value));
  for (const r of caps) {
    for (const svc of services) {
      const cap = svc === ALL ? r.all : (r.services[svc] ?? { kind: 'none' as const });
      const seeds = Math.max(
        0,
        ...g.cells.filter((c) => c.policy === r.policy && c.facet === r.facet).map((c) => c.runs.length),
      );
      lines.push([
        'capacity',
        r.policy,
        svc,
        ...axisCells(r.facet),
        facetOf.get(r.facet)?.clock ?? '',
        '',
        String(seeds),
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        ...reasons.map(() => ''),
        capValue(cap),
        censorMark(cap),
      ]);
    }
  }
  return lines.map((l) => l.map(quote).join(',')).join('\n') + '\n';
}
