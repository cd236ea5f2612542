/**
 * `buildReport`: inputs → one HTML string. Pure apart from reading plotly's source when the
 * caller did not pass it (so tests can build pages without a 1.5 MB string in every snapshot).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { CapacityPoint } from './capacity.js';
import { capacityTable } from './capacity.js';
import { policyColors } from './colors.js';
import { attainmentFigure, capacityFigure, goodputFigure, seriesByPolicy } from './figures-load.js';
import { cdfFigure } from './figures-latency.js';
import { placementFigure, utilizationHeatmap, utilizationTimelineFigure } from './figures-devices.js';
import { chooseX, groupEntries } from './group.js';
import type { PageSection } from './html.js';
import { renderPage } from './html.js';
import { capacityHtml, problemsHtml, summaryTable, validationHtml } from './tables.js';
import type { ReportInputs } from './types.js';

/** plotly.min.js from node_modules, resolved the way Node would resolve the import. */
export function loadPlotlySource(): string {
  const file = createRequire(import.meta.url).resolve('plotly.js-cartesian-dist-min');
  return fs.readFileSync(file, 'utf8');
}

export function buildReport(inputs: ReportInputs): string {
  const opts = inputs.options ?? {};
  const target = opts.target ?? 0.9;
  const g = groupEntries(inputs.entries, opts.xField);
  const color = policyColors(g.policies);
  const atX = chooseX(g, opts.atX);
  const attainment = seriesByPolicy(g, (r) => r.totals.sloAttainment);
  const points = new Map<string, CapacityPoint[]>(
    [...attainment].map(([p, pts]) => [p, pts.map((pt) => ({ x: pt.x, attainment: pt.s.mean }))]),
  );
  const cap = capacityTable(points, target);
  const runs = g.cells.reduce((n, c) => n + c.runs.length, 0);
  const failed = g.cells.flatMap((c) => c.failed);
  const problems = problemsHtml(failed, g.unplaced, inputs.issues ?? []);

  const sections: PageSection[] = [
    { heading: 'Goodput and SLO attainment', figures: [goodputFigure(g, color), attainmentFigure(g, color, target)] },
    {
      heading: 'Goodput capacity',
      html: capacityHtml(cap.rows, g.xLabel, cap.bestBaseline),
      figures: [capacityFigure(cap.rows, color, g.xLabel, target, cap.bestBaseline)],
    },
    { heading: 'Latency distributions', figures: [cdfFigure(g, atX, 'ttftS', color), cdfFigure(g, atX, 'e2eS', color)] },
    {
      heading: 'Devices',
      figures: [
        utilizationHeatmap(g, atX),
        ...g.policies.filter((p) => g.cells.some((c) => c.policy === p && c.x === atX && c.runs.length > 0))
          .map((p) => utilizationTimelineFigure(g, atX, p)),
      ],
    },
    { heading: 'Placement', figures: [placementFigure(g, atX, color)] },
    { heading: 'Summary', html: summaryTable(g) },
  ];
  if (inputs.validation) sections.push({ heading: 'Simulation vs testbed', html: validationHtml(inputs.validation) });
  if (problems) sections.push({ heading: 'Failed or unreadable inputs', html: problems });

  const scenarios = [...new Set(g.cells.flatMap((c) => c.runs.map((r) => r.scenario)))].sort();
  const intro = `${runs} runs of ${g.policies.length} policies (${g.policies.join(', ')}) at ${g.xs.length} values of ${g.xLabel}`
    + `${scenarios.length ? `; scenario ${scenarios.join(', ')}` : ''}${failed.length ? `; ${failed.length} failed cells` : ''}.`
    + ` Per-load figures use ${g.xLabel} = ${atX ?? 'n/a'}. Capacity target: SLO attainment ≥ ${target}.`;
  return renderPage({ title: opts.title ?? 'ParaSim report', intro, sections }, inputs.plotlySource ?? loadPlotlySource());
}
