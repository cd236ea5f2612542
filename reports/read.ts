/**
 * Pure readers for report inputs: a single `RunResult` JSON file, sweep JSONL whose lines are
 * `{key, cell, result}` / `{key, cell, error}` (or bare results), a capacity-mode summary
 * (`parasim.capacity/1`), and the file `parasim validate --out` writes. Tolerant on purpose: a
 * bad line becomes a `ReadIssue` and the rest of the file is still read, so one broken cell never
 * hides a whole sweep; fields a reader does not know are ignored (formats grow).
 */
import type { RunResult } from '../policies/index.js';
import type {
  CapacitySearchSummary,
  CapacitySummary,
  ReadIssue,
  ResultEntry,
  ValidationReport,
  ValidationRow,
} from './types.js';

export interface ReadOutcome {
  readonly entries: ResultEntry[];
  readonly issues: ReadIssue[];
  readonly capacity: CapacitySummary[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown, dflt: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : dflt);

/** Structural check of the fields the report reads; not a full schema validation. */
export function isRunResult(v: unknown): v is RunResult {
  return (
    isObj(v) &&
    v['schema'] === 'parasim.result/1' &&
    typeof v['policy'] === 'string' &&
    isObj(v['totals']) &&
    isObj(v['services']) &&
    isObj(v['devices'])
  );
}

function capacitySummary(v: Obj, source: string): CapacitySummary {
  const searches: CapacitySearchSummary[] = (Array.isArray(v['searches']) ? v['searches'] : [])
    .filter(isObj)
    .map((s) => ({
      policy: String(s['policy'] ?? ''),
      coords: isObj(s['coords']) ? s['coords'] : {},
      load: typeof s['load'] === 'number' ? s['load'] : null,
      bound: String(s['bound'] ?? ''),
      services: Object.fromEntries(
        Object.entries(isObj(s['services']) ? s['services'] : {})
          .filter(([, x]) => isObj(x))
          .map(([n, x]) => {
            const o = x as Obj;
            return [n, { load: typeof o['load'] === 'number' ? o['load'] : null, bound: String(o['bound'] ?? '') }];
          }),
      ),
    }));
  return { source, sweep: String(v['sweep'] ?? ''), target: num(v['target'], Number.NaN), searches };
}

/** Turns one parsed JSON value into an entry, a capacity summary, or a message saying why it cannot be used. */
function toItem(v: unknown, source: string, index: number): ResultEntry | CapacitySummary | string {
  if (isRunResult(v)) {
    return { source, key: `${source}#${index}`, policy: v.policy, load: 1, seed: v.seed, coords: {}, result: v };
  }
  if (!isObj(v)) return 'not a JSON object';
  if (v['schema'] === 'parasim.capacity/1') return capacitySummary(v, source);
  const cell = isObj(v['cell']) ? v['cell'] : {};
  const result = v['result'];
  const key = typeof v['key'] === 'string' ? v['key'] : `${source}#${index}`;
  const coords = isObj(cell['coords']) ? cell['coords'] : {};
  const sweep = typeof cell['sweep'] === 'string' ? { sweep: cell['sweep'] } : {};
  if (isRunResult(result)) {
    const policy = typeof cell['policy'] === 'string' ? cell['policy'] : result.policy;
    return {
      source,
      key,
      policy,
      load: num(cell['load'], 1),
      seed: num(cell['seed'], result.seed),
      coords,
      ...sweep,
      result,
    };
  }
  if (v['error'] !== undefined) {
    const err = v['error'];
    const message = isObj(err) && typeof err['message'] === 'string' ? err['message'] : JSON.stringify(err);
    const policy = typeof cell['policy'] === 'string' ? cell['policy'] : '(unknown)';
    return {
      source,
      key,
      policy,
      load: num(cell['load'], Number.NaN),
      seed: num(cell['seed'], Number.NaN),
      coords,
      ...sweep,
      error: message,
    };
  }
  if (v['schema'] === 'parasim.validation/1') return 'a validation file: pass it with --validation';
  return result === undefined ? 'neither a result nor a sweep record' : 'result is not a parasim.result/1 object';
}

function push(out: ReadOutcome, item: ResultEntry | CapacitySummary | string, source: string, line: number): void {
  if (typeof item === 'string') out.issues.push({ source, line, message: item });
  else if ('searches' in item) out.capacity.push(item);
  else out.entries.push(item);
}

/** Reads one input file's text: whole-file JSON first, then JSON lines. */
export function readResultsText(text: string, source: string): ReadOutcome {
  const out: ReadOutcome = { entries: [], issues: [], capacity: [] };
  const trimmed = text.trim();
  if (trimmed === '') return { ...out, issues: [{ source, line: 1, message: 'empty file' }] };
  try {
    const whole: unknown = JSON.parse(trimmed);
    const items = Array.isArray(whole) ? whole : [whole];
    items.forEach((item, i) => push(out, toItem(item, source, i), source, 1));
    return out;
  } catch {
    // not a single JSON value: read as JSON lines below
  }
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (err) {
      out.issues.push({ source, line: i + 1, message: `invalid JSON: ${(err as Error).message}` });
      return;
    }
    push(out, toItem(parsed, source, i), source, i + 1);
  });
  return out;
}

/**
 * A results file whose lines come from two different sweep definitions cannot be read as one
 * grid (seeds of one would pool with cells of the other): the message names both hashes.
 */
export function mixedSweeps(entries: readonly ResultEntry[]): string[] {
  const bySource = new Map<string, string[]>();
  for (const e of entries) {
    if (e.sweep === undefined) continue;
    const seen = bySource.get(e.source) ?? [];
    if (!seen.includes(e.sweep)) seen.push(e.sweep);
    bySource.set(e.source, seen);
  }
  return [...bySource]
    .filter(([, h]) => h.length > 1)
    .map(
      ([source, h]) =>
        `${source} mixes results of different sweeps (${h[0]} and ${h[1]}${h.length > 2 ? ` and ${h.length - 2} more` : ''}); report each sweep's file on its own`,
    );
}

function validationRow(policy: string, load: number, r: Obj): ValidationRow {
  return {
    policy,
    load,
    scope: String(r['scope'] ?? 'total'),
    metric: String(r['metric'] ?? ''),
    sim: num(r['sim'], Number.NaN),
    measured: num(r['measured'], Number.NaN),
    relError: num(r['relError'], Number.NaN),
  };
}

/**
 * Parses the JSON `parasim validate --out` writes (`{schema: "parasim.validation/1", cells:
 * [{policy, load, rows: [{scope, metric, sim, measured, relError}], …}], medianAbsGoodputError}`),
 * or the older flat `{rows: [{policy, load, metric, …}]}`; numbers missing or null stay NaN.
 */
export function readValidationText(
  text: string,
  source: string,
): { ok: true; value: ValidationReport } | { ok: false; issues: ReadIssue[] } {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    return { ok: false, issues: [{ source, line: 1, message: `invalid JSON: ${(err as Error).message}` }] };
  }
  let rows: ValidationRow[];
  if (isObj(v) && Array.isArray(v['cells'])) {
    rows = v['cells'].filter(isObj).flatMap((c) => {
      const policy = String(c['policy'] ?? '');
      const load = num(c['load'], Number.NaN);
      return (Array.isArray(c['rows']) ? c['rows'] : []).filter(isObj).map((r) => validationRow(policy, load, r));
    });
  } else if (isObj(v) && Array.isArray(v['rows'])) {
    rows = v['rows'].filter(isObj).map((r) => validationRow(String(r['policy'] ?? ''), num(r['load'], Number.NaN), r));
  } else {
    return {
      ok: false,
      issues: [
        {
          source,
          line: 1,
          message: 'not a validation file: expected the JSON `parasim validate --out` writes (a "cells" array)',
        },
      ],
    };
  }
  const med = (v as Obj)['medianAbsGoodputError'];
  return {
    ok: true,
    value: { rows, medianAbsGoodputError: typeof med === 'number' && Number.isFinite(med) ? med : null },
  };
}
