/**
 * Device figures at one load: mean utilization per device × policy (heatmap), utilization over
 * time per policy (devices × timeline buckets, first seed), and cumulative placement changes.
 */
import type { RunResult } from '../policies/index.js';
import type { ColorOf } from './colors.js';
import type { Figure } from './figure.js';
import { baseLayout, round } from './figure.js';
import type { Grouped } from './group.js';
import { cellAt } from './group.js';
import { summarize } from './stats.js';

const UTIL_SCALE = 'Viridis';

function runsAt(g: Grouped, policy: string, x: number | undefined): readonly RunResult[] {
  return x === undefined ? [] : (cellAt(g, policy, x)?.runs ?? []);
}

/** Device ids present in any of the runs, in code-point order. */
function deviceIds(runs: readonly RunResult[]): string[] {
  return [...new Set(runs.flatMap((r) => Object.keys(r.devices)))].sort();
}

export function utilizationHeatmap(g: Grouped, x: number | undefined): Figure {
  const policies = g.policies.filter((p) => runsAt(g, p, x).length > 0);
  const devices = deviceIds(policies.flatMap((p) => runsAt(g, p, x)));
  const z = devices.map((d) => policies.map((p) => round(summarize(runsAt(g, p, x).map((r) => r.devices[d]?.utilization)).mean, 4)));
  return {
    id: 'util-policies',
    title: `Device utilization by policy${x === undefined ? '' : ` at ${g.xLabel} = ${x}`}`,
    caption: 'Busy fraction of the run per device, mean over seeds.',
    data: [{ type: 'heatmap', x: policies, y: devices, z, zmin: 0, zmax: 1, colorscale: UTIL_SCALE,
      colorbar: { title: { text: 'busy' }, tickformat: '.0%' }, hovertemplate: '%{y} · %{x}: %{z:.1%}<extra></extra>' }],
    layout: baseLayout('policy', 'device', { margin: { l: 140, r: 20, t: 20, b: 55 }, yaxis: { title: { text: '' }, automargin: true } }),
  };
}

export function utilizationTimelineFigure(g: Grouped, x: number | undefined, policy: string): Figure {
  const run = runsAt(g, policy, x)[0];
  const devices = run ? deviceIds([run]) : [];
  const bucket = run?.timelineBucketS ?? 1;
  const len = Math.max(0, ...devices.map((d) => run?.devices[d]?.utilizationTimeline.length ?? 0));
  const times = Array.from({ length: len }, (_, i) => round(i * bucket, 6));
  const z = devices.map((d) => Array.from({ length: len }, (_, i) => round(run?.devices[d]?.utilizationTimeline[i] ?? Number.NaN, 4)));
  return {
    id: `util-time-${policy}`,
    title: `Utilization over time — ${policy}`,
    caption: `Busy fraction per ${bucket} s bucket, seed ${run?.seed ?? 'n/a'}.`,
    data: [{ type: 'heatmap', x: times, y: devices, z, zmin: 0, zmax: 1, colorscale: UTIL_SCALE,
      colorbar: { title: { text: 'busy' }, tickformat: '.0%' }, hovertemplate: '%{y} at %{x} s: %{z:.1%}<extra></extra>' }],
    layout: baseLayout('time (s)', 'device', { margin: { l: 140, r: 20, t: 20, b: 55 }, yaxis: { title: { text: '' }, automargin: true }, height: Math.max(220, 60 + 22 * devices.length) }),
  };
}

export function placementFigure(g: Grouped, x: number | undefined, color: ColorOf): Figure {
  const data: Record<string, unknown>[] = [];
  for (const policy of g.policies) {
    const run = runsAt(g, policy, x)[0];
    if (!run) continue;
    const changes = run.placementChanges.slice().sort((a, b) => a.timeS - b.timeS);
    const xs = [0, ...changes.map((c) => round(c.timeS)), round(run.horizonS)];
    const ys = [0, ...changes.map((_, i) => i + 1), changes.length];
    const text = ['start', ...changes.map((c) => `${c.action} ${c.service} (${c.instance}) on ${c.devices.join(', ')}`), 'end'];
    data.push({ type: 'scatter', mode: 'lines', x: xs, y: ys, text, name: policy, line: { color: color(policy), shape: 'hv', width: 2 },
      hovertemplate: `${policy} t=%{x:.4g} s: %{text}<extra></extra>` });
  }
  if (data.length === 0) data.push({ type: 'scatter', mode: 'lines', x: [], y: [], name: 'no data' });
  return {
    id: 'placement',
    title: `Placement changes over time${x === undefined ? '' : ` at ${g.xLabel} = ${x}`}`,
    caption: 'Cumulative instance lifecycle events (load, ready, drain, gone, failed), first seed per policy.',
    data,
    layout: baseLayout('time (s)', 'cumulative placement changes'),
  };
}
