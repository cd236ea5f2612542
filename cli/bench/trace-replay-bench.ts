/**
 * Trace replay memory: is a trace streamed, or loaded whole? Each measurement runs in its own
 * child process (this file run as a script) so its peak RSS (`maxRSS`) is its own:
 *
 * - `base`: the modules loaded, nothing read — the floor the other figures are compared with;
 * - `real`: the Azure LLM 2023 code trace (8,819 rows) streamed through the trace reader, then
 *   replayed through `simulate` (its chat service alone, horizon covering the whole trace);
 * - `big`: a synthetic 2,000,000-row file in the same format, written to a temp file, streamed
 *   through the reader (peak RSS should stay at `base` level: one 1 MiB chunk at a time), then
 *   simulated over its first 90 s (~9,000 arrivals, as many as the real trace): `simulate` must
 *   read only the rows before its horizon, so its RSS matches the real trace's. With default
 *   heap settings V8 lets garbage (decoded 1 MiB chunks) pile up before collecting, so the `big`
 *   run is repeated with a 24 MB old space: finishing at all proves that rows are not held.
 *
 * The simulator itself keeps one table row per request (struct-of-arrays, ~60 B) and exact latency
 * samples (≤ 24 B per request) by design (exact quantiles, DESIGN.md "Metrics"), so simulating
 * n requests costs O(n) memory even though the arrivals are pulled lazily from the file.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { formatIssues, readScenarioObject, validateScenarioObject } from '../../scenarios/index.js';
import { simulate } from '../../sim/index.js';
import { replayCount, traceSummary } from '../../traces/index.js';
import { PROJECT_ROOT } from './model-bench.js';

export const REAL_TRACE = path.join(PROJECT_ROOT, 'traces/data/azure-llm-2023-code.csv');
const BASE_SCENARIO = path.join(PROJECT_ROOT, 'scenarios/default-trace.yaml');
const BIG_ROWS = 2_000_000;
/** Simulated span of the big file: ~9,000 of its arrivals (as many as the real trace has). */
const BIG_SIM_HORIZON_S = 90;
/** Old-space limit of the capped re-run: well below the 70 MB file. */
const CAPPED_HEAP_MB = 24;

type Mode = 'base' | 'real' | 'big';
interface ChildFigures {
  rows: number;
  simRequests: number;
  seconds: number;
  peakRssMb: number;
}

/** The default trace scenario cut down to its trace-replaying service, over `horizonS`. */
function replayScenario(tracePath: string, horizonS: number): Parameters<typeof simulate>[0] {
  const read = readScenarioObject(BASE_SCENARIO);
  if (!read.ok) throw new Error(formatIssues(read.issues));
  const obj = structuredClone(read.value) as {
    horizon_s: number;
    services: Array<{ arrivals: Record<string, unknown> }>;
  };
  const chat = obj.services.find((s) => s.arrivals['process'] === 'trace');
  if (chat === undefined) throw new Error(`${BASE_SCENARIO} has no trace service`);
  chat.arrivals['path'] = tracePath;
  obj.services = [chat];
  obj.horizon_s = horizonS;
  const checked = validateScenarioObject(obj, BASE_SCENARIO);
  if (!checked.ok) throw new Error(formatIssues(checked.issues));
  return checked.value;
}

/** Horizon that covers the whole real trace (its last arrival, plus time to drain). */
function realHorizonS(): number {
  return Math.ceil(traceSummary(REAL_TRACE, 'azure-llm-2023').lastS) + 60;
}

/** The child side: one measurement, figures as JSON on stdout. */
function child(mode: Mode, file: string): ChildFigures {
  const t0 = performance.now();
  let rows = 0;
  let simRequests = 0;
  if (mode !== 'base') {
    rows = replayCount(file, 'azure-llm-2023');
    simRequests = simulate(replayScenario(file, mode === 'real' ? realHorizonS() : BIG_SIM_HORIZON_S)).totals.offered;
  }
  const seconds = (performance.now() - t0) / 1000;
  // maxRSS is in kilobytes.
  return { rows, simRequests, seconds, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) };
}

function runChild(mode: Mode, file: string, nodeArgs: readonly string[] = []): ChildFigures {
  const r = spawnSync(process.execPath, [...nodeArgs, fileURLToPath(import.meta.url), mode, file], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`trace replay bench (${mode}) failed: ${r.stderr.trim()}`);
  return JSON.parse(r.stdout) as ChildFigures;
}

/** `YYYY-MM-DD HH:MM:SS.fffffff` for `us` microseconds after 2023-11-16 00:00 (stays in that day). */
function azureTimestamp(us: number): string {
  const s = Math.floor(us / 1e6);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `2023-11-16 ${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}.${String(us % 1e6).padStart(6, '0')}0`;
}

/**
 * Writes `rows` rows in the Azure LLM 2023 format: ~100 requests/s with deterministic jitter
 * (times strictly increasing), varied token counts. 2 M rows ≈ 75 MB, 5.6 simulated hours.
 */
export function writeSyntheticAzureTrace(file: string, rows: number): void {
  const fd = fs.openSync(file, 'w');
  try {
    let chunk = 'TIMESTAMP,ContextTokens,GeneratedTokens\n';
    for (let i = 0; i < rows; i++) {
      chunk += `${azureTimestamp(i * 10_000 + ((i * 7919) % 5000))},${100 + ((i * 37) % 4000)},${5 + ((i * 13) % 500)}\n`;
      if (chunk.length > 1 << 20) {
        fs.writeSync(fd, chunk);
        chunk = '';
      }
    }
    fs.writeSync(fd, chunk);
  } finally {
    fs.closeSync(fd);
  }
}

export async function traceReplayBench(log: (msg: string) => void): Promise<Record<string, number>> {
  log('trace replay: module floor, then the Azure 2023 code trace through the reader and simulate…');
  const base = runChild('base', REAL_TRACE);
  const real = runChild('real', REAL_TRACE);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parasim-trace-bench-'));
  try {
    const big = path.join(dir, 'azure-llm-2023-synthetic.csv');
    log(`trace replay: writing a ${BIG_ROWS.toLocaleString('en-US')}-row synthetic trace and streaming it…`);
    writeSyntheticAzureTrace(big, BIG_ROWS);
    const bigFigures = runChild('big', big);
    // Proof of streaming that does not depend on when V8 chooses to collect: the same run in a
    // heap much smaller than the file fails with an out-of-memory error if rows are held.
    const capped = runChild('big', big, [`--max-old-space-size=${CAPPED_HEAP_MB}`]);
    return {
      traceReplayRows: real.rows,
      traceReplaySimRequests: real.simRequests,
      traceReplayPeakRssMb: real.peakRssMb,
      traceReplayBaseRssMb: base.peakRssMb,
      traceReplayBigRows: bigFigures.rows,
      traceReplayBigFileMb: Math.round(fs.statSync(big).size / (1 << 20)),
      traceReplayBigPeakRssMb: bigFigures.peakRssMb,
      traceReplayBigSimRequests: bigFigures.simRequests,
      traceReplayBigCappedHeapMb: CAPPED_HEAP_MB,
      traceReplayBigCappedPeakRssMb: capped.peakRssMb,
      traceReplayBigSeconds: Number(bigFigures.seconds.toFixed(2)),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [mode, file] = process.argv.slice(2) as [Mode, string];
  process.stdout.write(`${JSON.stringify(child(mode, file))}\n`);
}
