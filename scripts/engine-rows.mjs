#!/usr/bin/env node
// Prints the engine's error on every shared batched LLM row (docs/sim-models.md) and the global
// fit of the default efficiencies. Usage: npx tsc -b && node scripts/engine-rows.mjs [profilesDir] [--fit]
import { loadSharedRows } from '../dist/cli/bench/batched-rows.js';
import { globalFit, median, rowErrors } from '../dist/cli/bench/engine-rows.js';

const dir = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? '../shared/profiles';
const { rows, skipped } = loadSharedRows(dir);
const pct = (x) => `${(100 * x).toFixed(1)}%`;
if (process.argv.includes('--fit')) {
  const g = globalFit(rows);
  console.log(`global fit: etaBw ${g.efficiency.etaBw.toFixed(3)} etaPrefill ${g.efficiency.etaPrefill.toFixed(3)} etaDecode ${g.efficiency.etaDecode.toFixed(3)} overhead ${g.efficiency.overheadS} s; median |error| ${pct(g.medianError)} (depth-0 not-fitted rows, step-cost prediction)`);
}
const errs = rowErrors(rows);
for (const [title, set] of [['Fitted rows (catalog pairs, per-pair calibration)', errs.filter((e) => e.fitted)], ['Not-fitted rows (default efficiencies)', errs.filter((e) => !e.fitted)]]) {
  console.log(`\n### ${title}\n`);
  console.log('| row | device | model | measure | batch | published | simulated | error |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const e of set) {
    console.log(`| ${e.where} | ${e.device} | ${e.model.slice(0, 40)} | ${e.measure} | ${e.batch} | ${e.published.toFixed(1)} | ${e.simulated.toFixed(1)} | ${pct(e.error)} |`);
  }
}
console.log('');
const abs = (xs) => xs.map((e) => Math.abs(e.error));
for (const [name, set] of [['fitted', errs.filter((e) => e.fitted)], ['not fitted', errs.filter((e) => !e.fitted)], ['all', errs]]) {
  const a = abs(set);
  console.log(`${name}: ${set.length} rows, median |error| ${pct(median(a))}, worst ${pct(Math.max(...a))}`);
}
for (const s of skipped) console.log(`skipped ${s.where}: ${s.why}`);

// The done-when figures (closed-loop runs, sim/models/llm/closed-loop-run.ts).
const { runClosedLoop } = await import('../dist/sim/models/llm/closed-loop-run.js');
const { DEVICE_CATALOG } = await import('../dist/scenarios/catalog/devices.js');
const { MODEL_CATALOG } = await import('../dist/scenarios/catalog/models.js');
const m8 = MODEL_CATALOG['llama-3.1-8b-q4'];
const run = (dev, c, p, o, extra = {}) => runClosedLoop({ spec: DEVICE_CATALOG[dev], model: m8, concurrency: c, promptTokens: p, outputTokens: o, horizonS: 300, ...extra });
const orin1 = run('jetson-agx-orin-64gb', 1, 2048, 128);
const orin8 = run('jetson-agx-orin-64gb', 8, 2048, 128);
console.log(`\ndone-when: orin c=1 ${orin1.outputTokPerS.toFixed(2)} tok/s (published 28.14, ${pct(orin1.outputTokPerS / 28.14 - 1)}); c=8 ${orin8.outputTokPerS.toFixed(2)} (published 112.33, ${pct(orin8.outputTokPerS / 112.33 - 1)})`);
const r1 = run('rtx-4090', 1, 1024, 128);
const r64 = run('rtx-4090', 64, 512, 128);
console.log(`done-when: rtx-4090 batch-1 decode ${(1 / r1.result.services.bench.tpotS.mean).toFixed(1)} tok/s (row 127.74); c=64 512/128 ${r64.outputTokPerS.toFixed(1)} tok/s = ${(r64.outputTokPerS / 127.74).toFixed(2)}x`);
const a1 = run('a100-80gb-sxm-x4', 8, 512, 128, { gpus: 1, replicas: 1 });
const a4 = run('a100-80gb-sxm-x4', 32, 512, 128, { gpus: 1, replicas: 4 });
console.log(`done-when: 4xA100 one replica ${a1.outputTokPerS.toFixed(1)} tok/s, four one-GPU replicas ${a4.outputTokPerS.toFixed(1)} tok/s (${(a4.outputTokPerS / a1.outputTokPerS).toFixed(2)}x), lanes busy ${a4.result.engine.lanes.dut.map((b) => b.toFixed(3)).join(' ')}`);
