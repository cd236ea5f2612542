/**
 * Figures over offered load, per service (and for all services): goodput and SLO attainment per
 * (policy, facet) — mean over seeds with a 95% t confidence band clipped to the quantity's range
 * (attainment in [0, 1], goodput ≥ 0) — and goodput capacity per policy as bars.
 */
import type { ColorOf } from './colors.js';
import { DASHES, withAlpha } from './colors.js';
import type { Figure } from './figure.js';
import { baseLayout, niceRange, round } from './figure.js';
import type { Grouped } from './group.js';
import type { Series } from './series.js';
import { ALL, attainmentOf, goodputOf, seriesOf } from './series.js';
import type { CapacityRow } from './tables.js';
import { formatCapacity } from './capacity.js';

/** Line style of a (policy, facet) series: colour by policy, dash by facet (or by policy with one facet). */
export function styleOf(
  g: Grouped,
  color: ColorOf,
  policy: string,
  facet: string,
): { color: string; dash: string; name: string } {
  const fi = g.facets.findIndex((f) => f.key === facet);
  const label = g.facets[fi]?.label ?? '';
  const dash = g.facets.length > 1 ? DASHES[fi % DASHES.length]! : DASHES[g.policies.indexOf(policy) % DASHES.length]!;
  return { color: color(policy), dash, name: label ? `${policy} · ${label}` : policy };
}

const clip = (v: number, lo: number, hi: number): number => (Number.isFinite(v) ? Math.min(hi, Math.max(lo, v)) : v);

/** Band (upper, lower filled to upper) then the mean line, per series; bands clipped to [lo, hi]. */
export function bandTraces(
  g: Grouped,
  series: readonly Series[],
  color: ColorOf,
  unit: string,
  lo: number,
  hi: number,
): Record<string, unknown>[] {
  const traces: Record<string, unknown>[] = [];
  for (const s of series) {
    const st = styleOf(g, color, s.policy, s.facet);
    const xs = s.points.map((p) => p.x);
    const group = `${s.policy}\u0000${s.facet}`;
    traces.push({
      type: 'scatter',
      mode: 'lines',
      x: xs,
      y: s.points.map((p) => round(clip(p.s.hi, lo, hi), 4)),
      line: { width: 0, color: st.color },
      hoverinfo: 'skip',
      showlegend: false,
      legendgroup: group,
      name: `${st.name} 95% CI`,
    });
    traces.push({
      type: 'scatter',
      mode: 'lines',
      x: xs,
      y: s.points.map((p) => round(clip(p.s.lo, lo, hi), 4)),
      line: { width: 0, color: st.color },
      fill: 'tonexty',
      fillcolor: withAlpha(st.color, 0.15),
      hoverinfo: 'skip',
      showlegend: false,
      legendgroup: group,
      name: `${st.name} 95% CI`,
    });
    traces.push({
      type: 'scatter',
      mode: 'lines+markers',
      x: xs,
      y: s.points.map((p) => round(p.s.mean, 4)),
      name: st.name,
      legendgroup: group,
      line: { color: st.color, width: 2, dash: st.dash },
      marker: { size: 6 },
      customdata: s.points.map((p) => [p.s.n, round(p.s.halfWidth, 3)]),
      hovertemplate: `${st.name}<br>x=%{x}<br>mean=%{y:.3g} ${unit}<br>±%{customdata[1]} (n=%{customdata[0]})<extra></extra>`,
    });
  }
  return traces;
}

const empty = [{ type: 'scatter', mode: 'lines', x: [], y: [], name: 'no data' }];

export function goodputFigure(g: Grouped, service: string, color: ColorOf): Figure {
  const series = seriesOf(g, (r) => goodputOf(r, service));
  const max = Math.max(
    0,
    ...series
      .flatMap((s) => s.points)
      .map((p) => (Number.isFinite(p.s.hi) ? p.s.hi : p.s.mean))
      .filter(Number.isFinite),
  );
  const data = bandTraces(g, series, color, 'req/s', 0, Infinity);
  return {
    id: `goodput-${service}`,
    title: `${service}: goodput vs ${g.xLabel}`,
    caption: `Requests of ${service} finished within SLO per second; mean over seeds, band = 95% confidence interval (Student t), clipped at 0.`,
    data: data.length ? data : empty,
    layout: baseLayout(g.xLabel, 'goodput (req/s)', {
      yaxis: { title: { text: 'goodput (req/s)' }, range: niceRange(max) },
    }),
  };
}

export function attainmentFigure(g: Grouped, service: string, color: ColorOf, target: number): Figure {
  const series = seriesOf(g, (r) => attainmentOf(r, service));
  const data = bandTraces(g, series, color, '', 0, 1);
  if (g.xs.length > 0) {
    data.push({
      type: 'scatter',
      mode: 'lines',
      x: [g.xs[0], g.xs[g.xs.length - 1]],
      y: [target, target],
      name: `target ${target}`,
      line: { color: '#555', dash: 'dot', width: 1 },
      hoverinfo: 'skip',
    });
  }
  const all = service === ALL;
  return {
    id: `attainment-${service}`,
    title: all
      ? `All services: lowest per-service SLO attainment vs ${g.xLabel}`
      : `${service}: SLO attainment vs ${g.xLabel}`,
    caption: all
      ? 'At each load, the lowest over services of the attainment averaged over seeds: a policy meets the target only if every service does.'
      : `Fraction of offered ${service} requests finished within SLO (drops and failures count as misses); mean over seeds, 95% band clipped to [0, 1]; dotted line = capacity target.`,
    data,
    layout: baseLayout(g.xLabel, 'SLO attainment', {
      yaxis: { title: { text: 'SLO attainment' }, range: [0, 1.05], tickformat: '.0%' },
    }),
  };
}

/** Bars of the all-services capacity per (policy, facet): a censored value draws its bound and says so. */
export function capacityFigure(g: Grouped, rows: readonly CapacityRow[], color: ColorOf, target: number): Figure {
  const bar = (r: CapacityRow): number | null => {
    const c = r.all;
    return c.kind === 'interpolated' || c.kind === 'atLeast' ? round(c.value, 4) : 0;
  };
  const label = (r: CapacityRow): string => (r.facetLabel ? `${r.policy} · ${r.facetLabel}` : r.policy);
  const data = [
    {
      type: 'bar',
      x: rows.map(label),
      y: rows.map(bar),
      marker: { color: rows.map((r) => color(r.policy)) },
      text: rows.map((r) => formatCapacity(r.all)),
      textposition: 'outside',
      hovertemplate: '%{x}: %{text}<extra></extra>',
      name: 'capacity',
    },
  ];
  const max = Math.max(0, ...rows.map(bar).filter((v): v is number => v !== null));
  return {
    id: 'capacity',
    title: 'All services: goodput capacity',
    caption: `Highest ${g.xLabel} at which every service's mean SLO attainment is ≥ ${target} (linear interpolation between swept loads). "≥ x": met at the highest load swept; "< x": missed at the lowest.`,
    data,
    layout: baseLayout('policy', `capacity (${g.xLabel})`, {
      yaxis: { title: { text: `capacity (${g.xLabel})` }, range: niceRange(max * 1.15) },
      showlegend: false,
      xaxis: { title: { text: '' }, automargin: true },
    }),
  };
}
