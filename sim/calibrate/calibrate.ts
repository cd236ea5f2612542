/**
 * `calibrate`: every row of a table of published figures simulated and compared. relError =
 * (simulated − published) / published per metric; the medians and worst are over |relError| of
 * all compared metrics. Rows the simulator cannot express are listed with the reason, never
 * dropped silently. Pure of I/O: rows and catalog in, report out.
 */
import type { Catalog } from '../../scenarios/index.js';
import { measureRow } from './measure.js';
import type { CalibrationRow, Parallelism } from './rows.js';

export type Metric = 'prefill_tok_s' | 'decode_tok_s';

export interface ComparedRow {
  readonly line: number;
  readonly device_key: string;
  readonly model_key: string;
  readonly nodes: number;
  readonly parallelism: Parallelism;
  readonly batch: number;
  readonly metric: Metric;
  readonly published: number;
  readonly simulated: number;
  readonly relError: number;
}

export interface CalibrationReport {
  readonly rows: readonly ComparedRow[];
  readonly medianAbsRelError: number | null;
  readonly worstAbsRelError: number | null;
  readonly unexpressible: readonly { readonly line: number; readonly reason: string }[];
}

const round4 = (x: number): number => Number(x.toPrecision(4));

export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function calibrate(
  rows: readonly CalibrationRow[],
  catalog: Catalog,
  file: string,
  progress?: (done: number) => void,
): CalibrationReport {
  const out: ComparedRow[] = [];
  const unexpressible: { line: number; reason: string }[] = [];
  rows.forEach((row, k) => {
    const m = measureRow(row, catalog, file);
    progress?.(k + 1);
    if (!m.ok) {
      unexpressible.push({ line: row.line, reason: m.reason });
      return;
    }
    const base = {
      line: row.line,
      device_key: row.deviceKey,
      model_key: row.modelKey,
      nodes: row.nodes,
      parallelism: row.parallelism,
      batch: row.batch,
    };
    const compare = (metric: Metric, published: number | null, simulated: number | null): void => {
      if (published === null) return;
      if (simulated === null) {
        unexpressible.push({ line: row.line, reason: `${metric}: needs output_tokens ≥ 2` });
        return;
      }
      out.push({
        ...base,
        metric,
        published,
        simulated: round4(simulated),
        relError: round4((simulated - published) / published),
      });
    };
    compare('prefill_tok_s', row.prefillTokPerS, m.prefillTokPerS);
    compare('decode_tok_s', row.decodeTokPerS, m.decodeTokPerS);
  });
  const errs = out.map((r) => Math.abs(r.relError));
  const med = median(errs);
  return {
    rows: out,
    medianAbsRelError: med === null ? null : round4(med),
    worstAbsRelError: errs.length === 0 ? null : round4(Math.max(...errs)),
    unexpressible,
  };
}
