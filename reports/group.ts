/**
 * Grouping of entries into cells: facet × policy × x value, seeds as the only replicates. A facet
 * is one combination of every other non-seed grid axis (e.g. `devices[1].count = 2`) plus the
 * clock (simulated or live) and, when the inputs come from several sweeps, the sweep hash, so
 * neither an axis, a live replay nor another sweep is ever averaged in as if it were a seed. Pure; orders are fixed (policies: `epara` first then by name; facets and x
 * ascending) so the report is byte-stable.
 */
import type { RunResult } from '../policies/index.js';
import type { ResultEntry } from './types.js';

export const PROPOSED_POLICY = 'epara';

export interface Facet {
  /** Stable identity (JSON of the sorted coordinates and the clock). */
  readonly key: string;
  /** `devices[1].count = 2 · live`, or '' for the only facet of a plain sweep. */
  readonly label: string;
  readonly coords: Readonly<Record<string, unknown>>;
  readonly clock: 'simulated' | 'live';
}

export interface Cell {
  readonly policy: string;
  readonly facet: string;
  readonly x: number;
  /** Successful runs, ordered by seed. */
  readonly runs: readonly RunResult[];
  readonly failed: readonly ResultEntry[];
}

export interface Grouped {
  readonly policies: readonly string[];
  readonly facets: readonly Facet[];
  /** Names of the grid axes that make facets, in code-point order (the CSV's axis columns). */
  readonly axes: readonly string[];
  readonly xs: readonly number[];
  /** Label for the x axis: the sweep path of the axis. */
  readonly xLabel: string;
  readonly cells: readonly Cell[];
  /** Every service in any run, in code-point order. */
  readonly services: readonly string[];
  /** Entries whose x value is not a finite number (reported, not plotted). */
  readonly unplaced: readonly ResultEntry[];
}

/** Coordinates that are not facets: the policy axis, the x axis and the seed. */
const NOT_FACET = new Set(['policy.name', 'seed']);

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

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const valueText = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** `withSweep`: inputs come from several sweeps, so the sweep hash separates configurations too. */
function facetOf(e: ResultEntry, xField: string, withSweep: boolean): Facet {
  const coords: Record<string, unknown> = {};
  for (const k of Object.keys(e.coords).sort(cmp)) if (!NOT_FACET.has(k) && k !== xField) coords[k] = e.coords[k];
  if (withSweep) coords['sweep'] = e.sweep ?? '(none)';
  const clock = e.result?.clock === 'live' ? 'live' : 'simulated';
  const parts = Object.entries(coords).map(([k, v]) => `${k} = ${valueText(v)}`);
  if (clock === 'live') parts.push('live');
  return { key: JSON.stringify([coords, clock]), label: parts.join(' · '), coords, clock };
}

/** Facets ordered by clock (simulated first), then by coordinates (numbers numerically). */
function compareFacets(a: Facet, b: Facet): number {
  if (a.clock !== b.clock) return a.clock === 'simulated' ? -1 : 1;
  for (const k of [...new Set([...Object.keys(a.coords), ...Object.keys(b.coords)])].sort(cmp)) {
    const x = a.coords[k];
    const y = b.coords[k];
    if (typeof x === 'number' && typeof y === 'number' && x !== y) return x - y;
    const c = cmp(valueText(x), valueText(y));
    if (c !== 0) return c;
  }
  return 0;
}

export function groupEntries(entries: readonly ResultEntry[], xField?: string): Grouped {
  const xKey = xField ?? 'load';
  const byKey = new Map<
    string,
    {
      policy: string;
      facet: string;
      x: number;
      runs: { seed: number; key: string; r: RunResult }[];
      failed: ResultEntry[];
    }
  >();
  const facets = new Map<string, Facet>();
  const unplaced: ResultEntry[] = [];
  const withSweep = new Set(entries.map((e) => e.sweep ?? '')).size > 1;
  for (const e of entries) {
    const x = xOf(e, xField);
    if (!Number.isFinite(x)) {
      unplaced.push(e);
      continue;
    }
    const f = facetOf(e, xKey, withSweep);
    facets.set(f.key, f);
    const k = JSON.stringify([e.policy, f.key, x]);
    let cell = byKey.get(k);
    if (!cell) {
      cell = { policy: e.policy, facet: f.key, x, runs: [], failed: [] };
      byKey.set(k, cell);
    }
    if (e.result) cell.runs.push({ seed: e.seed, key: e.key, r: e.result });
    else cell.failed.push(e);
  }
  const facetList = [...facets.values()].sort(compareFacets);
  const facetRank = new Map(facetList.map((f, i) => [f.key, i]));
  const cells: Cell[] = [...byKey.values()]
    .map((c) => ({
      policy: c.policy,
      facet: c.facet,
      x: c.x,
      runs: c.runs.sort((a, b) => a.seed - b.seed || cmp(a.key, b.key)).map((r) => r.r),
      failed: c.failed,
    }))
    .sort(
      (a, b) => comparePolicies(a.policy, b.policy) || facetRank.get(a.facet)! - facetRank.get(b.facet)! || a.x - b.x,
    );
  const policies = [...new Set(cells.map((c) => c.policy))].sort(comparePolicies);
  const xs = [...new Set(cells.map((c) => c.x))].sort((a, b) => a - b);
  const axes = [...new Set(facetList.flatMap((f) => Object.keys(f.coords)))].sort(cmp);
  const services = [...new Set(cells.flatMap((c) => c.runs.flatMap((r) => Object.keys(r.services))))].sort(cmp);
  return { policies, facets: facetList, axes, xs, xLabel: xField ?? 'load', cells, services, unplaced };
}

export function cellAt(g: Grouped, policy: string, facet: string, x: number): Cell | undefined {
  return g.cells.find((c) => c.policy === policy && c.facet === facet && c.x === x);
}

/** The x used for per-load figures: the requested one if present, else the highest with data. */
export function chooseX(g: Grouped, atX?: number): number | undefined {
  const withRuns = g.xs.filter((x) => g.cells.some((c) => c.x === x && c.runs.length > 0));
  if (atX !== undefined && withRuns.includes(atX)) return atX;
  return withRuns[withRuns.length - 1];
}

/** `1 run`, `2 runs`: counted nouns with their plural. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
