/**
 * Device and link figures at one load: mean utilization per device and per link × (policy,
 * facet) as heatmaps, and a placement map (which service runs on which device, over time) per
 * policy for one chosen cell (first seed).
 */
import type { PlacementChange, RunResult } from '../policies/index.js';
import { PALETTE } from './colors.js';
import type { Figure } from './figure.js';
import { baseLayout, round } from './figure.js';
import { styleOf } from './figures-load.js';
import type { Grouped } from './group.js';
import { cellAt } from './group.js';
import { summarize } from './stats.js';

const UTIL_SCALE = 'Viridis';

function heatmap(g: Grouped, x: number | undefined, kind: 'devices' | 'links'): Figure {
  const cells = g.cells.filter((c) => c.x === x && c.runs.length > 0);
  const cols = cells.map((c) => styleOf(g, () => '', c.policy, c.facet).name);
  const ids = [...new Set(cells.flatMap((c) => c.runs.flatMap((r) => Object.keys(r[kind] ?? {}))))].sort();
  const z = ids.map((id) =>
    cells.map((c) =>
      round(
        summarize(
          c.runs.map((r) => (r[kind] as Record<string, { utilization: number }> | undefined)?.[id]?.utilization),
        ).mean,
        3,
      ),
    ),
  );
  const what = kind === 'devices' ? 'Device' : 'Link';
  return {
    id: `util-${kind}`,
    title: `${what} utilization by policy${x === undefined ? '' : ` at ${g.xLabel} = ${x}`}`,
    caption:
      kind === 'devices'
        ? 'Busy fraction of the run per device, mean over seeds (blank: the device is not in that configuration).'
        : 'Busy fraction of the busier direction of each link, mean over seeds; above 90% transfers queue (the run notes say so).',
    data:
      ids.length === 0
        ? [{ type: 'heatmap', x: cols, y: ['(no data)'], z: [cols.map(() => null)] }]
        : [
            {
              type: 'heatmap',
              x: cols,
              y: ids,
              z,
              zmin: 0,
              zmax: 1,
              colorscale: UTIL_SCALE,
              colorbar: { title: { text: 'busy' }, tickformat: '.0%' },
              hovertemplate: '%{y} · %{x}: %{z:.1%}<extra></extra>',
            },
          ],
    layout: baseLayout('', '', {
      margin: { l: 150, r: 20, t: 20, b: 120 },
      height: Math.max(260, 140 + 22 * ids.length),
      yaxis: { title: { text: '' }, automargin: true },
      xaxis: { title: { text: '' }, automargin: true, tickangle: -30 },
    }),
  };
}

export const utilizationHeatmap = (g: Grouped, x: number | undefined): Figure => heatmap(g, x, 'devices');
export const linkHeatmap = (g: Grouped, x: number | undefined): Figure => heatmap(g, x, 'links');

interface Interval {
  readonly service: string;
  readonly device: string;
  readonly from: number;
  readonly to: number;
  readonly ready: boolean;
}

/** Loading and ready intervals of every instance on every device it uses. */
function intervals(run: RunResult): Interval[] {
  const open = new Map<string, { c: PlacementChange; ready: boolean; since: number }>();
  const out: Interval[] = [];
  const close = (key: string, t: number): void => {
    const o = open.get(key);
    if (!o) return;
    for (const d of o.c.devices) out.push({ service: o.c.service, device: d, from: o.since, to: t, ready: o.ready });
    open.delete(key);
  };
  const changes = run.placementChanges
    .map((c, k) => ({ c, k }))
    .sort((a, b) => a.c.timeS - b.c.timeS || a.k - b.k)
    .map((x) => x.c);
  for (const c of changes) {
    const key = `${c.service}\u0000${c.instance}`;
    if (c.action === 'load') open.set(key, { c, ready: false, since: c.timeS });
    else if (c.action === 'ready') {
      close(key, c.timeS);
      open.set(key, { c, ready: true, since: c.timeS });
    } else close(key, c.timeS);
  }
  for (const key of [...open.keys()]) close(key, run.horizonS);
  return out;
}

export function placementMap(
  g: Grouped,
  policy: string,
  facet: string,
  x: number,
  services: readonly string[],
): Figure | null {
  const run = cellAt(g, policy, facet, x)?.runs[0];
  if (!run) return null;
  const iv = intervals(run);
  const devices = Object.keys(run.devices).sort();
  const data: Record<string, unknown>[] = [];
  services.forEach((svc, i) => {
    const color = PALETTE[(PALETTE.length - 1 - i) % PALETTE.length]!;
    for (const ready of [true, false]) {
      const mine = iv.filter((v) => v.service === svc && v.ready === ready);
      if (mine.length === 0) continue;
      data.push({
        type: 'scatter',
        mode: 'lines',
        name: ready ? svc : `${svc} (loading)`,
        legendgroup: svc,
        x: mine.flatMap((v) => [round(v.from, 5), round(v.to, 5), null]),
        y: mine.flatMap((v) => [v.device, v.device, null]),
        line: { color, width: ready ? 9 : 3, dash: ready ? 'solid' : 'dot' },
        opacity: ready ? 0.75 : 1,
        hovertemplate: `${svc}${ready ? '' : ' loading'} on %{y} at %{x:.3g} s<extra></extra>`,
      });
    }
  });
  if (data.length === 0) data.push({ type: 'scatter', mode: 'lines', x: [], y: [], name: 'no instance placed' });
  const label = g.facets.find((f) => f.key === facet)?.label;
  return {
    id: `placement-${policy}-${facet}`,
    title: `Placement map: ${policy} at ${g.xLabel} = ${x}${label ? ` (${label})` : ''}, seed ${run.seed}`,
    caption:
      'Which service runs on which device over time: thick = ready instance, dotted = loading weights; an instance on several devices (pipeline or tensor parallel) shows on each.',
    data,
    layout: baseLayout('time (s)', '', {
      height: Math.max(240, 130 + 28 * devices.length),
      margin: { l: 150, r: 20, t: 20, b: 70 },
      yaxis: {
        title: { text: '' },
        automargin: true,
        categoryorder: 'array',
        categoryarray: devices,
        type: 'category',
      },
      xaxis: { title: { text: 'time (s)' }, range: [0, run.horizonS] },
    }),
  };
}
