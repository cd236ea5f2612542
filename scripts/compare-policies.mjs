#!/usr/bin/env node
/**
 * Policy comparison for docs/policies.md: runs each (scenario, policy, seed) through the built
 * simulator (`npm run build` first) and prints one JSON line per run; `--table` turns such lines
 * (on stdin) into the markdown table (mean over seeds of goodput, SLO attainment, dropped and
 * failed requests, p99 E2E). Each line also carries per-service outcomes and drop reasons.
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
      let p99 = 0;
      for (const s of Object.values(res.services)) if (s.e2eS.count > 0) p99 = Math.max(p99, s.e2eS.p99);
      const perService = Object.fromEntries(Object.entries(res.services).map(([k, s]) => [k, { ok: s.ok, late: s.late, dropped: s.dropped, failed: s.failed, attain: s.sloAttainment, p99: s.e2eS.p99, dropReasons: s.dropReasons }]));
      process.stdout.write(JSON.stringify({ scenario: res.scenario, policy: name, seed, ...res.totals, p99WorstServiceE2eS: p99, perService }) + '\n');
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
  const sd = (xs) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));
  let scenario = '';
  for (const [k, rs] of [...groups].sort((a, b) => a[0].split('\t')[0].localeCompare(b[0].split('\t')[0]) || mean(b[1].map((r) => r.goodputRps)) - mean(a[1].map((r) => r.goodputRps)))) {
    const [sc, pol] = k.split('\t');
    if (sc !== scenario) {
      scenario = sc;
      process.stdout.write(`\n**${sc}** (${rs.length} seeds)\n\n| policy | goodput (req/s) | SLO attainment | dropped | failed | p99 E2E, worst service (s) |\n|---|---|---|---|---|---|\n`);
    }
    const g = rs.map((r) => r.goodputRps);
    process.stdout.write(`| ${pol} | ${mean(g).toFixed(1)} ± ${sd(g).toFixed(1)} | ${(100 * mean(rs.map((r) => r.sloAttainment))).toFixed(1)}% | ${mean(rs.map((r) => r.dropped)).toFixed(0)} | ${mean(rs.map((r) => r.failed)).toFixed(0)} | ${mean(rs.map((r) => r.p99WorstServiceE2eS)).toFixed(1)} |\n`);
  }
}
