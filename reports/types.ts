/**
 * Report data model: one `ResultEntry` per run (a sweep cell or a single result file), grouped
 * by policy and x value (offered-load multiplier or a named grid coordinate); seeds are replicates.
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
  readonly result?: RunResult;
  readonly error?: string;
}

/** A problem found while reading inputs; the reader skips the item and carries on. */
export interface ReadIssue {
  readonly source: string;
  readonly line: number;
  readonly message: string;
}

/** `parasim validate` output: simulated vs measured figures per policy, load and metric. */
export interface ValidationRow {
  readonly policy: string;
  readonly load: number;
  readonly metric: string;
  readonly sim: number;
  readonly measured: number;
  readonly relError: number;
}
export interface ValidationReport {
  readonly rows: readonly ValidationRow[];
  readonly medianAbsGoodputError: number | null;
}

export interface ReportOptions {
  readonly title?: string;
  /** Grid coordinate used as the x axis instead of `cell.load`. */
  readonly xField?: string;
  /** x value for the per-load figures (CDFs, heatmaps, placement); default: highest. */
  readonly atX?: number;
  /** SLO-attainment target for goodput capacity; default 0.9. */
  readonly target?: number;
}

export interface ReportInputs {
  readonly entries: readonly ResultEntry[];
  readonly issues?: readonly ReadIssue[];
  readonly validation?: ValidationReport;
  readonly options?: ReportOptions;
  /** plotly.min.js source; read from node_modules when absent. */
  readonly plotlySource?: string;
}
