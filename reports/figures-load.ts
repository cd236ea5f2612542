/**
 * Figures over offered load: goodput and SLO attainment per policy (mean over seeds with a 95%
 * t confidence band), and goodput capacity per policy as bars.
 */
import type { RunResult } from '../policies/index.js';
import type { ColorOf } from './colors.js';
import { withAlpha } from './colors.js';
import type { Figure } from './figure.js';
import { baseLayout, niceRange, round } from './figure.js';
import type { Grouped } from './group.js';
import type { Summary } from './stats.js';
import { summarize } from './stats.js';
import type { CapacityRow } from './capacity.js';
import { capacityValue, formatCapacity } from './capacity.js';

export interface SeriesPoint {
  readonly x: number;
  readonly s: Summary;
}

/** Per policy, the summary of `metric` over seeds at each x (x ascending). */
export function seriesByPolicy(g: Grouped, metric: (r: RunResult) => number): Map<string, SeriesPoint[]> {
  const out = new Map<string, SeriesPoint[]>();
  for (const p of g.policies) {
    const pts = g.cells
      .filter((c) => c.policy === p && c.runs.length > 0)
      .map((c) => ({ x: c.x, s: summarize(c.runs.map(metric)) }));
    out.set(p, pts);
  }
  return out;
}

/** Band (upper, lower filled to upper) then the mean line, per policy. */
function bandTraces(series: Map<string, SeriesPoint[]>, color: ColorOf, unit: string): Record<string, unknown>[] {
  const traces: Record<string, unknown>[] = [];
  for (const [policy, pts] of series) {
    const xs = pts.map((p) => p.x);
    const c = color(policy);
    traces.push({ type: 'scatter', mode: 'lines', x: xs, y: pts.map((p) => round(p.s.hi)), line: { width: 0, color: c },
      hoverinfo: 'skip', showlegend: false, legendgroup: policy, name: `${policy} 95% CI` });
    traces.push({ type: 'scatter', mode: 'lines', x: xs, y: pts.map((p) => round(p.s.lo)), line: { width: 0, color: c },
      fill: 'tonexty', fillcolor: withAlpha(c, 0.18), hoverinfo: 'skip', showlegend: false, legendgroup: policy, name: `${policy} 95% CI` });
    traces.push({ type: 'scatter', mode: 'lines+markers', x: xs, y: pts.map((p) => round(p.s.mean)), name: policy, legendgroup: policy,
      line: { color: c, width: 2 }, marker: { size: 6 },
      customdata: pts.map((p) => [p.s.n, round(p.s.halfWidth, 3)]),
      hovertemplate: `${policy}<br>x=%{x}<br>mean=%{y:.4g} ${unit}<br>±%{customdata[1]} (n=%{customdata[0]})<extra></extra>` });
  }
  return traces;
}

export function goodputFigure(g: Grouped, color: ColorOf): Figure {
  const series = seriesByPolicy(g, (r) => r.totals.goodputRps);
  const max = Math.max(0, ...[...series.values()].flat().map((p) => (Number.isFinite(p.s.hi) ? p.s.hi : p.s.mean)));
  return {
    id: 'goodput',
    title: 'Goodput vs offered load',
    caption: 'Requests finished within SLO per second; mean over seeds, band = 95% confidence interval (Student t).',
    data: bandTraces(series, color, 'req/s'),
    layout: baseLayout(g.xLabel, 'goodput (req/s)', { yaxis: { title: { text: 'goodput (req/s)' }, range: niceRange(max) } }),
  };
}

export function attainmentFigure(g: Grouped, color: ColorOf, target: number): Figure {
  const series = seriesByPolicy(g, (r) => r.totals.sloAttainment);
  const data = bandTraces(series, color, '');
  const xs = g.xs;
  if (xs.length > 0) {
    data.push({ type: 'scatter', mode: 'lines', x: [xs[0], xs[xs.length - 1]], y: [target, target], name: `target ${target}`,
      line: { color: '#555', dash: 'dot', width: 1 }, hoverinfo: 'skip' });
  }
  return {
    id: 'attainment',
    title: 'SLO attainment vs offered load',
    caption: 'Fraction of offered requests finished within SLO; mean over seeds with 95% band; dotted line = capacity target.',
    data,
    layout: baseLayout(g.xLabel, 'SLO attainment', { yaxis: { title: { text: 'SLO attainment' }, range: [0, 1.05], tickformat: '.0%' } }),
  };
}

export function capacityFigure(rows: readonly CapacityRow[], color: ColorOf, xLabel: string, target: number, bestBaseline?: string): Figure {
  const data = [{
    type: 'bar',
    x: rows.map((r) => r.policy),
    y: rows.map((r) => round(capacityValue(r.capacity))),
    marker: { color: rows.map((r) => color(r.policy)) },
    text: rows.map((r) => (Number.isFinite(r.ratioToBestBaseline) ? `${formatCapacity(r.capacity)} (${r.ratioToBestBaseline.toFixed(2)}×)` : formatCapacity(r.capacity))),
    textposition: 'outside',
    hovertemplate: '%{x}: %{text}<extra></extra>',
    name: 'goodput capacity',
  }];
  const max = Math.max(0, ...rows.map((r) => capacityValue(r.capacity)).filter(Number.isFinite));
  return {
    id: 'capacity',
    title: 'Goodput capacity',
    caption: `Highest offered load with mean SLO attainment ≥ ${target} (linear interpolation between loads); label: ratio to the best baseline${bestBaseline ? ` (${bestBaseline})` : ''}.`,
    data,
    layout: baseLayout('policy', `capacity (${xLabel})`, { yaxis: { title: { text: `capacity (${xLabel})` }, range: niceRange(max * 1.1) }, showlegend: false }),
  };
}
