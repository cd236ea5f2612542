/**
 * Output of a validation: a fixed-width table (one line per cell × metric) for people, and one
 * JSON object (canonical: sorted keys, NaN → null) for scripts. The JSON keeps each cell's rows
 * and both runs' totals; the full RunResults stay in memory for callers that want them.
 */
import { canonicalJson } from '../../sim/index.js';
import type { ValidationReport } from './validate.js';
import { exceedsThreshold, type MetricName } from './compare.js';

const num = (v: number): string => (Number.isFinite(v) ? (Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(3)) : '-');
const pct = (v: number | null): string =>
  v === null ? 'undef' : Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : 'inf';

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows
    .map((r) =>
      r
        .map((x, c) => x.padEnd(widths[c]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function validationText(r: ValidationReport, maxError?: number, maxP99Error?: number): string {
  const rows: string[][] = [['policy', 'load', 'scope', 'metric', 'sim', 'measured', 'rel error']];
  for (const c of r.cells) {
    for (const m of c.rows)
      rows.push([c.policy, String(c.load), m.scope, m.metric, num(m.sim), num(m.measured), pct(m.relError)]);
  }
  const runs = r.liveRuns > 1 ? `  live runs per cell ${r.liveRuns} (median)` : '';
  const lines = [
    `validation: scenario ${r.scenario}  testbed ${r.testbed}  seed ${r.seed}${runs}`,
    '',
    table(rows),
    '',
  ];
  lines.push(
    `goodput error per cell: ${r.cells.map((c) => `${c.policy}@${c.load} ${pct(c.goodputError)}`).join(', ')}`,
  );
  const verdict =
    maxError === undefined
      ? ''
      : r.medianAbsGoodputError <= maxError
        ? `  (≤ ${pct(maxError)}: pass)`
        : `  (> ${pct(maxError)}: FAIL)`;
  lines.push(`medianAbsGoodputError ${pct(r.medianAbsGoodputError)}${verdict}`);
  const metrics: readonly MetricName[] = [
    'goodputRps',
    'ttftP50S',
    'ttftP99S',
    'tpotP50S',
    'tpotP99S',
    'e2eP50S',
    'e2eP99S',
  ];
  const per: string[][] = [['service', ...metrics.map((m) => `${m} err`)]];
  for (const [name, s] of Object.entries(r.services))
    per.push([name, ...metrics.map((m) => (s[m] === undefined ? '-' : pct(s[m])))]);
  lines.push('', 'median over cells of |relative error|, per service:', table(per), '');
  const p99Verdict =
    maxP99Error === undefined
      ? ''
      : !exceedsThreshold(r.medianAbsE2eP99Error, maxP99Error)
        ? `  (≤ ${pct(maxP99Error)}: pass)`
        : `  (> ${pct(maxP99Error)}: FAIL)`;
  lines.push(
    `worst service: goodput ${pct(r.medianAbsServiceGoodputError)}  E2E p50 ${pct(r.medianAbsE2eP50Error)}  ` +
      `E2E p99 ${pct(r.medianAbsE2eP99Error)}${p99Verdict}  TTFT p99 ${pct(r.medianAbsTtftP99Error)}`,
  );
  const notes = [
    ...r.notes,
    ...new Set(r.cells.flatMap((c) => c.measured.notes.filter((n) => !n.startsWith('live replay on')))),
  ];
  if (notes.length > 0) lines.push('', 'notes:', ...notes.map((n) => `  - ${n}`));
  return `${lines.join('\n')}\n`;
}

/** The JSON document (`--json`, `--out`). */
export function validationJson(r: ValidationReport, maxError?: number, maxP99Error?: number): string {
  const passGoodput = maxError === undefined || !exceedsThreshold(r.medianAbsGoodputError, maxError);
  const passP99 = maxP99Error === undefined || !exceedsThreshold(r.medianAbsE2eP99Error, maxP99Error);
  return canonicalJson({
    schema: r.schema,
    scenario: r.scenario,
    testbed: r.testbed,
    seed: r.seed,
    policies: r.policies,
    loads: r.loads,
    liveRuns: r.liveRuns,
    medianAbsGoodputError: r.medianAbsGoodputError,
    medianAbsServiceGoodputError: r.medianAbsServiceGoodputError,
    medianAbsE2eP50Error: r.medianAbsE2eP50Error,
    medianAbsE2eP99Error: r.medianAbsE2eP99Error,
    medianAbsTtftP99Error: r.medianAbsTtftP99Error,
    services: r.services,
    overhead: r.overhead,
    roundTripFits: r.roundTripFits,
    twinInputs: r.twinInputs,
    ...(maxError !== undefined ? { maxGoodputError: maxError } : {}),
    ...(maxP99Error !== undefined ? { maxP99Error } : {}),
    ...(maxError !== undefined || maxP99Error !== undefined ? { pass: passGoodput && passP99 } : {}),
    cells: r.cells.map((c) => ({
      policy: c.policy,
      load: c.load,
      goodputError: c.goodputError,
      rows: c.rows,
      simTotals: c.sim.totals,
      measuredTotals: c.measured.totals,
      measuredNotes: c.measured.notes,
      twinProfiles: c.twinProfiles,
      twinOverhead: c.twinOverhead,
      roundTrips: c.roundTrips,
    })),
    profiles: r.profiles,
    notes: r.notes,
  });
}
