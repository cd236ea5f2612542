/**
 * HTML tables of the report: scenario, capacity per service and for all services, per-cell
 * summary, identical policies, failed cells, capacity-mode summaries, validation. Every figure is
 * rounded for reading; a censored capacity keeps its mark and never yields a ratio.
 */
import type { RunResult, Slo } from '../policies/index.js';
import type { Capacity } from './capacity.js';
import { capacityRatio, formatCapacity, goodputCapacity } from './capacity.js';
import { escapeHtml } from './escape.js';
import type { Grouped } from './group.js';
import { plural } from './group.js';
import { energyPerRequestOf } from './figures-energy.js';
import { ALL, attainmentOf, energyPerRequest, latencyValue, meanKeepingInf } from './series.js';
import { summarize } from './stats.js';
import type { CapacitySummary, ReadIssue, ResultEntry, ValidationReport } from './types.js';

export const fmt = (v: number, digits = 3): string =>
  v === Infinity ? '∞' : Number.isFinite(v) ? Number(v.toPrecision(digits)).toString() : '—';
export const pct = (v: number): string =>
  Number.isFinite(v) ? `${(v * 100).toFixed(v >= 0.995 || v < 0.1 ? 1 : 0)}%` : '—';

export function table(head: readonly string[], rows: readonly (readonly string[])[], numericFrom = 1): string {
  const th = head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows
    .map(
      (r) =>
        `<tr>${r.map((c, i) => `<td${i >= numericFrom ? ' class="num"' : ''}>${escapeHtml(c)}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return `<table>\n<thead><tr>${th}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

export interface CapacityRow {
  readonly policy: string;
  readonly facet: string;
  readonly facetLabel: string;
  /** All services: the lowest per-service seed-mean attainment at each load. */
  readonly all: Capacity;
  readonly services: Readonly<Record<string, Capacity>>;
  /** Mean per-service attainment over every swept load (the best-baseline tie-breaker). */
  readonly meanAttainment: number;
}

export function capacityRows(g: Grouped, target: number): CapacityRow[] {
  const rows: CapacityRow[] = [];
  for (const f of g.facets) {
    for (const policy of g.policies) {
      const cells = g.cells.filter((c) => c.policy === policy && c.facet === f.key && c.runs.length > 0);
      if (cells.length === 0) continue;
      const mean = (c: (typeof cells)[number], svc: string): number =>
        summarize(c.runs.map((r) => attainmentOf(r, svc))).mean;
      const services = Object.fromEntries(
        g.services.map((s) => [
          s,
          goodputCapacity(
            cells.map((c) => ({ x: c.x, attainment: mean(c, s) })),
            target,
          ),
        ]),
      );
      const all = goodputCapacity(
        cells.map((c) => {
          const per = g.services.map((s) => mean(c, s)).filter(Number.isFinite);
          return { x: c.x, attainment: per.length > 0 ? Math.min(...per) : Number.NaN };
        }),
        target,
      );
      const perCell = cells.flatMap((c) => g.services.map((s) => mean(c, s))).filter(Number.isFinite);
      rows.push({
        policy,
        facet: f.key,
        facetLabel: f.label,
        all,
        services,
        meanAttainment: perCell.length > 0 ? perCell.reduce((a, b) => a + b, 0) / perCell.length : Number.NaN,
      });
    }
  }
  return rows;
}

export function capacityHtml(
  g: Grouped,
  rows: readonly CapacityRow[],
  best: ReadonlyMap<string, readonly string[]>,
): string {
  const head = [
    'policy',
    ...(g.facets.length > 1 ? ['configuration'] : []),
    `all services (${g.xLabel})`,
    'ratio to best baseline',
    ...g.services.map((s) => `${s} (${g.xLabel})`),
  ];
  const body = rows.map((r) => {
    const b = best.get(r.facet) ?? [];
    const ref = b.length === 1 ? rows.find((x) => x.policy === b[0] && x.facet === r.facet) : undefined;
    const ratio = ref ? capacityRatio(r.all, ref.all) : Number.NaN;
    return [
      r.policy + (b.includes(r.policy) ? ' (best baseline)' : ''),
      ...(g.facets.length > 1 ? [r.facetLabel] : []),
      formatCapacity(r.all),
      Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : '—',
      ...g.services.map((s) => formatCapacity(r.services[s] ?? { kind: 'none' })),
    ];
  });
  const ties = [...best]
    .filter(([, b]) => b.length > 1)
    .map(
      ([f, b]) =>
        `tie for best baseline${g.facets.length > 1 ? ` (${g.facets.find((x) => x.key === f)?.label})` : ''}: ${b.join(', ')} — no ratio shown`,
    );
  return (
    table(head, body, g.facets.length > 1 ? 2 : 1) + ties.map((t) => `\n<p class="cap">${escapeHtml(t)}</p>`).join('')
  );
}

function sloText(slo: Slo | undefined): string {
  if (slo === undefined) return '—';
  switch (slo.kind) {
    case 'token':
      return `TTFT ≤ ${fmt(slo.ttftS)} s and mean TPOT ≤ ${fmt(slo.tpotS)} s`;
    case 'e2e':
      return `E2E ≤ ${fmt(slo.e2eS)} s`;
    case 'frame':
      return `each frame within ${fmt(slo.deadlineS)} s`;
  }
}

/** The scenario as the results state it: services with SLO and rate at load 1, devices by type per configuration. */
export function scenarioHtml(
  g: Grouped,
  version: string | undefined,
  sweeps: readonly string[],
  target: number,
): string {
  const runs = g.cells.flatMap((c) => c.runs.map((r) => ({ r, x: c.x })));
  const first = (svc: string): RunResult['services'][string] | undefined =>
    runs.find(({ r }) => r.services[svc])?.r.services[svc];
  // Offered req/s per unit of load: meaningful when x is the load multiplier.
  const nominal = (svc: string): string => {
    if (g.xLabel !== 'load') return '—';
    const v = runs.map(({ r, x }) => (r.services[svc] && x > 0 ? r.services[svc]!.offeredRps / x : Number.NaN));
    return fmt(summarize(v).mean);
  };
  const services = table(
    ['service', 'kind', 'SLO', 'offered req/s at load 1'],
    g.services.map((s) => [s, first(s)?.kind ?? '—', sloText(first(s)?.slo), nominal(s)]),
    3,
  );
  const facets = g.facets.map((f) => {
    const r = g.cells.find((c) => c.facet === f.key && c.runs.length > 0)?.runs[0];
    const types = new Map<string, number>();
    for (const d of Object.values(r?.devices ?? {})) types.set(d.type, (types.get(d.type) ?? 0) + 1);
    return [
      f.label || 'all runs',
      [...types]
        .sort()
        .map(([t, n]) => `${n} × ${t}`)
        .join(', ') || '—',
    ];
  });
  const devices = table(['configuration', 'devices by type'], facets, 99);
  const scenarios = [...new Set(runs.map(({ r }) => r.scenario))].sort();
  const meta = [
    `scenario ${scenarios.join(', ') || 'n/a'}`,
    `ParaSim ${version ?? 'version unknown'}`,
    sweeps.length > 0 ? `sweep ${sweeps.join(', ')}` : 'not from a sweep file',
    `capacity target: every service's SLO attainment ≥ ${target}`,
  ].join(' · ');
  return `<p class="cap">${escapeHtml(meta)}</p>\n${services}\n${devices}`;
}

/** Groups of policies whose runs are identical apart from the policy name (same facets, loads, seeds). */
export function identicalPolicies(g: Grouped): string[][] {
  const print = new Map<string, string[]>();
  for (const p of g.policies) {
    const runs = g.cells
      .filter((c) => c.policy === p)
      .flatMap((c) => c.runs.map((r) => [c.facet, c.x, r.seed, r.services, r.devices, r.placementChanges]));
    if (runs.length === 0) continue;
    const k = JSON.stringify(runs);
    print.set(k, [...(print.get(k) ?? []), p]);
  }
  return [...print.values()].filter((ps) => ps.length > 1);
}

/** Worst service's E2E p99 including drops (∞ when any service lost a request in its top 1%). */
function worstE2eP99(r: RunResult): number {
  const v = Object.values(r.services)
    .map((s) => latencyValue(s.e2eInclDropsS ?? s.e2eS, 'p99'))
    .filter((x) => !Number.isNaN(x));
  return v.length === 0 ? Number.NaN : Math.max(...v);
}

export function summaryTable(g: Grouped): string {
  const multi = g.facets.length > 1;
  const rows = g.cells.map((c) => {
    const att = summarize(c.runs.map((r) => attainmentOf(r, ALL)));
    const per = g.services.map((s) => `${s} ${pct(summarize(c.runs.map((r) => attainmentOf(r, s))).mean)}`).join(' · ');
    const lost = summarize(c.runs.map((r) => r.totals.dropped + r.totals.failed));
    return [
      c.policy,
      ...(multi ? [g.facets.find((f) => f.key === c.facet)?.label ?? ''] : []),
      fmt(c.x, 4),
      String(c.runs.length) + (c.failed.length ? ` (+${c.failed.length} failed)` : ''),
      Number.isFinite(att.halfWidth) ? `${pct(att.mean)} ± ${pct(att.halfWidth)}` : pct(att.mean),
      pct(summarize(c.runs.map((r) => r.totals.meanServiceAttainment ?? Number.NaN)).mean),
      per,
      fmt(meanKeepingInf(c.runs.map(worstE2eP99))),
      fmt(summarize(c.runs.map(energyPerRequest)).mean),
      g.services.map((sv) => `${sv} ${fmt(summarize(c.runs.map((r) => energyPerRequestOf(r, sv))).mean)}`).join(' · '),
      fmt(lost.mean, 4),
      fmt(summarize(c.runs.map((r) => r.totals.goodputRps)).mean),
    ];
  });
  return table(
    [
      'policy',
      ...(multi ? ['configuration'] : []),
      g.xLabel,
      'seeds',
      'lowest service SLO attainment (± 95% CI)',
      'mean service SLO attainment',
      'SLO attainment per service',
      'E2E p99 s incl. drops (worst service)',
      'energy J per finished request (devices with power figures)',
      'energy J per request per service',
      'dropped + failed per run',
      'goodput req/s, all requests pooled',
    ],
    rows,
    multi ? 2 : 1,
  );
}

export function problemsHtml(
  failed: readonly ResultEntry[],
  unplaced: readonly ResultEntry[],
  issues: readonly ReadIssue[],
): string {
  const rows: string[][] = [
    ...failed.map((e) => [
      'failed cell',
      e.source,
      `${e.policy} load=${fmt(e.load, 4)} seed=${e.seed} (${e.key})`,
      e.error ?? '',
    ]),
    ...unplaced.map((e) => [
      'no x value',
      e.source,
      `${e.policy} (${e.key})`,
      'the chosen x field is missing or not numeric',
    ]),
    ...issues.map((i) => ['unreadable', i.source, `line ${i.line}`, i.message]),
  ];
  return rows.length === 0 ? '' : table(['kind', 'file', 'item', 'message'], rows, 99);
}

export function validationHtml(v: ValidationReport): string {
  const rows = v.rows.map((r) => [
    r.policy,
    fmt(r.load, 4),
    r.scope,
    r.metric,
    fmt(r.sim, 4),
    fmt(r.measured, 4),
    Number.isFinite(r.relError) ? `${(r.relError * 100).toFixed(1)}%` : 'undefined',
  ]);
  const med =
    v.medianAbsGoodputError === null
      ? ''
      : `<p>Median absolute goodput error: <b>${escapeHtml(`${(v.medianAbsGoodputError * 100).toFixed(1)}%`)}</b></p>\n`;
  return med + table(['policy', 'load', 'scope', 'metric', 'simulated', 'measured', 'relative error'], rows, 4);
}

/** Tables of capacity-mode summaries (`results.capacity.json`): all services and per service. */
export function capacitySummaryHtml(list: readonly CapacitySummary[]): string {
  return list
    .map((c) => {
      const services = [...new Set(c.searches.flatMap((s) => Object.keys(s.services)))].sort();
      const cap = (load: number | null, bound: string): string =>
        bound === 'at-max'
          ? `≥ ${fmt(load ?? Number.NaN)}`
          : bound === 'below-min'
            ? '< min load'
            : bound === 'error'
              ? 'failed cell'
              : fmt(load ?? Number.NaN);
      const rows = c.searches.map((s) => [
        s.policy,
        Object.entries(s.coords)
          .map(([k, v]) => `${k} = ${JSON.stringify(v)}`)
          .join(' · ') || '—',
        cap(s.load, s.bound),
        ...services.map((n) => (s.services[n] ? cap(s.services[n]!.load, s.services[n]!.bound) : '—')),
      ]);
      return (
        `<p class="cap">${escapeHtml(`${c.source}: sweep ${c.sweep}, target ${c.target}, ${plural(c.searches.length, 'search', 'searches')}`)}</p>\n` +
        table(['policy', 'configuration', 'all services (load)', ...services.map((s) => `${s} (load)`)], rows, 2)
      );
    })
    .join('\n');
}
