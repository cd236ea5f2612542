/**
 * Report data model: one `ResultEntry` per run (a sweep cell or a single result file), grouped
 * by facet (every non-seed grid axis other than policy and x, plus simulated vs live), policy and
 * x value (offered-load multiplier or a named grid coordinate); seeds are the only replicates.
 */
import type { RunResult } from '../policies/index.js';

/** One input run. `result` is absent for a failed sweep cell (then `error` says why). */
export interface ResultEntry {
  readonly source: string;
  readonly key: string;
  readonly policy: string;
  /** Offered-load multiplier from the sweep cell; 1 for a single result file. */
  readonly load: number;
  readonly seed: number;
  readonly coords: Readonly<Record<string, unknown>>;
  /** Hash of the sweep definition the cell belongs to (sweep lines only). */
  readonly sweep?: string;
  readonly result?: RunResult;
  readonly error?: string;
}

/** A problem found while reading inputs; the reader skips the item and carries on. */
export interface ReadIssue {
  readonly source: string;
  readonly line: number;
  readonly message: string;
}

/** One row of `parasim validate` output: simulated vs measured, per policy, load, scope and metric. */
export interface ValidationRow {
  readonly policy: string;
  readonly load: number;
  /** `total` or a service name. */
  readonly scope: string;
  readonly metric: string;
  readonly sim: number;
  readonly measured: number;
  /** NaN where the validator found it undefined (null in its JSON). */
  readonly relError: number;
}
export interface ValidationReport {
  readonly rows: readonly ValidationRow[];
  readonly medianAbsGoodputError: number | null;
}

/** One search of a goodput-capacity sweep summary (`results.capacity.json`). */
export interface CapacitySearchSummary {
  readonly policy: string;
  readonly coords: Readonly<Record<string, unknown>>;
  /** All-services capacity (load multiplier) or null. */
  readonly load: number | null;
  readonly bound: string;
  readonly services: Readonly<Record<string, { readonly load: number | null; readonly bound: string }>>;
}
export interface CapacitySummary {
  readonly source: string;
  readonly sweep: string;
  readonly target: number;
  readonly searches: readonly CapacitySearchSummary[];
}

export interface ReportOptions {
  readonly title?: string;
  /** Grid coordinate used as the x axis instead of `cell.load`. */
  readonly xField?: string;
  /** x value for the per-load figures (CDFs, drops, devices, placement); default: highest. */
  readonly atX?: number;
  /** SLO-attainment target for goodput capacity; default 0.9. */
  readonly target?: number;
}

export interface ReportInputs {
  readonly entries: readonly ResultEntry[];
  readonly issues?: readonly ReadIssue[];
  readonly validation?: ValidationReport;
  readonly capacity?: readonly CapacitySummary[];
  readonly options?: ReportOptions;
  /** The project version shown on the page (package.json), when the caller knows it. */
  readonly version?: string;
  /** plotly.min.js source; read from node_modules when absent. */
  readonly plotlySource?: string;
}
