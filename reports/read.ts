/**
 * Pure readers for report inputs: a single `RunResult` JSON file, or sweep JSONL whose lines are
 * `{key, cell, result}` / `{key, cell, error}` (or bare results). Tolerant on purpose: a bad line
 * becomes a `ReadIssue` and the rest of the file is still read, so one broken cell never hides
 * a whole sweep.
 */
import type { RunResult } from '../policies/index.js';
import type { ReadIssue, ResultEntry, ValidationReport, ValidationRow } from './types.js';

export interface ReadOutcome {
  readonly entries: ResultEntry[];
  readonly issues: ReadIssue[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown, dflt: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : dflt);

/** Structural check of the fields the report reads; not a full schema validation. */
export function isRunResult(v: unknown): v is RunResult {
  return isObj(v) && v['schema'] === 'parasim.result/1' && typeof v['policy'] === 'string'
    && isObj(v['totals']) && isObj(v['services']) && isObj(v['devices']);
}

/** Turns one parsed JSON value into an entry, or a message saying why it cannot be used. */
function toEntry(v: unknown, source: string, index: number): ResultEntry | string {
  if (isRunResult(v)) {
    return { source, key: `${source}#${index}`, policy: v.policy, load: 1, seed: v.seed, coords: {}, result: v };
  }
  if (!isObj(v)) return 'not a JSON object';
  const cell = isObj(v['cell']) ? v['cell'] : {};
  const result = v['result'];
  const key = typeof v['key'] === 'string' ? v['key'] : `${source}#${index}`;
  const coords = isObj(cell['coords']) ? cell['coords'] : {};
  if (isRunResult(result)) {
    const policy = typeof cell['policy'] === 'string' ? cell['policy'] : result.policy;
    return { source, key, policy, load: num(cell['load'], 1), seed: num(cell['seed'], result.seed), coords, result };
  }
  if (v['error'] !== undefined) {
    const err = v['error'];
    const message = isObj(err) && typeof err['message'] === 'string' ? err['message'] : JSON.stringify(err);
    const policy = typeof cell['policy'] === 'string' ? cell['policy'] : '(unknown)';
    return { source, key, policy, load: num(cell['load'], Number.NaN), seed: num(cell['seed'], Number.NaN), coords, error: message };
  }
  return result === undefined ? 'neither a result nor a sweep record' : 'result is not a parasim.result/1 object';
}

/** Reads one input file's text: whole-file JSON first, then JSON lines. */
export function readResultsText(text: string, source: string): ReadOutcome {
  const entries: ResultEntry[] = [];
  const issues: ReadIssue[] = [];
  const trimmed = text.trim();
  if (trimmed === '') return { entries, issues: [{ source, line: 1, message: 'empty file' }] };
  try {
    const whole: unknown = JSON.parse(trimmed);
    const items = Array.isArray(whole) ? whole : [whole];
    items.forEach((item, i) => {
      const e = toEntry(item, source, i);
      if (typeof e === 'string') issues.push({ source, line: 1, message: e });
      else entries.push(e);
    });
    return { entries, issues };
  } catch {
    // not a single JSON value: read as JSON lines below
  }
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (err) {
      issues.push({ source, line: i + 1, message: `invalid JSON: ${(err as Error).message}` });
      return;
    }
    const e = toEntry(parsed, source, i);
    if (typeof e === 'string') issues.push({ source, line: i + 1, message: e });
    else entries.push(e);
  });
  return { entries, issues };
}

/** Parses a validation JSON (`{rows, medianAbsGoodputError}`); rows missing numbers are kept as NaN. */
export function readValidationText(text: string, source: string): { ok: true; value: ValidationReport } | { ok: false; issues: ReadIssue[] } {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    return { ok: false, issues: [{ source, line: 1, message: `invalid JSON: ${(err as Error).message}` }] };
  }
  if (!isObj(v) || !Array.isArray(v['rows'])) {
    return { ok: false, issues: [{ source, line: 1, message: 'expected an object with a "rows" array' }] };
  }
  const rows: ValidationRow[] = v['rows'].filter(isObj).map((r) => ({
    policy: String(r['policy'] ?? ''),
    load: num(r['load'], Number.NaN),
    metric: String(r['metric'] ?? ''),
    sim: num(r['sim'], Number.NaN),
    measured: num(r['measured'], Number.NaN),
    relError: num(r['relError'], Number.NaN),
  }));
  const med = v['medianAbsGoodputError'];
  return { ok: true, value: { rows, medianAbsGoodputError: typeof med === 'number' && Number.isFinite(med) ? med : null } };
}
