/**
 * Energy per request of one service vs load, per policy (issue 18): the service's share of the
 * energy of the devices it ran on (sim/metrics/energy.ts) over its finished requests — what a
 * request costs in joules under each policy. Results without the field (older files, live
 * replays) give no point.
 */
import type { RunResult } from '../policies/index.js';
import type { ColorOf } from './colors.js';
import type { Figure } from './figure.js';
import { baseLayout, niceRange } from './figure.js';
import { bandTraces } from './figures-load.js';
import type { Grouped } from './group.js';
import { seriesOf } from './series.js';

/** Energy per finished request of `service` in `r`, joules (NaN when unknown). */
export function energyPerRequestOf(r: RunResult, service: string): number {
  const v = r.services[service]?.energyPerRequestJ;
  return typeof v === 'number' ? v : Number.NaN;
}

export function energyFigure(g: Grouped, service: string, color: ColorOf): Figure | null {
  const series = seriesOf(g, (r) => energyPerRequestOf(r, service)).filter((s) =>
    s.points.some((p) => Number.isFinite(p.s.mean)),
  );
  if (series.length === 0) return null;
  const max = Math.max(
    0,
    ...series
      .flatMap((s) => s.points)
      .map((p) => (Number.isFinite(p.s.hi) ? p.s.hi : p.s.mean))
      .filter(Number.isFinite),
  );
  return {
    id: `energy-${service}`,
    title: `${service}: energy per request vs ${g.xLabel}`,
    caption: `Joules per finished ${service} request: each device's energy (idle + busy power of its power mode) split by this service's share of its busy time, over the requests finished (ok + late); devices without a power figure are left out. Mean over seeds, 95% band.`,
    data: bandTraces(g, series, color, 'J', 0, Infinity),
    layout: baseLayout(g.xLabel, 'energy per request (J)', {
      yaxis: { title: { text: 'energy per request (J)' }, range: niceRange(max) },
    }),
  };
}
