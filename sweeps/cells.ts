/**
 * Cells of a sweep: the cartesian product of the grid axes (file order, first axis slowest), then
 * seeds (fastest). A resolved cell is the base object with the cell's overrides applied and its
 * seed set; its key hashes that object and the code version, so a key names exactly one
 * simulation. Sharding is by index modulo N: deterministic and independent of timing.
 */
import { codeVersion, shortHash, stableJson } from './canonical.js';
import { getAtPath, setAtPath } from './field-path.js';
import { scaleLoad } from '../scenarios/index.js';
import type { Axis, SweepDefinition } from './sweep-file.js';

/** What every result line says about its cell (the reports helper reads this shape). */
export interface CellInfo {
  readonly index: number;
  readonly total: number;
  /** Hash of the sweep definition: parts of one sweep carry the same value. */
  readonly sweep: string;
  readonly policy: string;
  readonly load: number;
  readonly seed: number;
  /** Grid coordinates, axis name → value (load included when it is an axis). */
  readonly coords: Readonly<Record<string, unknown>>;
}

export interface ResolvedCell {
  readonly key: string;
  readonly info: CellInfo;
  /** Plain scenario object, ready for the scenario validator. */
  readonly scenario: Record<string, unknown>;
}

/** Grid points in canonical order: the first axis varies slowest. */
export function gridPoints(axes: readonly Axis[]): Array<Record<string, unknown>> {
  let points: Array<Record<string, unknown>> = [{}];
  for (const axis of axes) points = points.flatMap((p) => axis.values.map((v) => ({ ...p, [axis.name]: v })));
  return points;
}

/**
 * Applies one grid point and a seed to the base. `policy.name` goes first, and a change of policy
 * drops the base's `policy.params` (they belong to the base's policy); `policy.params.*` axes then
 * apply on top. The load multiplier applies last, to the final arrival settings.
 */
export function resolveScenario(
  def: SweepDefinition,
  coords: Readonly<Record<string, unknown>>,
  seed: number,
): Record<string, unknown> {
  const obj = structuredClone(def.base) as Record<string, unknown>;
  const fields = def.axes.filter((a): a is Extract<Axis, { kind: 'field' }> => a.kind === 'field');
  const ordered = [
    ...fields.filter((a) => a.name === 'policy.name'),
    ...fields.filter((a) => a.name !== 'policy.name'),
  ];
  for (const axis of ordered) {
    const value = coords[axis.name];
    if (axis.name === 'policy.name' && getAtPath(obj, ['policy', 'name']) !== value) {
      obj['policy'] = { name: value };
      continue;
    }
    setAtPath(obj, axis.path, value);
  }
  const load = coords['load'];
  if (typeof load === 'number') scaleLoad(obj, load);
  obj['seed'] = seed;
  return obj;
}

export function cellKey(scenario: Readonly<Record<string, unknown>>): string {
  return shortHash(`${stableJson(scenario)}\n${codeVersion()}`);
}

export function policyOf(scenario: Readonly<Record<string, unknown>>): string {
  const name = getAtPath(scenario, ['policy', 'name']);
  return typeof name === 'string' ? name : 'default';
}

/** Builds one cell; `total` and `index` come from the caller (grid order or capacity probe order). */
export function makeCell(
  def: SweepDefinition,
  coords: Readonly<Record<string, unknown>>,
  seed: number,
  index: number,
  total: number,
): ResolvedCell {
  const scenario = resolveScenario(def, coords, seed);
  const load = typeof coords['load'] === 'number' ? coords['load'] : 1;
  return {
    key: cellKey(scenario),
    info: { index, total, sweep: def.hash, policy: policyOf(scenario), load, seed, coords },
    scenario,
  };
}

/** All cells of a grid-mode sweep in canonical order. */
export function expandGrid(def: SweepDefinition): ResolvedCell[] {
  const points = gridPoints(def.axes);
  const total = points.length * def.seeds.length;
  const cells: ResolvedCell[] = [];
  for (const p of points) for (const seed of def.seeds) cells.push(makeCell(def, p, seed, cells.length, total));
  return cells;
}

/** Keys that name the same simulation twice (e.g. an axis that does not change anything). */
export function duplicateKeys(cells: readonly ResolvedCell[]): Array<[number, number]> {
  const first = new Map<string, number>();
  const dups: Array<[number, number]> = [];
  for (const c of cells) {
    const seen = first.get(c.key);
    if (seen === undefined) first.set(c.key, c.info.index);
    else dups.push([seen, c.info.index]);
  }
  return dups;
}

export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** `I/N` with 0 ≤ I < N; null when malformed. */
export function parseShard(text: string): Shard | null {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  if (m === null) return null;
  const index = Number(m[1]);
  const count = Number(m[2]);
  return count >= 1 && index < count ? { index, count } : null;
}

/** Shard I of N owns the cells whose index ≡ I (mod N). */
export function inShard(cellIndex: number, shard: Shard): boolean {
  return cellIndex % shard.count === shard.index;
}

/** `policy.name=epara, load=2, seed=3`: how errors name a cell. */
export function coordinatesText(info: Pick<CellInfo, 'coords' | 'seed'>): string {
  const parts = Object.entries(info.coords).map(([k, v]) => `${k}=${typeof v === 'string' ? v : stableJson(v)}`);
  parts.push(`seed=${info.seed}`);
  return parts.join(', ');
}
