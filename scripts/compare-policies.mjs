#!/usr/bin/env node
/**
 * Policy comparison for docs/policies.md: runs each (scenario, policy, seed) through the built
 * simulator (`npx tsc -b` first) and prints one JSON line per run; `table` turns such lines (on
 * stdin) into one table per scenario (SLO attainment per service, E2E p99 including drops, the
 * lowest service's attainment — never the pooled total), `services` into one table per
 * (scenario, service): goodput and SLO attainment as mean ± 95% confidence half-width over the
 * seeds (Student t), requests late, and drops by reason. Scenarios are used as written: nothing
 * here changes load or devices. A policy may carry parameters, `name:key=value,key=value` (the
 * label keeps them, so `epara` and `epara:gpu_sharing=false` are separate rows).
 *   node scripts/compare-policies.mjs run <scenario.yaml> <seeds,comma> <policy;policy> >> runs.jsonl
 *   node scripts/compare-policies.mjs services < runs.jsonl
 *   node scripts/compare-policies.mjs table < runs.jsonl
 *   node scripts/compare-policies.mjs lowest < runs.jsonl   (lowest service per scenario)
 * Policies are separated by `;` (a parameter list uses commas). Reproduce docs/policies.md with
 * scripts/fair-comparison.sh.
 */
import { loadScenario, formatIssues } from '../dist/scenarios/index.js';
import { simulate } from '../dist/sim/index.js';
import readline from 'node:readline';

const [mode, file, seeds, policies] = process.argv.slice(2);

function parsePolicy(spec) {
  const [name, rest] = spec.split(':');
  const params = {};
  for (const kv of (rest ?? '').split(',').filter(Boolean)) {
    const [k, v] = kv.split('=');
    params[k] = v === 'true' ? true : v === 'false' ? false : Number.isNaN(Number(v)) ? v : Number(v);
  }
  return { name, params, label: spec };
}

async function readRows() {
  const rows = [];
  for await (const line of readline.createInterface({ input: process.stdin }))
    if (line.trim()) rows.push(JSON.parse(line));
  return rows;
}

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
/** Two-sided 95% Student t quantiles for n − 1 degrees of freedom (n ≤ 10; normal beyond). */
const T95 = [NaN, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262];
function ci95(xs) {
  if (xs.length < 2) return 0;
  const s = Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1));
  return ((T95[xs.length - 1] ?? 1.96) * s) / Math.sqrt(xs.length);
}

if (mode === 'run') {
  const r = loadScenario(file);
  if (!r.ok) {
    process.stderr.write(formatIssues(r.issues));
    process.exit(1);
  }
  for (const seed of seeds.split(',').map(Number)) {
    for (const spec of policies.split(';')) {
      const p = parsePolicy(spec);
      const t0 = Date.now();
      const res = simulate(r.value, { seed, policy: { name: p.name, params: p.params } });
      let p99 = 0;
      for (const s of Object.values(res.services)) if (s.e2eS.count > 0) p99 = Math.max(p99, s.e2eS.p99);
      const perService = Object.fromEntries(
        Object.entries(res.services).map(([k, s]) => [
          k,
          {
            offered: s.offered,
            ok: s.ok,
            late: s.late,
            dropped: s.dropped,
            failed: s.failed,
            goodputRps: s.goodputRps,
            attain: s.sloAttainment,
            p99: s.e2eS.p99,
            p99InclDrops: Number.isFinite(s.e2eInclDropsS.p99) ? s.e2eInclDropsS.p99 : 'inf',
            dropReasons: s.dropReasons,
          },
        ]),
      );
      const loads = res.placementChanges.filter((c) => c.action === 'load');
      // The splits the policy loaded (devices+peers[first,end) per stage, @share, ×micro-batches), counted per service.
      const splits = {};
      for (const c of loads) {
        const key =
          (c.stages ?? [])
            .map(
              (s) =>
                `${[s.device, ...(s.peers ?? [])].join('+')}[${s.firstLayer},${s.endLayer})${s.gpuFraction !== undefined ? `@${s.gpuFraction}` : ''}`,
            )
            .join('>') + (c.microBatches ? ` mb${c.microBatches}` : '');
        splits[c.service] ??= {};
        splits[c.service][key] = (splits[c.service][key] ?? 0) + 1;
      }
      process.stdout.write(
        JSON.stringify({
          scenario: res.scenario,
          policy: p.label,
          seed,
          ...res.totals,
          p99WorstServiceE2eS: p99,
          loads: loads.length,
          perService,
          splits,
          notes: res.notes.slice(0, 5),
        }) + '\n',
      );
      process.stderr.write(`${res.scenario} ${p.label} seed ${seed}: ${(Date.now() - t0) / 1000}s\n`);
    }
  }
} else if (mode === 'table') {
  const rows = [];
  for await (const line of readline.createInterface({ input: process.stdin }))
    if (line.trim()) rows.push(JSON.parse(line));
  const groups = new Map();
  for (const r of rows) {
    const k = `${r.scenario}\t${r.policy}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push(r);
  }
  const p99 = (xs) => (xs.some((x) => x === 'inf') ? '∞' : mean(xs).toPrecision(3));
  let scenario = '';
  let services = [];
  for (const [k, rs] of [...groups].sort(
    (a, b) =>
      a[0].split('\t')[0].localeCompare(b[0].split('\t')[0]) ||
      mean(b[1].map((r) => r.minServiceAttainment)) - mean(a[1].map((r) => r.minServiceAttainment)),
  )) {
    const [sc, pol] = k.split('\t');
    if (sc !== scenario) {
      scenario = sc;
      services = Object.keys(rs[0].perService);
      process.stdout.write(
        `\n**${sc}** (${rs.length} seeds; SLO attainment, in brackets E2E p99 including drops, s)\n\n| policy | lowest service | failed | ${services.join(' | ')} |\n|${'---|'.repeat(services.length + 3)}\n`,
      );
    }
    const cells = services.map(
      (s) =>
        `${(100 * mean(rs.map((r) => r.perService[s].attain))).toFixed(0)}% (${p99(rs.map((r) => r.perService[s].p99InclDrops))})`,
    );
    process.stdout.write(
      `| ${pol} | ${(100 * mean(rs.map((r) => r.minServiceAttainment))).toFixed(0)}% | ${mean(rs.map((r) => r.failed)).toFixed(0)} | ${cells.join(' | ')} |\n`,
    );
  }
} else if (mode === 'lowest') {
  // One row per policy: its lowest service's SLO attainment per scenario (mean over seeds) and instance loads per run.
  const rows = await readRows();
  const scenarios = [...new Set(rows.map((r) => r.scenario))].sort();
  const policyNames = [...new Set(rows.map((r) => r.policy))];
  process.stdout.write(
    `| policy | ${scenarios.map((s) => `${s}: lowest service (loads)`).join(' | ')} |\n|---|${scenarios.map(() => '---|').join('')}\n`,
  );
  for (const pol of policyNames) {
    const cells = scenarios.map((sc) => {
      const rs = rows.filter((r) => r.scenario === sc && r.policy === pol);
      if (rs.length === 0) return '—';
      const low = rs.map((r) => 100 * r.minServiceAttainment);
      return `${mean(low).toFixed(1)}% ± ${ci95(low).toFixed(1)} (${mean(rs.map((r) => r.loads)).toFixed(0)})`;
    });
    process.stdout.write(`| ${pol} | ${cells.join(' | ')} |\n`);
  }
} else if (mode === 'services') {
  const rows = await readRows();
  const scenarios = [...new Set(rows.map((r) => r.scenario))].sort();
  for (const sc of scenarios) {
    const mine = rows.filter((r) => r.scenario === sc);
    const services = Object.keys(mine[0].perService);
    const policyNames = [...new Set(mine.map((r) => r.policy))];
    for (const svc of services) {
      const offered = mean(mine.map((r) => r.perService[svc].offered));
      process.stdout.write(
        `\n**${sc} › ${svc}** (offered ≈ ${offered.toFixed(0)} requests; ${mine.length / policyNames.length} seeds; ± = 95% CI)\n\n`,
      );
      process.stdout.write(
        '| policy | goodput (req/s) | SLO attainment | late | dropped (by reason) | failed | unfinished |\n|---|---|---|---|---|---|---|\n',
      );
      const lines = policyNames.map((pol) => {
        const rs = mine.filter((r) => r.policy === pol).map((r) => r.perService[svc]);
        const g = rs.map((s) => s.goodputRps);
        const a = rs.map((s) => 100 * s.attain);
        const reasons = {};
        for (const s of rs)
          for (const [k, v] of Object.entries(s.dropReasons ?? {})) reasons[k] = (reasons[k] ?? 0) + v / rs.length;
        const why = Object.entries(reasons)
          .filter(([, v]) => v >= 0.5)
          .sort((x, y) => y[1] - x[1])
          .map(([k, v]) => `${k} ${v.toFixed(0)}`)
          .join(', ');
        const dropped = mean(rs.map((s) => s.dropped));
        return {
          att: mean(a),
          text: `| ${pol} | ${mean(g).toFixed(2)} ± ${ci95(g).toFixed(2)} | ${mean(a).toFixed(1)}% ± ${ci95(a).toFixed(1)} | ${mean(rs.map((s) => s.late)).toFixed(0)} | ${dropped.toFixed(0)}${why ? ` (${why})` : ''} | ${mean(rs.map((s) => s.failed)).toFixed(0)} | ${mean(rs.map((s) => s.offered - s.ok - s.late - s.dropped - s.failed)).toFixed(0)} |\n`,
        };
      });
      for (const l of lines.sort((x, y) => y.att - x.att)) process.stdout.write(l.text);
    }
  }
}
