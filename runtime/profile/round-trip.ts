/**
 * The agent round trip: what a request costs beyond the device's own work — HTTP, JSON, the
 * agent's parsing and scheduling, the stream's first chunk. Measured on an idle instance as
 * client time minus agent-reported compute: LLM `overhead = (first token at client − sent) −
 * prefill`, segmentation `overhead = (answer at client − sent) − (queue + compute)`, per payload
 * size (LLM: 4 B × prompt tokens, the simulator's LLM_BYTES_PER_TOKEN; segmentation: the frames'
 * frames × W × H × 3 bytes the agent decodes). A straight line `intercept + perByte × bytes`
 * fitted by least squares is what validation puts on the simulated side (a link's latency and
 * bandwidth), so short requests' latency matches the live one; the samples themselves (many at
 * the smallest payload, ROUND_TRIP_TAIL_SAMPLES) give its distribution, whose tail a p99 meets.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AgentServiceKind } from '../protocol/index.js';

export interface OverheadRow {
  readonly deviceType: string;
  readonly kind: AgentServiceKind;
  readonly payloadBytes: number;
  /** Median round-trip overhead at this payload, seconds. */
  readonly overheadS: number;
  /** Every measured overhead at this payload, seconds (its distribution: validation samples it). */
  readonly samplesS?: readonly number[];
  /**
   * Seconds the agent sat idle before each of these requests (absent: back to back). After idle a
   * round trip costs more — the agent's process, blocked in its poll, and the vCPU running it wake
   * up with cold caches — so a replay whose requests arrive hundreds of ms apart meets these, not
   * the back-to-back figure (docs/validation.md "Wake-up after idle").
   */
  readonly idleGapS?: number;
  readonly source: string;
}

export interface OverheadFit {
  /** Overhead of an empty request, seconds (≥ 0). */
  readonly interceptS: number;
  /** Extra seconds per payload byte (≥ 0). */
  readonly perByteS: number;
  /** Largest |measured − fitted| over the rows, seconds: the fit's error, printed. */
  readonly maxResidualS: number;
  readonly points: number;
}

/** Least-squares line through (payloadBytes, overheadS), clamped to non-negative coefficients. */
export function fitOverhead(rows: readonly OverheadRow[]): OverheadFit | null {
  if (rows.length === 0) return null;
  const n = rows.length;
  const mx = rows.reduce((a, r) => a + r.payloadBytes, 0) / n;
  const my = rows.reduce((a, r) => a + r.overheadS, 0) / n;
  const sxx = rows.reduce((a, r) => a + (r.payloadBytes - mx) ** 2, 0);
  const sxy = rows.reduce((a, r) => a + (r.payloadBytes - mx) * (r.overheadS - my), 0);
  let perByteS = sxx > 0 ? Math.max(0, sxy / sxx) : 0;
  let interceptS = my - perByteS * mx;
  if (interceptS < 0) {
    interceptS = 0;
    perByteS = Math.max(0, my / Math.max(mx, 1));
  }
  const maxResidualS = Math.max(...rows.map((r) => Math.abs(r.overheadS - (interceptS + perByteS * r.payloadBytes))));
  return { interceptS, perByteS, maxResidualS, points: n };
}

/**
 * Round trips measured at the smallest payload of each kind: enough for the tail of the
 * distribution (the 97.5th percentile is the 2nd-largest of 40), in about a second per agent.
 */
export const ROUND_TRIP_TAIL_SAMPLES = 40;

/**
 * Round trips per idle gap: enough for a median and a p90 at three gaps in a few seconds per
 * agent (the gaps dominate: 12 × (20 + 100 + 300) ms ≈ 5 s).
 */
export const ROUND_TRIP_IDLE_SAMPLES = 12;

/** Idle gaps (ms) `parasim validate` measures the round trip after: below, around and above the
 * knee measured on the testbed host (back to back 1.0 ms, 10 ms 1.1, 30 ms 1.8, 100 ms 1.9, 300 ms
 * 2.2 ms at the median; docs/validation.md). */
export const ROUND_TRIP_IDLE_GAPS_MS: readonly number[] = [20, 100, 300];

/** True for rows measured back to back (no idle gap before each request). */
export function backToBack(r: OverheadRow): boolean {
  return (r.idleGapS ?? 0) === 0;
}

/**
 * The samples of the rows of one device type to draw request overheads from: those of the kind
 * whose median line has the smallest intercept (what every request pays, as fitsByType), pooled
 * over payloads (the per-byte slope is not applied, see round-trip-links.ts); empty without.
 */
export function overheadSamples(rows: readonly OverheadRow[], kind: AgentServiceKind): number[] {
  return rows.filter((r) => r.kind === kind && backToBack(r)).flatMap((r) => r.samplesS ?? []);
}

/** Per idle gap (ascending), the samples of `kind` measured after it (pooled over rows). */
export function idleOverheadSamples(
  rows: readonly OverheadRow[],
  kind: AgentServiceKind,
): { readonly idleS: number; readonly samplesS: number[] }[] {
  const byGap = new Map<number, number[]>();
  for (const r of rows)
    if (r.kind === kind && !backToBack(r))
      byGap.set(r.idleGapS!, [...(byGap.get(r.idleGapS!) ?? []), ...(r.samplesS ?? [])]);
  return [...byGap]
    .filter(([, xs]) => xs.length > 0)
    .sort((a, b) => a[0] - b[0])
    .map(([idleS, samplesS]) => ({ idleS, samplesS }));
}

export const OVERHEAD_COLUMNS = ['device', 'kind', 'payload_bytes', 'overhead_s', 'idle_gap_s', 'source'] as const;

export function overheadCsv(rows: readonly OverheadRow[]): string {
  const q = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = [OVERHEAD_COLUMNS.join(',')];
  for (const r of rows)
    lines.push(
      [
        q(r.deviceType),
        r.kind,
        String(r.payloadBytes),
        String(Number(r.overheadS.toPrecision(6))),
        String(r.idleGapS ?? 0),
        q(r.source),
      ].join(','),
    );
  return `${lines.join('\n')}\n`;
}

export function writeOverheadCsv(file: string, rows: readonly OverheadRow[]): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}`);
  fs.writeFileSync(tmp, overheadCsv(rows));
  fs.renameSync(tmp, file);
}
