#!/usr/bin/env node
// The error of the LLM model on every mapped shared row (scenarios/calibration/*.csv), through the
// very code `parasim calibrate` runs: the tables of docs/fidelity.md and docs/engine-rows.md.
// Rows are split into fitted (the (device, model) pair has profile rows in the catalog, so the
// engine calibrates the pair on them) and not fitted (the default efficiencies).
// Usage: npx tsc -b && node scripts/fidelity-report.mjs [--rows] [--fit] [--holdout] [--done-when]
//   --rows     every compared figure, fitted and not fitted apart (docs/engine-rows.md)
//   --fit      re-derive the default efficiencies (sim/calibrate/fit-defaults.ts)
//   --holdout  fit on half of the devices, report the error on the other half (by device)
//   --holdout-each  leave one device out: each device predicted by the fit on all the others (slow: one fit per device)
//   --done-when  issue #12's closed-loop figures (Orin c=1/c=8, RTX 4090 overload, 4×A100 replicas)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinCatalog, formatIssues, loadCatalogFile } from '../dist/scenarios/index.js';
import {
  calibrate,
  defaultsPoints,
  fitFrameworkDefaults,
  holdOutByDevice,
  holdOutEachDevice,
  median,
  parseCalibrationRows,
  pointErrors,
} from '../dist/sim/index.js';
import {
  DEFAULT_EFFICIENCY,
  FRAMEWORK_EFFICIENCY,
  calibrate as pairCalibration,
} from '../dist/sim/models/llm/calibrate.js';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIR = path.join(ROOT, 'scenarios', 'calibration');
const TABLES = ['llm-batch1.csv', 'llm-batched.csv', 'llm-prefill.csv', 'split-multidevice.csv'];
const args = process.argv.slice(2);

const cat = loadCatalogFile(path.join(DIR, 'catalog.yaml'), builtinCatalog());
if (!cat.ok) {
  console.error(formatIssues(cat.issues));
  process.exit(1);
}
const catalog = cat.value;

/** Every compared figure with its table, its row and whether its pair was fitted. */
const figures = [];
const allRows = [];
for (const t of TABLES) {
  const file = path.join(DIR, t);
  const parsed = parseCalibrationRows(fs.readFileSync(file, 'utf8'), file, catalog);
  if (!parsed.ok) {
    console.error(formatIssues(parsed.issues));
    process.exit(1);
  }
  allRows.push(...parsed.value);
  const byLine = new Map(parsed.value.map((r) => [r.line, r]));
  const rep = calibrate(parsed.value, catalog, file);
  for (const c of rep.rows) {
    const row = byLine.get(c.line);
    const model = catalog.models[row.modelKey];
    const fitted = row.devices.some((d) => pairCalibration(model, catalog.devices[d]).source === 'profile');
    figures.push({ ...c, table: t.replace('.csv', ''), row, fitted });
  }
}

const pct = (x) => (x === null || Number.isNaN(x) ? '-' : `${(100 * x).toFixed(1)} %`);
const absErr = (fs_) => fs_.map((f) => Math.abs(f.relError));
const line = (name, set) => {
  const a = absErr(set);
  const n10 = a.filter((x) => x <= 0.1).length;
  const n25 = a.filter((x) => x <= 0.25).length;
  return `| ${name} | ${set.length} | ${pct(median(a))} | ${n10} | ${n25} | ${set.length - n25} |`;
};
const groups = [
  ['all tables', () => true],
  ['one device, decode, batch 1', (f) => f.nodes === 1 && f.metric === 'decode_tok_s' && f.batch === 1],
  ['one device, decode, batch > 1', (f) => f.nodes === 1 && f.metric === 'decode_tok_s' && f.batch > 1],
  ['one device, prefill', (f) => f.nodes === 1 && f.metric === 'prefill_tok_s'],
  ['several devices, tensor parallel (decode)', (f) => f.parallelism === 'tp' && f.metric === 'decode_tok_s'],
  ['several devices, pipeline (decode)', (f) => f.parallelism === 'pp' && f.metric === 'decode_tok_s'],
  ['**several devices, decode**', (f) => f.nodes > 1 && f.metric === 'decode_tok_s'],
  ['fitted pairs (catalog profile rows)', (f) => f.fitted],
  ['not fitted (default efficiencies)', (f) => !f.fitted],
];
console.log('| group | figures | median \\|error\\| | ≤ 10 % | ≤ 25 % | > 25 % |');
console.log('|---|---|---|---|---|---|');
for (const [name, keep] of groups) console.log(line(name, figures.filter(keep)));
for (const t of TABLES.map((x) => x.replace('.csv', '')))
  console.log(
    line(
      `table ${t}`,
      figures.filter((f) => f.table === t),
    ),
  );
// Issue #12's "shared batched rows": llm.csv at batch > 1 + batched/llm-batched.csv (→ llm-batched)
// and batched/llm-prefill.csv (→ llm-prefill).
const batched = figures.filter((f) => f.table === 'llm-batched' || f.table === 'llm-prefill');
console.log(line('issue #12 batched rows, all', batched));
console.log(
  line(
    'issue #12 batched rows, fitted',
    batched.filter((f) => f.fitted),
  ),
);
console.log(
  line(
    'issue #12 batched rows, not fitted',
    batched.filter((f) => !f.fitted),
  ),
);
const frameworks = [...new Set(figures.map((f) => f.row.framework ?? 'generic'))].sort();
for (const fw of frameworks) {
  for (const metric of ['prefill_tok_s', 'decode_tok_s']) {
    const set = figures.filter((f) => (f.row.framework ?? 'generic') === fw && f.metric === metric);
    if (set.length > 0) console.log(line(`framework ${fw}, ${metric}`, set));
  }
}

if (args.includes('--rows')) {
  for (const [title, keep] of [
    ['Fitted rows (catalog pairs, per-pair calibration)', (f) => f.fitted],
    ['Not-fitted rows (default efficiencies)', (f) => !f.fitted],
  ]) {
    console.log(`\n### ${title}\n`);
    console.log(
      '| table:line | device | model | framework | metric | batch | prompt | published | simulated | error |',
    );
    console.log('|---|---|---|---|---|---|---|---|---|---|');
    for (const f of figures.filter(keep)) {
      console.log(
        `| ${f.table}:${f.line} | ${f.device_key} | ${f.model_key} | ${f.row.framework ?? 'generic'} | ${f.metric}${f.row.closedLoop ? ' (closed loop)' : ''} | ${f.batch} | ${f.row.promptTokens} | ${f.published} | ${f.simulated} | ${pct(f.relError)} |`,
      );
    }
  }
}

const medianAll = median(absErr(figures));
const multi = median(absErr(figures.filter((f) => f.nodes > 1 && f.metric === 'decode_tok_s')));
console.log(`\nfidelity-medians: all=${(100 * medianAll).toFixed(1)} multi-device-decode=${(100 * multi).toFixed(1)}`);

const fmtEff = (e) =>
  `etaBw ${e.etaBw.toPrecision(3)} etaPrefill ${e.etaPrefill.toPrecision(3)} etaDecode ${e.etaDecode.toPrecision(3)} overhead ${(e.overheadS * 1e3).toPrecision(3)} ms`;
if (args.includes('--fit') || args.includes('--holdout') || args.includes('--holdout-each')) {
  const points = defaultsPoints(allRows, catalog);
  console.log(
    `\ndefaults in use: step-cost median |error| on ${points.length} not-fitted one-device figures ${pct(median(pointErrors(points, FRAMEWORK_EFFICIENCY)))}`,
  );
  for (const [f, e] of Object.entries(FRAMEWORK_EFFICIENCY))
    console.log(`  ${f}: ${fmtEff(e)} (${points.filter((p) => p.framework === f).length} points)`);
  if (args.includes('--fit')) {
    const g = fitFrameworkDefaults(points, DEFAULT_EFFICIENCY);
    console.log(`fit: median |error| ${pct(median(pointErrors(points, g)))}`);
    for (const [f, e] of Object.entries(g))
      console.log(
        `  '${f}': { etaBw: ${e.etaBw.toPrecision(3)}, etaPrefill: ${e.etaPrefill.toPrecision(3)}, etaDecode: ${e.etaDecode.toPrecision(3)}, overheadS: ${e.overheadS.toPrecision(3)} },`,
      );
  }
  if (args.includes('--holdout')) {
    const h = holdOutByDevice(points, DEFAULT_EFFICIENCY);
    console.log(`hold-out by device: half A (${h.halves[0].join(', ')})`);
    console.log(`                    half B (${h.halves[1].join(', ')})`);
    console.log(
      `  A predicted by the fit on B: ${pct(h.outOfSample[0])}; B by the fit on A: ${pct(h.outOfSample[1])}; all, out of sample: ${pct(h.outOfSampleAll)}; in sample: ${pct(h.inSample)}`,
    );
  }
  if (args.includes('--holdout-each')) {
    const h = holdOutEachDevice(points, DEFAULT_EFFICIENCY);
    for (const [d, e] of Object.entries(h.byDevice))
      console.log(`  ${d}: ${pct(e)} (${points.filter((p) => p.device === d).length} points)`);
    console.log(`leave one device out: all, out of sample: ${pct(h.outOfSampleAll)}`);
  }
}

// Issue #12's done-when figures (closed-loop runs, sim/models/llm/closed-loop-run.ts); asserted by
// test/sim/engine.test.ts.
if (args.includes('--done-when')) {
  const { runClosedLoop } = await import('../dist/sim/models/llm/closed-loop-run.js');
  const m8 = catalog.models['llama-3.1-8b-q4'];
  const run = (dev, c, p, o, extra = {}) =>
    runClosedLoop({
      spec: catalog.devices[dev],
      model: m8,
      concurrency: c,
      promptTokens: p,
      outputTokens: o,
      horizonS: 300,
      ...extra,
    });
  const orin1 = run('jetson-agx-orin-64gb', 1, 2048, 128);
  const orin8 = run('jetson-agx-orin-64gb', 8, 2048, 128);
  console.log(
    `\ndone-when: orin c=1 ${orin1.outputTokPerS.toFixed(2)} tok/s (published 28.14, ${pct(orin1.outputTokPerS / 28.14 - 1)}); c=8 ${orin8.outputTokPerS.toFixed(2)} (published 112.33, ${pct(orin8.outputTokPerS / 112.33 - 1)})`,
  );
  const r1 = run('rtx-4090', 1, 1024, 128);
  const r64 = run('rtx-4090', 64, 512, 128);
  console.log(
    `done-when: rtx-4090 batch-1 decode ${(1 / r1.result.services.bench.tpotS.mean).toFixed(1)} tok/s (row 127.74); c=64 512/128 ${r64.outputTokPerS.toFixed(1)} tok/s = ${(r64.outputTokPerS / 127.74).toFixed(2)}x`,
  );
  const a1 = run('a100-80gb-sxm-x4', 8, 512, 128, { gpus: 1, replicas: 1 });
  const a4 = run('a100-80gb-sxm-x4', 32, 512, 128, { gpus: 1, replicas: 4 });
  console.log(
    `done-when: 4xA100 one replica ${a1.outputTokPerS.toFixed(1)} tok/s, four one-GPU replicas ${a4.outputTokPerS.toFixed(1)} tok/s (${(a4.outputTokPerS / a1.outputTokPerS).toFixed(2)}x)`,
  );
}
