/**
 * Whole-model figures on scenarios/bench-large.yaml, run in a child process so that its peak
 * RSS is the model's own, not the bench harness's.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { loadScenario, formatIssues } from '../../scenarios/index.js';
import { simulate } from '../../sim/index.js';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const BENCH_LARGE = path.join(PROJECT_ROOT, 'scenarios/bench-large.yaml');

export interface ModelFigures {
  readonly modelScenario: string;
  readonly modelRequests: number;
  readonly modelRequestsPerSec: number;
  readonly modelWallSeconds: number;
  readonly modelPeakRssMb: number;
}

/** Runs the model in this process (the child side). */
export function modelBenchInProcess(file = BENCH_LARGE): ModelFigures {
  const loaded = loadScenario(file);
  if (!loaded.ok) throw new Error(formatIssues(loaded.issues));
  const t0 = performance.now();
  const result = simulate(loaded.value);
  const wall = (performance.now() - t0) / 1000;
  const requests = result.totals.offered;
  return {
    modelScenario: path.relative(PROJECT_ROOT, file),
    modelRequests: requests,
    modelRequestsPerSec: Math.round(requests / wall),
    modelWallSeconds: Number(wall.toFixed(3)),
    // maxRSS is in kilobytes.
    modelPeakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

/** Runs the model in a fresh child process and returns its figures. */
export function modelBench(cliMain: string, file = BENCH_LARGE): ModelFigures {
  const child = spawnSync(process.execPath, [cliMain, 'bench', '--part', 'model', '--scenario', file], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (child.status !== 0) throw new Error(`model bench failed: ${child.stderr.trim()}`);
  return JSON.parse(child.stdout) as ModelFigures;
}
