/**
 * Readers on the real trace copies in traces/data, checked against figures computed here by a
 * different, whole-file method (readFileSync + split + Date.UTC).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TraceReader, openArrivals, replayCount, traceSummary, type MutableArrival } from '../../traces/index.js';
import { rngStream } from '../../sim/kernel/index.js';

const DATA = fileURLToPath(new URL('../../traces/data/', import.meta.url));
const AZURE = `${DATA}azure-llm-2023-code.csv`;
const FUNCS = `${DATA}azure-functions-2021-head199.csv`;

/** Seconds since epoch of `2023-11-16 18:17:03.9799600`, by Date.UTC + the fraction. */
function stamp(s: string): number {
  const [date, time] = s.split(' ') as [string, string];
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const [hms, frac = '0'] = time.split('.') as [string, string?];
  const [h, mi, se] = hms.split(':').map(Number) as [number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, se) / 1000 + Number(`0.${frac}`);
}

function wholeFile(path: string): string[][] {
  return readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.length > 0)
    .slice(1)
    .map((l) => l.split(','));
}

describe('traces › azure-llm-2023 reader › real code trace', () => {
  const rows = wholeFile(AZURE);
  it('reads every row with times from the first row and exact token sums', () => {
    const s = traceSummary(AZURE, 'azure-llm-2023');
    expect(rows.length).toBe(8819);
    expect(s.rows).toBe(8819);
    expect(s.firstS).toBe(0);
    const span = stamp(rows[rows.length - 1]![0]!) - stamp(rows[0]![0]!);
    expect(s.lastS).toBeCloseTo(span, 5);
    expect(s.lastS).toBeCloseTo(3435.948056, 6); // 18:17:03.9799600 → 19:14:19.9280160
    expect(s.promptTokens).toBe(rows.reduce((a, r) => a + Number(r[1]), 0));
    expect(s.outputTokens).toBe(rows.reduce((a, r) => a + Number(r[2]), 0));
    expect(s.prompt.max).toBe(7437);
    expect(s.output.min).toBe(6);
    expect(s.clampedRows).toBe(0);
    expect(replayCount(AZURE, 'azure-llm-2023')).toBe(8819);
  });
  it('every arrival time matches the whole-file computation (7-digit fractions kept)', () => {
    const reader = TraceReader.open(AZURE, 'azure-llm-2023');
    const a: MutableArrival = { timeS: 0, promptTokens: 0, outputTokens: 0 };
    const t0 = stamp(rows[0]![0]!);
    let worst = 0;
    let tokenMismatches = 0;
    let i = 0;
    while (reader.next(a)) {
      worst = Math.max(worst, Math.abs(a.timeS - (stamp(rows[i]![0]!) - t0)));
      if (a.promptTokens !== Number(rows[i]![1]) || a.outputTokens !== Number(rows[i]![2])) tokenMismatches++;
      i++;
    }
    expect(tokenMismatches).toBe(0);
    expect(i).toBe(rows.length);
    // Date.UTC/1000 + fraction loses ~0.2 µs at epoch scale; the reader itself keeps 100 ns.
    expect(worst).toBeLessThan(1e-6);
    expect(reader.skippedRows).toBe(0);
  });
  it('reads the second row at exactly 0.052 s (100 ns digits are not lost)', () => {
    const reader = TraceReader.open(AZURE, 'azure-llm-2023');
    const a: MutableArrival = { timeS: 0, promptTokens: 0, outputTokens: 0 };
    reader.next(a);
    reader.next(a);
    reader.close();
    expect(a.timeS).toBeCloseTo(0.052, 12); // 04.0319600 − 03.9799600
  });
});

describe('traces › azure-functions-2021 reader › real head of the trace', () => {
  const rows = wholeFile(FUNCS);
  it('arrival = end − duration, in file order, 199 rows, no tokens', () => {
    const arrivals = rows.map((r) => Number(r[2]) - Number(r[3]));
    const s = traceSummary(FUNCS, 'azure-functions-2021');
    expect(s.rows).toBe(199);
    expect(s.hasTokens).toBe(false);
    expect(s.firstS).toBe(0);
    expect(s.lastS).toBeCloseTo(arrivals[arrivals.length - 1]! - arrivals[0]!, 9);
    expect(s.lastS).toBeCloseTo(1200.0133, 3);
    expect(s.clampedRows).toBe(0);
  });
  it('takes token counts from the service TokenSpec', () => {
    const src = openArrivals(
      { process: 'trace', format: 'azure-functions-2021', path: FUNCS },
      {
        promptTokens: { dist: 'fixed', value: 7 },
        outputTokens: { dist: 'uniform', min: 1, max: 3 },
        arrivalRng: rngStream(1, 'arrivals:seg'),
        tokenRng: rngStream(1, 'tokens:seg'),
        horizonS: 1e9,
      },
    );
    const a: MutableArrival = { timeS: 0, promptTokens: 0, outputTokens: 0 };
    let n = 0;
    let bad = 0;
    while (src.next(a)) {
      n++;
      if (a.promptTokens !== 7 || a.outputTokens < 1 || a.outputTokens > 3) bad++;
    }
    expect(n).toBe(199);
    expect(bad).toBe(0);
  });
});
