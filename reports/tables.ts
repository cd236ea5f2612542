/** HTML tables of the report: per-cell summary, goodput capacity, failed cells, validation. */
import type { RunResult } from '../policies/index.js';
import type { CapacityRow } from './capacity.js';
import { formatCapacity } from './capacity.js';
import { escapeHtml } from './escape.js';
import type { Grouped } from './group.js';
import { summarize } from './stats.js';
import type { ReadIssue, ResultEntry, ValidationReport } from './types.js';

const fmt = (v: number, digits = 3): string => (Number.isFinite(v) ? Number(v.toPrecision(digits)).toString() : '—');
const pct = (v: number): string => (Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : '—');

function table(head: readonly string[], rows: readonly (readonly string[])[], numericFrom = 1): string {
  const th = head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows
    .map((r) => `<tr>${r.map((c, i) => `<td${i >= numericFrom ? ' class="num"' : ''}>${escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table>\n<thead><tr>${th}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/** Worst p99 over services: one number per run that a regression in any service moves. */
function worstP99(r: RunResult, metric: 'ttftS' | 'e2eS'): number {
  const v = Object.values(r.services).map((s) => s[metric]?.p99).filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  return v.length === 0 ? Number.NaN : Math.max(...v);
}

export function summaryTable(g: Grouped): string {
  const rows = g.cells.map((c) => {
    const gp = summarize(c.runs.map((r) => r.totals.goodputRps));
    const att = summarize(c.runs.map((r) => r.totals.sloAttainment));
    const lost = summarize(c.runs.map((r) => r.totals.dropped + r.totals.failed));
    const offered = summarize(c.runs.map((r) => r.totals.offered));
    return [
      c.policy, fmt(c.x, 4), String(c.runs.length) + (c.failed.length ? ` (+${c.failed.length} failed)` : ''),
      fmt(offered.mean, 6),
      Number.isFinite(gp.halfWidth) ? `${fmt(gp.mean)} ± ${fmt(gp.halfWidth, 2)}` : fmt(gp.mean),
      pct(att.mean),
      fmt(summarize(c.runs.map((r) => worstP99(r, 'ttftS'))).mean),
      fmt(summarize(c.runs.map((r) => worstP99(r, 'e2eS'))).mean),
      fmt(lost.mean, 6),
    ];
  });
  return table([
    'policy', g.xLabel, 'seeds', 'offered req', 'goodput req/s (± 95% CI)', 'SLO attainment', 'TTFT p99 s (worst service)',
    'E2E p99 s (worst service)', 'dropped + failed',
  ], rows);
}

export function capacityHtml(rows: readonly CapacityRow[], xLabel: string, bestBaseline: string | undefined): string {
  return table(['policy', `goodput capacity (${xLabel})`, `ratio to best baseline${bestBaseline ? ` (${bestBaseline})` : ''}`],
    rows.map((r) => [r.policy, formatCapacity(r.capacity), Number.isFinite(r.ratioToBestBaseline) ? `${r.ratioToBestBaseline.toFixed(2)}×` : '—']));
}

export function problemsHtml(failed: readonly ResultEntry[], unplaced: readonly ResultEntry[], issues: readonly ReadIssue[]): string {
  const rows: string[][] = [
    ...failed.map((e) => ['failed cell', e.source, `${e.policy} load=${fmt(e.load, 4)} seed=${e.seed} (${e.key})`, e.error ?? '']),
    ...unplaced.map((e) => ['no x value', e.source, `${e.policy} (${e.key})`, 'the chosen x field is missing or not numeric']),
    ...issues.map((i) => ['unreadable', i.source, `line ${i.line}`, i.message]),
  ];
  return rows.length === 0 ? '' : table(['kind', 'file', 'item', 'message'], rows, 99);
}

export function validationHtml(v: ValidationReport): string {
  const rows = v.rows.map((r) => [r.policy, fmt(r.load, 4), r.metric, fmt(r.sim, 4), fmt(r.measured, 4), pct(r.relError)]);
  const med = v.medianAbsGoodputError === null ? '' : `<p>Median absolute goodput error: <b>${escapeHtml(pct(v.medianAbsGoodputError))}</b></p>\n`;
  return med + table(['policy', 'load', 'metric', 'simulated', 'measured', 'relative error'], rows, 1);
}
