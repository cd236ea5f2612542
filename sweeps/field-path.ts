/**
 * Field paths into a plain scenario object: `policy.name`, `devices[2].count`,
 * `policy.params.sync_period_s`. Sweeps use them to name grid axes and fixed overrides.
 * Paths are checked against the base object so a typo is an error before any cell runs.
 */
import { isPlainObject, pathToString } from '../scenarios/index.js';

export type PathSegment = string | number;

/** `devices[2].count` → ['devices', 2, 'count']; null when the text is not a path. */
export function parseFieldPath(text: string): PathSegment[] | null {
  const out: PathSegment[] = [];
  const re = /([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]|\./y;
  let expectKey = true;
  let i = 0;
  while (i < text.length) {
    re.lastIndex = i;
    const m = re.exec(text);
    if (m === null) return null;
    if (m[1] !== undefined) {
      if (!expectKey) return null;
      out.push(m[1]);
      expectKey = false;
    } else if (m[2] !== undefined) {
      if (out.length === 0 || expectKey) return null;
      out.push(Number(m[2]));
    } else {
      if (expectKey) return null;
      expectKey = true;
    }
    i = re.lastIndex;
  }
  return out.length > 0 && !expectKey ? out : null;
}

type Container = Record<string, unknown> | unknown[];

/**
 * What a path may create when the base omits it: `policy`, `policy.name` and `policy.params`
 * are optional in a scenario but are exactly what policy sweeps set.
 */
function creatable(prefix: readonly PathSegment[]): boolean {
  if (prefix.length === 1) return prefix[0] === 'policy';
  return prefix.length === 2 && prefix[0] === 'policy' && (prefix[1] === 'params' || prefix[1] === 'name');
}

/**
 * Why `path` cannot be set on `obj`, or null when it can. Every segment must exist in `obj`
 * except: the `policy`/`policy.params` containers, and a new key directly under `policy.params`
 * (a free-form map of policy parameters, checked by the scenario validator).
 */
export function pathProblem(obj: unknown, path: readonly PathSegment[]): string | null {
  let cur: unknown = obj;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const prefix = path.slice(0, i + 1);
    const last = i === path.length - 1;
    if (typeof seg === 'number') {
      if (!Array.isArray(cur)) return `${show(path.slice(0, i))} is not a list`;
      if (seg >= cur.length)
        return `index ${seg} is out of range (${show(path.slice(0, i))} has ${cur.length} entries)`;
      cur = cur[seg];
      continue;
    }
    if (cur === undefined && creatable(path.slice(0, i))) cur = {};
    if (!isPlainObject(cur)) return `${show(path.slice(0, i)) || 'the scenario'} is not a mapping`;
    if (!(seg in cur)) {
      const underParams = i === 2 && path[0] === 'policy' && path[1] === 'params';
      if (!(last && underParams) && !creatable(prefix)) {
        return `"${seg}" does not exist in the base scenario${Object.keys(cur).length > 0 ? ` (keys here: ${Object.keys(cur).join(', ')})` : ''}`;
      }
    }
    cur = cur[seg];
  }
  return null;
}

/** Sets `path` in `obj` (mutates; callers pass a clone), creating allowed containers. */
export function setAtPath(obj: Record<string, unknown>, path: readonly PathSegment[], value: unknown): void {
  let cur: Container = obj;
  for (let i = 0; i < path.length - 1; i++) {
    const seg = path[i]!;
    const next: unknown = (cur as Record<string | number, unknown>)[seg];
    if (next === undefined || next === null || typeof next !== 'object') {
      const fresh = {};
      (cur as Record<string | number, unknown>)[seg] = fresh;
      cur = fresh;
    } else {
      cur = next as Container;
    }
  }
  (cur as Record<string | number, unknown>)[path[path.length - 1]!] = structuredClone(value);
}

export function getAtPath(obj: unknown, path: readonly PathSegment[]): unknown {
  let cur: unknown = obj;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

/** The one path formatter (scenarios/ `pathToString`): `devices[2].count`. */
export const show = (path: readonly PathSegment[]): string => pathToString(path);
