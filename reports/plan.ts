/**
 * The capacity-plan page (`parasim plan … --html FILE`, issue 18): bars of the smallest device
 * count per candidate type that meets the service's attainment target, with the energy per
 * request at that count beside them, and the probes as a table. The plan's shape is declared here
 * (reports/ imports no simulator module); sweeps/device-plan.ts produces it.
 */
import { escapeHtml } from './escape.js';
import type { Figure } from './figure.js';
import { baseLayout, round } from './figure.js';
import { renderPage } from './html.js';

export interface PlanReport {
  readonly service: string;
  readonly target: number;
  readonly link: string;
  readonly answers: readonly {
    readonly deviceType: string;
    readonly count: number | null;
    readonly attainment: number | null;
    readonly energyPerRequestJ: number | null;
    readonly probes: readonly { readonly count: number; readonly attainment: number | null }[];
  }[];
}

export function planFigure(p: PlanReport): Figure {
  const types = p.answers.map((a) => a.deviceType);
  return {
    id: 'plan',
    title: `${p.service}: devices needed for ${(p.target * 100).toFixed(1)}% SLO attainment`,
    caption:
      "Bars: smallest count of each device type meeting the target at the scenario's load (none = not even the largest count tried). Dots: energy per finished request at that count (right axis).",
    data: [
      {
        type: 'bar',
        name: 'devices needed',
        x: types,
        y: p.answers.map((a) => a.count),
        marker: { color: '#4c78a8' },
        text: p.answers.map((a) => (a.count === null ? 'none' : String(a.count))),
        textposition: 'outside',
      },
      {
        type: 'scatter',
        mode: 'markers',
        name: 'J per request',
        x: types,
        y: p.answers.map((a) => (a.energyPerRequestJ === null ? null : round(a.energyPerRequestJ, 4))),
        yaxis: 'y2',
        marker: { color: '#e45756', size: 11, symbol: 'diamond' },
      },
    ],
    layout: baseLayout('device type', 'devices needed', {
      yaxis: { title: { text: 'devices needed' }, rangemode: 'tozero' },
      yaxis2: { title: { text: 'energy per request (J)' }, overlaying: 'y', side: 'right', rangemode: 'tozero' },
    }),
  };
}

export function planPage(p: PlanReport, plotlySource: string): string {
  const rows = p.answers.map(
    (a) =>
      `<tr><td>${escapeHtml(a.deviceType)}</td><td>${a.count ?? 'none'}</td><td>${a.attainment === null ? '-' : a.attainment.toFixed(4)}</td>` +
      `<td>${a.energyPerRequestJ === null ? '-' : a.energyPerRequestJ.toFixed(3)}</td><td>${escapeHtml(a.probes.map((q) => `${q.count}: ${q.attainment === null ? '-' : q.attainment.toFixed(3)}`).join(', '))}</td></tr>`,
  );
  const table = `<table><tr><th>device type</th><th>count</th><th>attainment</th><th>J/request</th><th>probes (count: attainment)</th></tr>${rows.join('')}</table>`;
  return renderPage(
    {
      title: `Capacity plan: ${p.service}`,
      intro: `Each probe serves ${p.service} alone with N devices of one type, each joined to the ingress by ${p.link}, under the scenario's policy, load and SLO.`,
      sections: [{ heading: 'Devices needed', html: table, figures: [planFigure(p)] }],
    },
    plotlySource,
  );
}
