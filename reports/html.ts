/**
 * Assembles the self-contained page: inline CSS, inlined plotly, figure specs as escaped JSON in
 * a data `<script>`, and a few lines that call `Plotly.newPlot` for each. No timestamps, so the
 * same inputs give the same bytes.
 */
import { escapeHtml, jsonForScript, scriptSafeSource } from './escape.js';
import type { Figure } from './figure.js';

export interface PageSection {
  readonly heading: string;
  /** Trusted HTML built by tables.ts (already escaped) or figures to plot. */
  readonly html?: string;
  readonly figures?: readonly Figure[];
}

export interface Page {
  readonly title: string;
  readonly intro: string;
  readonly sections: readonly PageSection[];
}

const CSS = `
body{font-family:system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:0 1.2rem 3rem;color:#222}
h1{font-size:1.5rem;margin:1.2rem 0 .3rem}h2{font-size:1.2rem;margin:2rem 0 .3rem;border-bottom:1px solid #ddd}
h3{font-size:1rem;margin:1.2rem 0 .2rem}.cap{color:#555;font-size:.85rem;margin:.1rem 0 .4rem}
.plot{width:100%;height:380px}.intro{color:#444;font-size:.9rem}
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0}th,td{border:1px solid #ddd;padding:.25rem .5rem;text-align:left}
th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}
`;

const BOOT = `
(function(){
  var figs = JSON.parse(document.getElementById('report-figures').textContent);
  var config = {displaylogo: false, responsive: true};
  Promise.all(figs.map(function(f, i){ return Plotly.newPlot('fig-' + i, f.data, f.layout, config); }))
    .then(function(){ document.body.setAttribute('data-plots-ready', String(figs.length)); });
})();
`;

export function renderPage(page: Page, plotlySource: string): string {
  const figures: Figure[] = [];
  const body = page.sections
    .map((s) => {
      const parts = [`<section>\n<h2>${escapeHtml(s.heading)}</h2>`];
      if (s.html) parts.push(s.html);
      for (const f of s.figures ?? []) {
        const height = typeof f.layout['height'] === 'number' ? ` style="height:${f.layout['height']}px"` : '';
        parts.push(
          `<h3>${escapeHtml(f.title)}</h3>\n<p class="cap">${escapeHtml(f.caption)}</p>\n<div class="plot" id="fig-${figures.length}"${height}></div>`,
        );
        figures.push(f);
      }
      parts.push('</section>');
      return parts.join('\n');
    })
    .join('\n');
  const specs = figures.map((f) => ({ data: f.data, layout: f.layout }));
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(page.title)}</title>`,
    `<style>${CSS}</style>`,
    `<script>${scriptSafeSource(plotlySource)}</script>`,
    '</head>',
    '<body>',
    `<h1>${escapeHtml(page.title)}</h1>`,
    `<p class="intro">${escapeHtml(page.intro)}</p>`,
    body,
    `<script type="application/json" id="report-figures">${jsonForScript(specs)}</script>`,
    `<script>${BOOT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
