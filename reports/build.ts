/**
 * `buildReport`: inputs → one HTML string; `reportCsv`: inputs → the summary CSV. Pure apart
 * from reading plotly's source when the caller did not pass it (so tests can build pages
 * without a 1.5 MB string in every snapshot).
 *
 * Page order: scenario; all services (lowest per-service attainment, capacity per service and
 * overall, best baseline by a stated rule); one section per service (goodput, attainment,
 * latency CDFs including drops, losses by reason); devices and links; placement maps; run notes
 * (why); summary; capacity-mode summaries; validation; problems.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { BEST_BASELINE_RULE, bestBaselines } from './capacity.js';
import { policyColors } from './colors.js';
import { summaryCsv } from './csv.js';
import type { Figure } from './figure.js';
import { energyFigure } from './figures-energy.js';
import { attainmentFigure, capacityFigure, goodputFigure } from './figures-load.js';
import { cdfFigure, lossFigure } from './figures-latency.js';
import { linkHeatmap, placementMap, utilizationHeatmap } from './figures-devices.js';
import type { Grouped } from './group.js';
import { chooseX, groupEntries, plural } from './group.js';
import type { PageSection } from './html.js';
import { renderPage } from './html.js';
import { ALL } from './series.js';
import {
  capacityHtml,
  capacityRows,
  capacitySummaryHtml,
  identicalPolicies,
  problemsHtml,
  scenarioHtml,
  summaryTable,
  table,
  validationHtml,
} from './tables.js';
import type { ReportInputs } from './types.js';
import { escapeHtml } from './escape.js';

/** plotly.min.js from node_modules, resolved the way Node would resolve the import. */
export function loadPlotlySource(): string {
  const file = createRequire(import.meta.url).resolve('plotly.js-cartesian-dist-min');
  return fs.readFileSync(file, 'utf8');
}

/** Notes of the runs at one load (perf-source notes left out: the scenario states them once). */
function notesHtml(g: Grouped, x: number | undefined): string {
  const rows: string[][] = [];
  for (const c of g.cells) {
    if (c.x !== x || c.runs.length === 0) continue;
    const count = new Map<string, number>();
    for (const r of c.runs)
      for (const n of new Set(r.notes)) if (!n.startsWith('perf: ')) count.set(n, (count.get(n) ?? 0) + 1);
    const label = g.facets.find((f) => f.key === c.facet)?.label;
    for (const [n, k] of [...count].sort((a, b) => (a[0] < b[0] ? -1 : 1)))
      rows.push([c.policy + (label ? ` · ${label}` : ''), n, `${k} of ${plural(c.runs.length, 'run')}`]);
  }
  return rows.length === 0 ? '<p>No run notes at this load.</p>' : table(['policy', 'note (why)', 'seen in'], rows, 99);
}

export function buildReport(inputs: ReportInputs): string {
  const opts = inputs.options ?? {};
  const target = opts.target ?? 0.9;
  const g = groupEntries(inputs.entries, opts.xField);
  const color = policyColors(g.policies);
  const atX = chooseX(g, opts.atX);
  const caps = capacityRows(g, target);
  const best = new Map(
    g.facets.map((f) => [
      f.key,
      bestBaselines(
        caps
          .filter((r) => r.facet === f.key)
          .map((r) => ({ policy: r.policy, capacity: r.all, meanAttainment: r.meanAttainment })),
      ),
    ]),
  );
  const runs = g.cells.reduce((n, c) => n + c.runs.length, 0);
  const failed = g.cells.flatMap((c) => c.failed);
  const problems = problemsHtml(failed, g.unplaced, inputs.issues ?? []);
  const sweeps = [...new Set(inputs.entries.flatMap((e) => (e.sweep ? [e.sweep] : [])))].sort();
  const at = atX === undefined ? 'n/a' : `${g.xLabel} = ${atX}`;
  const same = identicalPolicies(g);

  const sections: PageSection[] = [{ heading: 'Scenario', html: scenarioHtml(g, inputs.version, sweeps, target) }];
  const bestText = [...best]
    .map(
      ([f, b]) =>
        `${g.facets.length > 1 ? `${g.facets.find((x) => x.key === f)?.label}: ` : ''}${b.length === 0 ? 'none' : b.join(' = ')}`,
    )
    .join('; ');
  sections.push({
    heading: 'All services',
    html:
      `<p class="cap">${escapeHtml(`Best baseline: ${bestText}. Rule: ${BEST_BASELINE_RULE}`)}</p>\n${capacityHtml(g, caps, best)}` +
      (same.length
        ? `\n<p><b>Identical results</b>: ${escapeHtml(same.map((s) => s.join(' = ')).join('; '))} (every run the same apart from the policy name).</p>`
        : ''),
    figures: [attainmentFigure(g, ALL, color, target), capacityFigure(g, caps, color, target)],
  });
  for (const svc of g.services) {
    const llm = g.cells.some((c) => c.runs.some((r) => r.services[svc]?.kind === 'llm'));
    const figures: Figure[] = [goodputFigure(g, svc, color), attainmentFigure(g, svc, color, target)];
    if (llm) figures.push(cdfFigure(g, svc, atX, 'ttftInclDropsS', color));
    figures.push(cdfFigure(g, svc, atX, 'e2eInclDropsS', color), lossFigure(g, svc, atX));
    const energy = energyFigure(g, svc, color);
    if (energy !== null) figures.push(energy);
    sections.push({ heading: `Service ${svc}`, figures });
  }
  sections.push({ heading: 'Devices and links', figures: [utilizationHeatmap(g, atX), linkHeatmap(g, atX)] });
  const mapFacet = g.facets.find((f) => g.cells.some((c) => c.facet === f.key && c.x === atX && c.runs.length > 0));
  const maps =
    atX === undefined || mapFacet === undefined
      ? []
      : g.policies.map((p) => placementMap(g, p, mapFacet.key, atX, g.services)).filter((f): f is Figure => f !== null);
  if (maps.length > 0) sections.push({ heading: 'Placement', figures: maps });
  sections.push({ heading: `Run notes at ${at}`, html: notesHtml(g, atX) });
  sections.push({ heading: 'Summary', html: summaryTable(g) });
  if (inputs.capacity?.length)
    sections.push({ heading: 'Capacity searches', html: capacitySummaryHtml(inputs.capacity) });
  if (inputs.validation) sections.push({ heading: 'Simulation vs testbed', html: validationHtml(inputs.validation) });
  if (problems) sections.push({ heading: 'Failed or unreadable inputs', html: problems });

  const intro =
    `${plural(runs, 'run')} of ${plural(g.policies.length, 'policy', 'policies')} (${g.policies.join(', ')}) at ${plural(g.xs.length, `value of ${g.xLabel}`, `values of ${g.xLabel}`)}` +
    `${g.facets.length > 1 ? ` in ${plural(g.facets.length, 'configuration')} (${g.facets.map((f) => f.label).join('; ')}), each plotted apart` : ''}` +
    `${failed.length ? `; ${plural(failed.length, 'failed cell')}` : ''}. Every figure is per service: a sum over services would let camera frames hide a starved chat service.` +
    ` Per-load figures use ${at}.`;
  return renderPage(
    { title: opts.title ?? 'ParaSim report', intro, sections },
    inputs.plotlySource ?? loadPlotlySource(),
  );
}

export function reportCsv(inputs: ReportInputs): string {
  const opts = inputs.options ?? {};
  const g = groupEntries(inputs.entries, opts.xField);
  return summaryCsv(g, capacityRows(g, opts.target ?? 0.9));
}
