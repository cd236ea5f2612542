/**
 * Latency CDFs at one load: each result carries 21 quantile points (0, 0.05, …, 1) per service;
 * seeds are combined by averaging the quantile values point-wise (Vincentization), which keeps
 * the shape of the per-seed distributions instead of mixing them.
 */
import type { LatencySummary, RunResult } from '../policies/index.js';
import type { ColorOf } from './colors.js';
import type { Figure } from './figure.js';
import { baseLayout, round } from './figure.js';
import type { Grouped } from './group.js';
import { cellAt } from './group.js';
import { meanArrays } from './stats.js';

export type LatencyMetric = 'ttftS' | 'e2eS';
const DASHES = ['solid', 'dash', 'dot', 'dashdot', 'longdash', 'longdashdot'] as const;

function usable(s: LatencySummary | undefined): s is LatencySummary {
  return s !== undefined && s.count > 0 && Array.isArray(s.cdf) && s.cdf.some((v) => typeof v === 'number' && Number.isFinite(v));
}

/** Service names that have this metric in at least one run, in code-point order. */
export function servicesWith(runs: readonly RunResult[], metric: LatencyMetric): string[] {
  const names = new Set<string>();
  for (const r of runs) for (const [name, s] of Object.entries(r.services)) if (usable(s[metric])) names.add(name);
  return [...names].sort();
}

export function cdfFigure(g: Grouped, x: number | undefined, metric: LatencyMetric, color: ColorOf): Figure {
  const label = metric === 'ttftS' ? 'TTFT' : 'E2E latency';
  const data: Record<string, unknown>[] = [];
  const allRuns = x === undefined ? [] : g.cells.filter((c) => c.x === x).flatMap((c) => c.runs);
  const services = servicesWith(allRuns, metric);
  for (const policy of g.policies) {
    const cell = x === undefined ? undefined : cellAt(g, policy, x);
    if (!cell) continue;
    services.forEach((svc, i) => {
      const cdfs = cell.runs.map((r) => r.services[svc]?.[metric]).filter(usable).map((s) => s.cdf);
      if (cdfs.length === 0) return;
      const q = meanArrays(cdfs);
      const probs = q.map((_, k) => (q.length > 1 ? k / (q.length - 1) : 1));
      const name = services.length > 1 ? `${policy} · ${svc}` : policy;
      data.push({ type: 'scatter', mode: 'lines', x: q.map((v) => round(v)), y: probs.map((p) => round(p, 4)), name,
        legendgroup: policy, line: { color: color(policy), dash: DASHES[i % DASHES.length], width: 2 },
        hovertemplate: `${name}<br>%{x:.4g} s at p=%{y:.2f}<extra></extra>` });
    });
  }
  if (data.length === 0) {
    data.push({ type: 'scatter', mode: 'lines', x: [], y: [], name: 'no data' });
  }
  return {
    id: `cdf-${metric}`,
    title: `${label} CDF${x === undefined ? '' : ` at ${g.xLabel} = ${x}`}`,
    caption: `Empirical CDF from 21 quantile points per run, quantiles averaged over seeds; one line per policy${services.length > 1 ? ' and service (dash style)' : ''}.`,
    data,
    layout: baseLayout(`${label} (s)`, 'fraction of requests', { xaxis: { title: { text: `${label} (s)` }, type: 'log' }, yaxis: { title: { text: 'fraction of requests' }, range: [0, 1.02] } }),
  };
}
