/**
 * Notes that say *why* a run looks the way it does, derived from the result alone (pure, so the
 * live side gets the same notes from the same records). Thresholds are assumptions chosen to
 * flag what a reader would want to know, stated in each note's text:
 * - no ready instance for > 10% of the run;
 * - SLO attainment < 50%, with the dominant way requests were lost;
 * - a link busier than 90%;
 * - overload: requests in flight at the end ≥ 10 and ≥ 2× the count at mid-run (a queue growing
 *   through the run rather than a burst that drained);
 * - services planned with demand 0 are noted by the host (it alone sees the planning view).
 */
import type { RunResult, ServiceResult } from '../../policies/index.js';

const NO_READY_NOTE = 0.1;
const LOW_ATTAINMENT = 0.5;
const BUSY_LINK = 0.9;
const OVERLOAD_MIN_INFLIGHT = 10;

const pct = (x: number): string => `${Math.round(x * 100)}%`;

/** The largest ways requests were lost: `dropped 120 (no-instance 100, queue-full 20)`. */
function losses(s: ServiceResult): string {
  const parts: string[] = [];
  // Stryker disable next-line EqualityOperator: equivalent — reason names are distinct keys, never equal.
  const reasons = Object.entries(s.dropReasons).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const lost = s.dropped + s.failed;
  if (lost > 0)
    parts.push(
      `${lost} dropped or failed${reasons.length ? ` (${reasons.map(([r, n]) => `${r} ${n}`).join(', ')})` : ''}`,
    );
  if (s.late > 0) parts.push(`${s.late} finished late`);
  if (s.inflight > 0) parts.push(`${s.inflight} still in flight at the horizon`);
  // Never empty: called below 50% attainment, and every offered request not ok is one of these (INV-1).
  return parts.join(', ');
}

/** One bucket (mid-run = the end) can never qualify: end ≥ 2 × mid needs end ≤ 0 < 10. */
function overloaded(timeline: readonly number[]): { mid: number; end: number } | null {
  const end = timeline[timeline.length - 1]!;
  const mid = timeline[Math.floor((timeline.length - 1) / 2)]!;
  return end >= OVERLOAD_MIN_INFLIGHT && end >= 2 * mid ? { mid, end } : null;
}

export function explainRun(r: RunResult): string[] {
  const notes: string[] = [];
  for (const [name, s] of Object.entries(r.services)) {
    if (s.noReadyFraction > NO_READY_NOTE) {
      notes.push(`${name}: no ready instance for ${pct(s.noReadyFraction)} of the run (> ${pct(NO_READY_NOTE)})`);
    }
    if (s.offered > 0 && s.sloAttainment < LOW_ATTAINMENT) {
      notes.push(
        `${name}: SLO attainment ${pct(s.sloAttainment)} (< ${pct(LOW_ATTAINMENT)}) of ${s.offered} requests: ${losses(s)}`,
      );
    }
    const o = overloaded(s.inflightTimeline);
    if (o !== null) {
      notes.push(`${name}: overloaded — requests in flight grew from ${o.mid} at mid-run to ${o.end} at the end`);
    }
  }
  for (const [id, l] of Object.entries(r.links)) {
    if (l.utilization > BUSY_LINK)
      notes.push(`link ${id} (${l.type}): ${pct(l.utilization)} busy (> ${pct(BUSY_LINK)}); transfers queue on it`);
  }
  return notes;
}
