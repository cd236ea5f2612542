/**
 * Runs a sweep: skips cells already in the output (--resume), runs the rest on the worker pool,
 * appends one complete line per finished cell (a killed sweep leaves a valid file but for at
 * most one partial last line), then rewrites the file in canonical cell order so its bytes do not
 * depend on the worker count or finishing order. Reads no clock: progress goes to a callback and
 * the CLI times it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { canonicalJson } from '../sim/metrics/index.js';
import {
  advance,
  newSearch,
  nextLoads,
  probeAttainments,
  serviceCapacities,
  type CapacitySearch,
  type Probe,
} from './capacity.js';
import { CellPool } from './cell-pool.js';
import {
  coordinatesText,
  duplicateKeys,
  expandGrid,
  gridPoints,
  inShard,
  makeCell,
  type CellInfo,
  type ResolvedCell,
  type Shard,
} from './cells.js';
import {
  errorLineText,
  readResultLines,
  resultLineText,
  writeLinesAtomically,
  type ResultLine,
} from './results-file.js';
import type { Axis, CapacityMode, SweepDefinition } from './sweep-file.js';
import type { CellOutcome, CellTask } from './worker.js';

/** Runs cells: the local worker-thread pool by default, or e.g. a distributed queue (sweeps/queue). */
export interface CellExecutor {
  run(task: CellTask): Promise<CellOutcome>;
  close(): Promise<void>;
}

export interface SweepProgress {
  readonly done: number;
  /** Cells known so far (grows during a capacity search). */
  readonly total: number;
  readonly failed: number;
  /** Finished cells taken from the existing file (--resume). */
  readonly reused: number;
}

export interface SweepRunOptions {
  readonly out: string;
  readonly workers: number;
  readonly resume: boolean;
  readonly shard?: Shard;
  readonly progress?: (p: SweepProgress) => void;
  /** Runs the cells instead of a local pool of `workers` threads; closed when the sweep ends. */
  readonly executor?: CellExecutor;
}

export interface CellFailure {
  readonly index: number;
  readonly coordinates: string;
  readonly message: string;
}

export interface SweepRunSummary {
  readonly out: string;
  readonly cells: number;
  readonly ran: number;
  readonly reused: number;
  readonly failures: readonly CellFailure[];
  /** Capacity mode: where the capacity summary was written. */
  readonly capacityFile?: string;
}

export type SweepRunOutcome =
  { readonly ok: true; readonly summary: SweepRunSummary } | { readonly ok: false; readonly message: string };

type Stored = { readonly resultJson: string; readonly attainment: number } | { readonly message: string };

/** Finished outcomes by key, taken from an existing output file. */
function storedOutcomes(lines: readonly ResultLine[]): Map<string, Stored> {
  const map = new Map<string, Stored>();
  for (const l of lines) {
    if (l.failed) continue; // failed cells run again on resume
    const v = JSON.parse(l.text) as { result: { totals?: { minServiceAttainment?: number } } };
    map.set(l.key, {
      resultJson: JSON.stringify(v.result),
      attainment: v.result.totals?.minServiceAttainment ?? Number.NaN,
    });
  }
  return map;
}

function lineFor(cell: ResolvedCell, info: CellInfo, s: Stored): ResultLine {
  const failed = 'message' in s;
  const text = failed
    ? errorLineText(cell.key, info, `${s.message}  (at grid coordinates ${coordinatesText(info)})`)
    : resultLineText(cell.key, info, s.resultJson);
  return { key: cell.key, cell: info, failed, text };
}

/** Where the capacity summary of `out` goes: `results.jsonl` → `results.capacity.json`. */
export function capacityFileFor(out: string): string {
  return out.endsWith('.jsonl') ? `${out.slice(0, -'.jsonl'.length)}.capacity.json` : `${out}.capacity.json`;
}

class Execution {
  readonly stored: Map<string, Stored>;
  private readonly fd: number;
  private done = 0;
  private failed = 0;
  private reused = 0;
  private known = 0;
  ran = 0;
  constructor(
    private readonly opts: SweepRunOptions,
    private readonly pool: CellExecutor,
    private readonly baseFile: string,
    previous: readonly ResultLine[],
  ) {
    this.stored = storedOutcomes(previous);
    this.fd = fs.openSync(opts.out, 'a');
  }
  /** Runs (or reuses) the cells; `liveInfo` is what the appended line says before the final rewrite. */
  async run(
    cells: readonly ResolvedCell[],
    liveInfo: (c: ResolvedCell) => CellInfo = (c) => c.info,
  ): Promise<Stored[]> {
    this.known += cells.length;
    this.report();
    return Promise.all(
      cells.map(async (cell) => {
        const have = this.stored.get(cell.key);
        if (have !== undefined) {
          this.reused++;
          this.finish(have);
          return have;
        }
        const outcome = await this.pool.run({ scenario: cell.scenario, file: this.baseFile });
        const s: Stored = outcome.ok
          ? { resultJson: outcome.resultJson, attainment: outcome.attainment }
          : { message: outcome.message };
        this.stored.set(cell.key, s);
        this.ran++;
        fs.writeSync(this.fd, `${lineFor(cell, liveInfo(cell), s).text}\n`);
        this.finish(s);
        return s;
      }),
    );
  }
  private finish(s: Stored): void {
    this.done++;
    if ('message' in s) this.failed++;
    this.report();
  }
  private report(): void {
    this.opts.progress?.({ done: this.done, total: this.known, failed: this.failed, reused: this.reused });
  }
  get reusedCount(): number {
    return this.reused;
  }
  close(): void {
    fs.closeSync(this.fd);
  }
}

/** Lines kept from an existing output, or why it cannot be resumed. */
function previousLines(
  def: SweepDefinition,
  opts: SweepRunOptions,
): { ok: true; lines: ResultLine[] } | { ok: false; message: string } {
  if (!fs.existsSync(opts.out)) return { ok: true, lines: [] };
  if (!opts.resume) return { ok: false, message: `${opts.out} exists; use --resume or remove it` };
  const read = readResultLines(opts.out, true);
  if (!read.ok) return read;
  const other = read.lines.find((l) => l.cell.sweep !== def.hash);
  if (other !== undefined) {
    return {
      ok: false,
      message: `${opts.out} holds results of another sweep (${other.cell.sweep}, this one is ${def.hash}); remove it or choose another --out`,
    };
  }
  return { ok: true, lines: [...read.lines] };
}

export async function runSweep(def: SweepDefinition, opts: SweepRunOptions): Promise<SweepRunOutcome> {
  if (def.mode.kind !== 'grid' && opts.shard !== undefined)
    return { ok: false, message: 'goodput-capacity sweeps cannot be sharded (each probe depends on the previous one)' };
  let cells: ResolvedCell[] = [];
  if (def.mode.kind === 'grid') {
    cells = expandGrid(def);
    const dups = duplicateKeys(cells);
    if (dups.length > 0) {
      const [a, b] = dups[0]!;
      return {
        ok: false,
        message: `cells ${a} (${coordinatesText(cells[a]!.info)}) and ${b} (${coordinatesText(cells[b]!.info)}) are the same simulation; remove the repeated grid value`,
      };
    }
    if (opts.shard !== undefined) cells = cells.filter((c) => inShard(c.info.index, opts.shard!));
  }
  const prev = previousLines(def, opts);
  if (!prev.ok) return prev;
  fs.mkdirSync(path.dirname(path.resolve(opts.out)), { recursive: true });
  // Keep only complete, successful lines of this sweep: drops a partial tail and failed cells.
  writeLinesAtomically(
    opts.out,
    prev.lines.filter((l) => !l.failed),
  );
  const pool = opts.executor ?? new CellPool(Math.max(1, opts.workers));
  const exec = new Execution(opts, pool, def.baseFile, prev.lines);
  try {
    let lines: ResultLine[];
    let capacityFile: string | undefined;
    if (def.mode.kind === 'grid') {
      const outcomes = await exec.run(cells);
      lines = cells.map((c, i) => lineFor(c, c.info, outcomes[i]!));
    } else {
      const r = await runCapacity(def, def.mode, exec);
      lines = r.lines;
      capacityFile = capacityFileFor(opts.out);
      const tmp = path.join(path.dirname(capacityFile), `.${path.basename(capacityFile)}.tmp-${process.pid}`);
      fs.writeFileSync(tmp, canonicalJson(r.summary));
      fs.renameSync(tmp, capacityFile);
    }
    exec.close();
    writeLinesAtomically(opts.out, lines);
    const failures = lines
      .filter((l) => l.failed)
      .map((l) => ({
        index: l.cell.index,
        coordinates: coordinatesText(l.cell),
        message: (JSON.parse(l.text) as { error: { message: string } }).error.message,
      }));
    return {
      ok: true,
      summary: {
        out: opts.out,
        cells: lines.length,
        ran: exec.ran,
        reused: exec.reusedCount,
        failures,
        ...(capacityFile !== undefined ? { capacityFile } : {}),
      },
    };
  } finally {
    await pool.close();
  }
}

/** Per service, its SLO attainment in one result (services that were offered requests). */
function serviceAttainments(resultJson: string): Record<string, number> {
  const r = JSON.parse(resultJson) as {
    services?: Record<string, { offered?: number; sloAttainment?: number | null }>;
  };
  const out: Record<string, number> = {};
  for (const [name, sv] of Object.entries(r.services ?? {})) {
    if ((sv.offered ?? 0) > 0 && typeof sv.sloAttainment === 'number') out[name] = sv.sloAttainment;
  }
  return out;
}

/** Capacity mode: all searches advance in lockstep, each round's probes run on the pool together. */
async function runCapacity(
  def: SweepDefinition,
  mode: CapacityMode,
  exec: Execution,
): Promise<{ lines: ResultLine[]; summary: object }> {
  const policyAxis: Axis = { kind: 'field', name: 'policy.name', path: ['policy', 'name'], values: mode.policies };
  const loadAxis: Axis = { kind: 'load', name: 'load', values: [] };
  const probeDef: SweepDefinition = { ...def, axes: [policyAxis, ...def.axes, loadAxis] };
  const searches: CapacitySearch[] = [];
  for (const policy of mode.policies)
    for (const coords of gridPoints(def.axes)) searches.push(newSearch(policy, coords, mode));
  const made: Array<{ cell: ResolvedCell; outcome: Stored }> = [];
  for (;;) {
    const round = searches.map((s) => ({ s, loads: nextLoads(s, mode) })).filter((r) => r.loads.length > 0);
    if (round.length === 0) break;
    const batch: Array<{ s: CapacitySearch; load: number; cells: ResolvedCell[] }> = [];
    for (const { s, loads } of round) {
      for (const load of loads) {
        const coords = { 'policy.name': s.policy, ...s.coords, load };
        const cells = def.seeds.map((seed) =>
          makeCell(
            probeDef,
            coords,
            seed,
            made.length + batch.flatMap((b) => b.cells).length + def.seeds.indexOf(seed),
            -1,
          ),
        );
        batch.push({ s, load, cells });
      }
    }
    const flat = batch.flatMap((b) => b.cells);
    const outcomes = await exec.run(flat);
    flat.forEach((cell, i) => made.push({ cell, outcome: outcomes[i]! }));
    let k = 0;
    const probes = new Map<CapacitySearch, Probe[]>();
    for (const b of batch) {
      const outs = outcomes.slice(k, k + b.cells.length);
      k += b.cells.length;
      const ok = outs.every((o) => 'resultJson' in o);
      const perSeed = ok ? outs.map((o) => serviceAttainments((o as { resultJson: string }).resultJson)) : [];
      const a = ok ? probeAttainments(perSeed) : { attainment: null, services: {} };
      probes.set(b.s, [
        ...(probes.get(b.s) ?? []),
        { load: b.load, attainment: a.attainment, services: a.services, cells: b.cells.map((c) => c.info.index) },
      ]);
    }
    for (const [s, ps] of probes) advance(s, ps, mode);
  }
  const total = made.length;
  const lines = made.map(({ cell, outcome }) => lineFor(cell, { ...cell.info, total }, outcome));
  const summary = {
    schema: 'parasim.capacity/1',
    sweep: def.hash,
    target: mode.target,
    tolerance: mode.tolerance,
    minLoad: mode.minLoad,
    maxLoad: mode.maxLoad,
    seeds: def.seeds,
    searches: searches.map((s) => ({
      kind: 'capacity',
      policy: s.policy,
      coords: s.coords,
      load: s.capacity,
      bound: s.bound,
      probes: s.probes,
      services: serviceCapacities(s.probes, mode.target),
    })),
  };
  return { lines, summary };
}
