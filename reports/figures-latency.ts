/**
 * Per-service figures at one load: latency CDFs including drops and lost requests by reason.
 * Each result carries 21 quantile points (0, 0.05, …, 1) per latency; seeds are combined by
 * averaging the quantile values point-wise (Vincentization). In the including-drops form a
 * request that never finished is +∞, so a policy's curve stops at the fraction it finished — a
 * policy cannot look fast by dropping its slow requests.
 */
import type { LatencySummary } from '../policies/index.js';
import type { ColorOf } from './colors.js';
import type { Figure } from './figure.js';
import { baseLayout, round } from './figure.js';
import { styleOf } from './figures-load.js';
import type { Grouped } from './group.js';
import { meanKeepingInf } from './series.js';

export type LatencyMetric = 'ttftInclDropsS' | 'e2eInclDropsS';

/** Quantile points of one run as numbers, +∞ where JSON says null in a non-empty population. */
function points(l: LatencySummary | undefined): number[] | null {
  if (l === undefined || l.count === 0 || !Array.isArray(l.cdf) || l.cdf.length === 0) return null;
  return l.cdf.map((v) => (v === null ? Infinity : v));
}

export function cdfFigure(
  g: Grouped,
  service: string,
  x: number | undefined,
  metric: LatencyMetric,
  color: ColorOf,
): Figure {
  const label = metric === 'ttftInclDropsS' ? 'TTFT' : 'E2E latency';
  const data: Record<string, unknown>[] = [];
  for (const c of g.cells) {
    if (c.x !== x || c.runs.length === 0) continue;
    const per = c.runs.map((r) => points(r.services[service]?.[metric])).filter((p): p is number[] => p !== null);
    if (per.length === 0) continue;
    const len = Math.min(...per.map((p) => p.length));
    const q = Array.from({ length: len }, (_, k) => meanKeepingInf(per.map((p) => p[k]!)));
    const probs = q.map((_, k) => (len > 1 ? k / (len - 1) : 1));
    const keep = q.map((v, k) => k).filter((k) => Number.isFinite(q[k]!) && q[k]! > 0);
    const st = styleOf(g, color, c.policy, c.facet);
    data.push({
      type: 'scatter',
      mode: 'lines',
      x: keep.map((k) => round(q[k]!, 4)),
      y: keep.map((k) => round(probs[k]!, 3)),
      name: st.name,
      line: { color: st.color, dash: st.dash, width: 2, shape: 'hv' },
      hovertemplate: `${st.name}<br>%{x:.3g} s at p=%{y:.2f}<extra></extra>`,
    });
  }
  if (data.length === 0) data.push({ type: 'scatter', mode: 'lines', x: [], y: [], name: 'no data' });
  return {
    id: `cdf-${metric}-${service}`,
    title: `${service}: ${label} CDF including drops${x === undefined ? '' : ` at ${g.xLabel} = ${x}`}`,
    caption: `Fraction of all offered ${service} requests done within a latency; dropped, failed and unfinished requests count as +∞, so a curve stops at the fraction the policy finished. 21 quantile points per run, averaged over seeds.`,
    data,
    layout: baseLayout(`${label} (s)`, 'fraction of offered requests', {
      xaxis: { title: { text: `${label} (s)` }, type: 'log' },
      yaxis: { title: { text: 'fraction of offered requests' }, range: [0, 1.02] },
    }),
  };
}

/** Stacked bars: requests lost per run (mean over seeds) by reason, per (policy, facet), at one load. */
export function lossFigure(g: Grouped, service: string, x: number | undefined): Figure {
  const cells = g.cells.filter((c) => c.x === x && c.runs.length > 0);
  const names = cells.map((c) => styleOf(g, () => '', c.policy, c.facet).name);
  const reasons = new Set<string>();
  for (const c of cells)
    for (const r of c.runs) for (const k of Object.keys(r.services[service]?.dropReasons ?? {})) reasons.add(k);
  const mean = (
    c: (typeof cells)[number],
    f: (s: NonNullable<(typeof c.runs)[number]['services'][string]>) => number,
  ): number => {
    const v = c.runs
      .map((r) => r.services[service])
      .filter((s) => s !== undefined)
      .map((s) => f(s!));
    return v.length > 0 ? v.reduce((a, b) => a + b, 0) / v.length : 0;
  };
  const categories: {
    name: string;
    of: (s: NonNullable<(typeof cells)[number]['runs'][number]['services'][string]>) => number;
    color?: string;
  }[] = [
    ...[...reasons].sort().map((reason) => ({
      name: reason,
      of: (s: { dropReasons: Readonly<Record<string, number>> }) => s.dropReasons[reason] ?? 0,
    })),
    {
      name: 'dropped/failed, no reason',
      of: (s) => s.dropped + s.failed - Object.values(s.dropReasons).reduce((a, b) => a + b, 0),
    },
    { name: 'finished late', of: (s) => s.late, color: '#bbbbbb' },
    { name: 'in flight at the end', of: (s) => s.inflight, color: '#dddddd' },
  ];
  const data: Record<string, unknown>[] = categories
    .map((k) => ({ k, y: cells.map((c) => round(mean(c, k.of), 4)) }))
    .filter(({ y }) => y.some((v) => v !== null && v > 0))
    .map(({ k, y }) => ({
      type: 'bar',
      name: k.name,
      x: names,
      y,
      ...(k.color ? { marker: { color: k.color } } : {}),
      hovertemplate: `%{x}: %{y:.4g} ${k.name}<extra></extra>`,
    }));
  if (data.length === 0) data.push({ type: 'bar', name: 'no request lost or late', x: names, y: names.map(() => 0) });
  return {
    id: `losses-${service}`,
    title: `${service}: requests not served within SLO, by reason${x === undefined ? '' : ` at ${g.xLabel} = ${x}`}`,
    caption:
      'Requests per run (mean over seeds) dropped or failed, stacked by the reason the host recorded, plus late and unfinished ones.',
    data,
    layout: baseLayout('', 'requests per run', {
      barmode: 'stack',
      margin: { l: 70, r: 20, t: 20, b: 120 },
      xaxis: { title: { text: '' }, automargin: true },
      legend: { orientation: 'h', y: -0.45 },
    }),
  };
}
