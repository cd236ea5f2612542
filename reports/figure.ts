/** A plot in the report: plotly `data` and `layout` as plain JSON-able objects. */
import { scaleLinear } from 'd3-scale';

export interface Figure {
  readonly id: string;
  readonly title: string;
  /** One-line caption shown under the heading: what is plotted and how it was aggregated. */
  readonly caption: string;
  readonly data: readonly Record<string, unknown>[];
  readonly layout: Record<string, unknown>;
}

/** Shared layout defaults: fixed margins and font so screenshots are comparable. */
export function baseLayout(
  xTitle: string,
  yTitle: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    margin: { l: 70, r: 20, t: 20, b: 55 },
    font: { family: 'system-ui, sans-serif', size: 12 },
    xaxis: { title: { text: xTitle }, zeroline: false },
    yaxis: { title: { text: yTitle }, zeroline: false },
    legend: { orientation: 'h', y: -0.22 },
    hovermode: 'closest',
    ...extra,
  };
}

/** A y range from 0 to a "nice" value just above `max` (d3's nice ticks), so bands are not clipped. */
export function niceRange(max: number): [number, number] {
  const top = Number.isFinite(max) && max > 0 ? max * 1.05 : 1;
  const [lo, hi] = scaleLinear().domain([0, top]).nice().domain() as [number, number];
  return [lo, hi];
}

/** Rounds for display in JSON so the file does not carry 17 significant digits per point. */
export function round(v: number, digits = 6): number | null {
  return Number.isFinite(v) ? Number(v.toPrecision(digits)) : null;
}
