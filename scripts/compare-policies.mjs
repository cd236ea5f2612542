#!/usr/bin/env node
/**
 * Policy comparison for docs/policies.md: runs each (scenario, policy, seed) through the built
 * simulator (`npm run build` first) and prints one JSON line per run; `table` turns such lines
 * (on stdin) into a markdown table per scenario, per service: SLO attainment (mean over seeds)
 * with the E2E p99 including drops (∞ when more than 1% of requests never finished), and the
 * lowest service's attainment — never the pooled total, which camera frames dominate. Each line
 * also carries per-service outcomes and drop reasons.
 * Scenarios are used as written: nothing here changes load or devices.
 *   node scripts/compare-policies.mjs run <scenario.yaml> <seeds,comma> <policy,comma> >> runs.jsonl
 *   node scripts/compare-policies.mjs table < runs.jsonl
 */
import { loadScenario, formatIssues } from '../dist/scenarios/index.js';
import { simulate } from '../dist/sim/index.js';
import readline from 'node:readline';

const [mode, file, seeds, policies] = process.argv.slice(2);

if (mode === 'run') {
  const r = loadScenario(file);
  if (!r.ok) { process.stderr.write(formatIssues(r.issues)); process.exit(1); }
  for (const seed of seeds.split(',').map(Number)) {
    for (const name of policies.split(',')) {
      const t0 = Date.now();
      const res = simulate(r.value, { seed, policy: { name, params: {} } });
      const perService = Object.fromEntries(Object.entries(res.services).map(([k, s]) => [k, {
        ok: s.ok, late: s.late, dropped: s.dropped, failed: s.failed, attain: s.sloAttainment,
        p99InclDrops: Number.isFinite(s.e2eInclDropsS.p99) ? s.e2eInclDropsS.p99 : 'inf', dropReasons: s.dropReasons,
      }]));
      process.stdout.write(JSON.stringify({ scenario: res.scenario, policy: name, seed, ...res.totals, perService }) + '\n');
      process.stderr.write(`${res.scenario} ${name} seed ${seed}: ${(Date.now() - t0) / 1000}s\n`);
    }
  }
} else if (mode === 'table') {
  const rows = [];
  for await (const line of readline.createInterface({ input: process.stdin })) if (line.trim()) rows.push(JSON.parse(line));
  const groups = new Map();
  for (const r of rows) {
    const k = `${r.scenario}\t${r.policy}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push(r);
  }
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const p99 = (xs) => (xs.some((x) => x === 'inf') ? '∞' : mean(xs).toPrecision(3));
  let scenario = '';
  let services = [];
  for (const [k, rs] of [...groups].sort((a, b) => a[0].split('\t')[0].localeCompare(b[0].split('\t')[0]) || mean(b[1].map((r) => r.minServiceAttainment)) - mean(a[1].map((r) => r.minServiceAttainment)))) {
    const [sc, pol] = k.split('\t');
    if (sc !== scenario) {
      scenario = sc;
      services = Object.keys(rs[0].perService);
      process.stdout.write(`\n**${sc}** (${rs.length} seeds; SLO attainment, in brackets E2E p99 including drops, s)\n\n| policy | lowest service | failed | ${services.join(' | ')} |\n|${'---|'.repeat(services.length + 3)}\n`);
    }
    const cells = services.map((s) => `${(100 * mean(rs.map((r) => r.perService[s].attain))).toFixed(0)}% (${p99(rs.map((r) => r.perService[s].p99InclDrops))})`);
    process.stdout.write(`| ${pol} | ${(100 * mean(rs.map((r) => r.minServiceAttainment))).toFixed(0)}% | ${mean(rs.map((r) => r.failed)).toFixed(0)} | ${cells.join(' | ')} |\n`);
  }
}
