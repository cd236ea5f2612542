/**
 * Whole-trace figures for tests, `parasim trace-info` and the replay-memory bench. Both
 * functions stream the file through the same reader the simulator uses, holding no rows.
 */
import type { MutableArrival, TraceFormat } from './types.js';
import { TraceReader, type TraceReadOptions } from './trace-reader.js';

export interface TokenStats {
  readonly sum: number;
  readonly min: number;
  readonly max: number;
}

export interface TraceSummary {
  /** Arrivals read (after any filter, without skipped bad rows). */
  readonly rows: number;
  /** First and last arrival, seconds from the file's first valid row. */
  readonly firstS: number;
  readonly lastS: number;
  /** Sums of recorded token counts; 0 when the format records none (`hasTokens` false). */
  readonly promptTokens: number;
  readonly outputTokens: number;
  readonly hasTokens: boolean;
  readonly prompt: TokenStats;
  readonly output: TokenStats;
  readonly skippedRows: number;
  readonly clampedRows: number;
  readonly filteredRows: number;
}

/** Reads all of `path`; throws TraceFormatError on a bad file (or bad row without skipBadRows). */
export function traceSummary(path: string, format: TraceFormat, opts: TraceReadOptions = {}): TraceSummary {
  const reader = TraceReader.open(path, format, opts);
  const a: MutableArrival = { timeS: 0, promptTokens: 0, outputTokens: 0 };
  let rows = 0;
  let firstS = NaN;
  let lastS = NaN;
  let hasTokens = false;
  const p = { sum: 0, min: Number.POSITIVE_INFINITY, max: 0 };
  const o = { sum: 0, min: Number.POSITIVE_INFINITY, max: 0 };
  try {
    while (reader.next(a)) {
      if (rows === 0) firstS = a.timeS;
      lastS = a.timeS;
      rows++;
      if (!Number.isNaN(a.promptTokens)) {
        hasTokens = true;
        add(p, a.promptTokens);
        add(o, a.outputTokens);
      }
    }
  } finally {
    reader.close();
  }
  if (!hasTokens) p.min = o.min = 0;
  return {
    rows,
    firstS,
    lastS,
    promptTokens: p.sum,
    outputTokens: o.sum,
    hasTokens,
    prompt: p,
    output: o,
    skippedRows: reader.skippedRows,
    clampedRows: reader.clampedRows,
    filteredRows: reader.filteredRows,
  };
}

function add(s: { sum: number; min: number; max: number }, v: number): void {
  s.sum += v;
  if (v < s.min) s.min = v;
  if (v > s.max) s.max = v;
}

/**
 * Streams a whole trace and returns its arrival count — for the bench to measure replay memory
 * (RSS before/after) and speed on large files.
 */
export function replayCount(path: string, format: TraceFormat, opts: TraceReadOptions = {}): number {
  const reader = TraceReader.open(path, format, opts);
  const a: MutableArrival = { timeS: 0, promptTokens: 0, outputTokens: 0 };
  let n = 0;
  try {
    while (reader.next(a)) n++;
  } finally {
    reader.close();
  }
  return n;
}
