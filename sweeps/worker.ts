/**
 * Piscina worker: validates one resolved cell and simulates it. Returns the canonical result as
 * compact JSON (formatted here, in parallel) or the error text; never throws, so one bad cell
 * cannot take down the pool.
 */
import { threadId } from 'node:worker_threads';
import { createPolicy, formatIssues, validateScenarioObject } from '../scenarios/index.js';
import { resultToJson } from '../sim/metrics/index.js';
import { simulate } from '../sim/simulate.js';

export interface CellTask {
  /** The resolved plain scenario object. */
  readonly scenario: Record<string, unknown>;
  /** The base scenario file: relative paths (traces) resolve against it; issues name it. */
  readonly file: string;
}

export type CellOutcome =
  /** `attainment`: the lowest per-service SLO attainment (every service must meet the target). */
  | { readonly ok: true; readonly resultJson: string; readonly attainment: number }
  | { readonly ok: false; readonly message: string };

/** Trace readers throw a TraceFormatError carrying file/row/column. */
function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const e = err as Error & { file?: string; row?: number; column?: string | number };
  if (err.name === 'TraceFormatError')
    return `${e.file ?? '?'}:${e.row ?? '?'}${e.column !== undefined ? ` column ${e.column}` : ''}: ${e.message}`;
  return err.message;
}

export function runCell(task: CellTask): CellOutcome {
  const checked = validateScenarioObject(task.scenario, task.file);
  if (!checked.ok) return { ok: false, message: formatIssues(checked.issues) };
  try {
    const result = simulate(checked.value);
    const resultJson = JSON.stringify(JSON.parse(resultToJson(result)));
    return { ok: true, resultJson, attainment: result.totals.minServiceAttainment };
  } catch (err) {
    return { ok: false, message: errorText(err) };
  }
}

/**
 * A cell whose scenario names a user policy module (`policy.module`): the module is imported
 * (once per worker, by Node's module cache) and checked before the run. A module's source is not
 * part of the cell key: after editing it, rerun without --resume.
 */
async function runModuleCell(task: CellTask): Promise<CellOutcome> {
  const checked = validateScenarioObject(task.scenario, task.file);
  if (!checked.ok) return { ok: false, message: formatIssues(checked.issues) };
  const policy = await createPolicy(checked.value.policy);
  if (!policy.ok) return { ok: false, message: policy.issues.join('\n') };
  try {
    const result = simulate(checked.value, { policyImpl: policy.value });
    return {
      ok: true,
      resultJson: JSON.stringify(JSON.parse(resultToJson(result))),
      attainment: result.totals.sloAttainment,
    };
  } catch (err) {
    return { ok: false, message: errorText(err) };
  }
}

const namesModule = (task: CellTask): boolean => {
  const p = task.scenario['policy'];
  return typeof p === 'object' && p !== null && 'module' in p;
};

/**
 * Runs cells and discards their results: warms one worker's JIT before timed work (the bench),
 * because a fresh worker spends seconds of CPU compiling the simulator's hot paths (mostly on V8
 * background threads, which on a 2-core machine compete with the other worker).
 */
export interface WarmupTask {
  readonly warmup: readonly CellTask[];
}

/** The pool's entry point: a cell, or a warm-up batch (answered with this worker's thread id). */
export function runTask(task: CellTask | WarmupTask): CellOutcome | Promise<CellOutcome> | number {
  if (!('warmup' in task)) return namesModule(task) ? runModuleCell(task) : runCell(task);
  for (const t of task.warmup) runCell(t);
  return threadId;
}

export default runTask;
