#!/usr/bin/env node
/**
 * Per-service SLO attainment against load from a sweep's results file (one JSON line per cell,
 * docs/sweeps.md): one markdown table per service, a row per policy, a column per load, each cell
 * the mean attainment over the seeds. For docs/policies.md; the report command does more.
 *   node scripts/sweep-per-service.mjs out/fair-edge-site-sweep.jsonl
 */
import fs from 'node:fs';

const lines = fs
  .readFileSync(process.argv[2], 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l));
const cells = lines.filter((l) => l.result);
const loads = [...new Set(cells.map((c) => c.cell.load))].sort((a, b) => a - b);
const policies = [...new Set(cells.map((c) => c.cell.policy))];
const services = Object.keys(cells[0].result.services);
for (const svc of services) {
  process.stdout.write(
    `\n**${cells[0].result.scenario} › ${svc}**: SLO attainment (%) by load, mean of ${new Set(cells.map((c) => c.cell.seed)).size} seeds\n\n`,
  );
  process.stdout.write(
    `| policy | ${loads.map((l) => `×${l}`).join(' | ')} |\n|---|${loads.map(() => '---').join('|')}|\n`,
  );
  const rows = policies.map((p) => {
    const vals = loads.map((l) => {
      const xs = cells
        .filter((c) => c.cell.policy === p && c.cell.load === l)
        .map((c) => c.result.services[svc].sloAttainment);
      return xs.length ? (100 * xs.reduce((a, b) => a + b, 0)) / xs.length : NaN;
    });
    return { p, vals };
  });
  rows.sort((a, b) => b.vals.reduce((x, y) => x + y, 0) - a.vals.reduce((x, y) => x + y, 0));
  for (const r of rows) process.stdout.write(`| ${r.p} | ${r.vals.map((v) => v.toFixed(0)).join(' | ')} |\n`);
}
