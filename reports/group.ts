/**
 * Grouping of entries into cells: policy × x value, seeds as replicates. Pure; orders are fixed
 * (policies: `epara` first then by name; x ascending) so the report is byte-stable.
 */
import type { RunResult } from '../policies/index.js';
import type { ResultEntry } from './types.js';

export const PROPOSED_POLICY = 'epara';

export interface Cell {
  readonly policy: string;
  readonly x: number;
  /** Successful runs, ordered by seed. */
  readonly runs: readonly RunResult[];
  readonly failed: readonly ResultEntry[];
}

export interface Grouped {
  readonly policies: readonly string[];
  readonly xs: readonly number[];
  /** Label for the x axis. */
  readonly xLabel: string;
  readonly cells: readonly Cell[];
  /** Entries whose x value is not a finite number (reported, not plotted). */
  readonly unplaced: readonly ResultEntry[];
}

/** x value of an entry: `cell.load` by default, or the numeric grid coordinate `xField`. */
export function xOf(entry: ResultEntry, xField?: string): number {
  if (xField === undefined) return entry.load;
  const v = entry.coords[xField];
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return Number.NaN;
}

/** `epara` first, then the rest by code-point order (locale-independent). */
export function comparePolicies(a: string, b: string): number {
  if (a === b) return 0;
  if (a === PROPOSED_POLICY) return -1;
  if (b === PROPOSED_POLICY) return 1;
  return a < b ? -1 : 1;
}

export function groupEntries(entries: readonly ResultEntry[], xField?: string): Grouped {
  const byKey = new Map<string, { policy: string; x: number; runs: { seed: number; key: string; r: RunResult }[]; failed: ResultEntry[] }>();
  const unplaced: ResultEntry[] = [];
  for (const e of entries) {
    const x = xOf(e, xField);
    if (!Number.isFinite(x)) {
      unplaced.push(e);
      continue;
    }
    const k = JSON.stringify([e.policy, x]);
    let cell = byKey.get(k);
    if (!cell) {
      cell = { policy: e.policy, x, runs: [], failed: [] };
      byKey.set(k, cell);
    }
    if (e.result) cell.runs.push({ seed: e.seed, key: e.key, r: e.result });
    else cell.failed.push(e);
  }
  const cells: Cell[] = [...byKey.values()]
    .map((c) => ({
      policy: c.policy,
      x: c.x,
      runs: c.runs.sort((a, b) => a.seed - b.seed || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((r) => r.r),
      failed: c.failed,
    }))
    .sort((a, b) => comparePolicies(a.policy, b.policy) || a.x - b.x);
  const policies = [...new Set(cells.map((c) => c.policy))].sort(comparePolicies);
  const xs = [...new Set(cells.map((c) => c.x))].sort((a, b) => a - b);
  const xLabel = xField ?? 'offered load (× nominal)';
  return { policies, xs, xLabel, cells, unplaced };
}

export function cellAt(g: Grouped, policy: string, x: number): Cell | undefined {
  return g.cells.find((c) => c.policy === policy && c.x === x);
}

/** The x used for per-load figures: the requested one if present, else the highest with data. */
export function chooseX(g: Grouped, atX?: number): number | undefined {
  const withRuns = g.xs.filter((x) => g.cells.some((c) => c.x === x && c.runs.length > 0));
  if (atX !== undefined && withRuns.includes(atX)) return atX;
  return withRuns[withRuns.length - 1];
}
