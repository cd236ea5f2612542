#!/usr/bin/env node
// Prints the engine's error on every shared batched LLM row (docs/sim-models.md) and the global
// fit of the default efficiencies. Usage: npx tsc -b && node scripts/engine-rows.mjs [profilesDir] [--fit]
import { loadSharedRows } from '../dist/cli/bench/batched-rows.js';
import { globalFit, median, rowErrors } from '../dist/cli/bench/engine-rows.js';

const dir = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? '../shared/profiles';
const { rows, skipped } = loadSharedRows(dir);
if (process.argv.includes('--fit')) {
  const g = globalFit(rows);
  console.log(`global fit: etaBw ${g.efficiency.etaBw.toFixed(3)} etaPrefill ${g.efficiency.etaPrefill.toFixed(3)} etaDecode ${g.efficiency.etaDecode.toFixed(3)} overhead ${g.efficiency.overheadS} s; mean |log error| ${g.meanAbsLogError.toFixed(3)}`);
}
const errs = rowErrors(rows);
const pct = (x) => `${(100 * x).toFixed(1)}%`;
console.log('| row | device | model | measure | batch | published | simulated | error |');
console.log('|---|---|---|---|---|---|---|---|');
for (const e of errs) {
  console.log(`| ${e.where}${e.fitted ? ' (fitted)' : ''} | ${e.device} | ${e.model.slice(0, 40)} | ${e.measure} | ${e.batch} | ${e.published.toFixed(1)} | ${e.simulated.toFixed(1)} | ${pct(e.error)} |`);
}
const abs = (xs) => xs.map((e) => Math.abs(e.error));
for (const [name, set] of [['fitted', errs.filter((e) => e.fitted)], ['not fitted', errs.filter((e) => !e.fitted)], ['all', errs]]) {
  const a = abs(set);
  console.log(`${name}: ${set.length} rows, median |error| ${pct(median(a))}, worst ${pct(Math.max(...a))}`);
}
for (const s of skipped) console.log(`skipped ${s.where}: ${s.why}`);
