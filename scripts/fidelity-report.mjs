#!/usr/bin/env node
// The error of the LLM model on every mapped shared row (scenarios/calibration/*.csv), through the
// very code `parasim calibrate` runs: the tables of docs/fidelity.md and docs/engine-rows.md.
// Rows are split into fitted (the (device, model) pair has profile rows in the catalog, so the
// engine calibrates the pair on them) and not fitted (the default efficiencies).
// Usage: npx tsc -b && node scripts/fidelity-report.mjs [--rows] [--fit] [--holdout]
//   --rows     every compared figure, fitted and not fitted apart (docs/engine-rows.md)
//   --fit      re-derive the default efficiencies per framework (sim/models/llm/fit-defaults.ts)
//   --holdout  fit on half of the devices, report the error on the other half (by device)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinCatalog, formatIssues, loadCatalogFile } from '../dist/scenarios/index.js';
import { calibrate, median, parseCalibrationRows } from '../dist/sim/index.js';
import { calibrate as pairCalibration } from '../dist/sim/models/llm/calibrate.js';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIR = path.join(ROOT, 'scenarios', 'calibration');
const TABLES = ['llm-batch1.csv', 'llm-batched.csv', 'llm-prefill.csv', 'split-multidevice.csv'];
const args = process.argv.slice(2);

const cat = loadCatalogFile(path.join(DIR, 'catalog.yaml'), builtinCatalog());
if (!cat.ok) { console.error(formatIssues(cat.issues)); process.exit(1); }
const catalog = cat.value;

/** Every compared figure with its table, its row and whether its pair was fitted. */
const figures = [];
for (const t of TABLES) {
  const file = path.join(DIR, t);
  const parsed = parseCalibrationRows(fs.readFileSync(file, 'utf8'), file, catalog);
  if (!parsed.ok) { console.error(formatIssues(parsed.issues)); process.exit(1); }
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
for (const t of TABLES.map((x) => x.replace('.csv', ''))) console.log(line(`table ${t}`, figures.filter((f) => f.table === t)));
const frameworks = [...new Set(figures.map((f) => f.row.framework ?? 'generic'))].sort();
for (const fw of frameworks) {
  for (const metric of ['prefill_tok_s', 'decode_tok_s']) {
    const set = figures.filter((f) => (f.row.framework ?? 'generic') === fw && f.metric === metric);
    if (set.length > 0) console.log(line(`framework ${fw}, ${metric}`, set));
  }
}

if (args.includes('--rows')) {
  for (const [title, keep] of [['Fitted rows (catalog pairs, per-pair calibration)', (f) => f.fitted], ['Not-fitted rows (default efficiencies)', (f) => !f.fitted]]) {
    console.log(`\n### ${title}\n`);
    console.log('| table:line | device | model | framework | metric | batch | prompt | published | simulated | error |');
    console.log('|---|---|---|---|---|---|---|---|---|---|');
    for (const f of figures.filter(keep)) {
      console.log(`| ${f.table}:${f.line} | ${f.device_key} | ${f.model_key} | ${f.row.framework ?? 'generic'} | ${f.metric}${f.row.closedLoop ? ' (closed loop)' : ''} | ${f.batch} | ${f.row.promptTokens} | ${f.published} | ${f.simulated} | ${pct(f.relError)} |`);
    }
  }
}

const medianAll = median(absErr(figures));
const multi = median(absErr(figures.filter((f) => f.nodes > 1 && f.metric === 'decode_tok_s')));
console.log(`\nfidelity-medians: all=${(100 * medianAll).toFixed(1)} multi-device-decode=${(100 * multi).toFixed(1)}`);
