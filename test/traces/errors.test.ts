/** Bad trace files: every error names file, row and column; skipBadRows counts instead. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  TraceFormatError,
  TraceReader,
  openArrivals,
  replayCount,
  traceSummary,
  type MutableArrival,
  type TraceFormat,
} from '../../traces/index.js';
import { rngStream } from '../../sim/kernel/index.js';

const DIR = mkdtempSync(join(tmpdir(), 'parasim-trace-errors-'));
function fixture(name: string, text: string): string {
  const p = join(DIR, name);
  writeFileSync(p, text);
  return p;
}

/** The TraceFormatError thrown while streaming the whole file. */
function errorOf(path: string, format: TraceFormat): TraceFormatError {
  try {
    replayCount(path, format);
  } catch (e) {
    if (e instanceof TraceFormatError) return e;
    throw e;
  }
  throw new Error('expected a TraceFormatError');
}

const AZ = 'TIMESTAMP,ContextTokens,GeneratedTokens\n';

describe('traces › bad rows › located errors', () => {
  it('names file:row:column for a bad token count (header is row 1)', () => {
    const p = fixture('bad-token.csv', `${AZ}2023-11-16 18:17:03.97,10,1\n2023-11-16 18:17:04.01,12x,1\n`);
    const e = errorOf(p, 'azure-llm-2023');
    expect([e.file, e.row, e.column]).toEqual([p, 3, 2]);
    expect(e.message).toBe(`${p}:3:2: column "ContextTokens": expected a non-negative integer, got "12x"`);
  });
  it('names the time column for a malformed timestamp and for a missing field', () => {
    const p = fixture('bad-time.csv', `${AZ}2023-11-16 18:17:03.97,10,1\n2023-13-16 18:17:04,1,1\n`);
    expect(errorOf(p, 'azure-llm-2023').message).toBe(
      `${p}:3:1: column "TIMESTAMP": expected a date-time like 2023-11-16 18:15:46.6805900, got "2023-13-16 18:17:04"`,
    );
    const q = fixture('short-row.csv', `${AZ}2023-11-16 18:17:03.97,10\n`);
    expect(errorOf(q, 'azure-llm-2023').message).toBe(`${q}:2:3: missing column "GeneratedTokens" (row has 2 fields)`);
  });
  it('rejects an empty cell rather than reading it as 0', () => {
    const p = fixture('empty-cell.csv', `${AZ}2023-11-16 18:17:03.97,,1\n`);
    expect(errorOf(p, 'azure-llm-2023').message).toBe(
      `${p}:2:2: column "ContextTokens": expected a non-negative integer, got ""`,
    );
  });
  it('locates JSONL errors at the offending key', () => {
    const p = fixture(
      'bad.jsonl',
      '{"timestamp": 0, "input_length": 5, "output_length": 1}\n{"timestamp": 10, "input_length": -5, "output_length": 1}\n',
    );
    expect(errorOf(p, 'mooncake').message).toBe(
      `${p}:2:19: key "input_length": expected a non-negative integer, got -5`,
    );
    const q = fixture('broken.jsonl', '{"timestamp": 0, "input_length": 5, "output_length": 1}\n{"timestamp": 1,\n');
    const e = errorOf(q, 'mooncake');
    expect(e.row).toBe(2);
    expect(e.detail).toMatch(/^not valid JSON/);
    const r = fixture('missing.jsonl', '{"timestamp": 0, "input_length": 5}\n');
    expect(errorOf(r, 'mooncake').message).toBe(
      `${r}:1:1: key "output_length": expected a non-negative integer, missing`,
    );
  });
  it('rejects a row more than 1 ms earlier than the previous one, clamps smaller steps back', () => {
    const p = fixture(
      'order.csv',
      `app,func,end_timestamp,duration\na,f,10,0\na,f,10.0005,0.001\na,f,12,0\na,f,11,0\n`,
    );
    const e = errorOf(p, 'azure-functions-2021');
    expect(e.message).toBe(`${p}:5:3: time 1 s is earlier than the previous row's 2 s; rows must be in arrival order`);
    const s = traceSummary(p, 'azure-functions-2021', { skipBadRows: true });
    expect([s.rows, s.clampedRows, s.skippedRows, s.lastS]).toEqual([3, 1, 1, 2]);
  });
});

describe('traces › skipBadRows', () => {
  it('skips and counts malformed rows, keeping the good ones', () => {
    const p = fixture(
      'mixed.csv',
      `${AZ}2023-11-16 18:17:00,10,1\nnot a time,1,1\n2023-11-16 18:17:01,x,1\n2023-11-16 18:17:02,30,3\n"unclosed,1,1\n2023-11-16 18:17:03,40,4\n`,
    );
    const s = traceSummary(p, 'azure-llm-2023', { skipBadRows: true });
    expect([s.rows, s.skippedRows, s.promptTokens, s.lastS]).toEqual([3, 3, 80, 3]);
    const src = openArrivals(
      { process: 'trace', format: 'azure-llm-2023', path: p, skipBadRows: true },
      {
        promptTokens: { dist: 'fixed', value: 1 },
        outputTokens: { dist: 'fixed', value: 1 },
        arrivalRng: rngStream(1, 'a'),
        tokenRng: rngStream(1, 't'),
        horizonS: 1e9,
      },
    );
    const a: MutableArrival = { timeS: 0, promptTokens: 0, outputTokens: 0 };
    let n = 0;
    expect(src.skippedRows).toBe(0);
    while (src.next(a)) n++;
    expect(n).toBe(3);
    expect(src.skippedRows).toBe(3);
  });
  it('without it, the first bad row throws from next() after the good rows before it', () => {
    const p = fixture('late-bad.csv', `${AZ}2023-11-16 18:17:00,10,1\n2023-11-16 18:17:01,x,1\n`);
    const r = TraceReader.open(p, 'azure-llm-2023');
    const a: MutableArrival = { timeS: 0, promptTokens: 0, outputTokens: 0 };
    expect(r.next(a)).toBe(true);
    expect(() => r.next(a)).toThrow(TraceFormatError);
  });
});

describe('traces › whole-file errors', () => {
  it('an empty file names the file and the expected columns', () => {
    const p = fixture('empty.csv', '');
    expect(() => TraceReader.open(p, 'azure-llm-2023')).toThrow(
      `${p}: empty file; expected header TIMESTAMP,ContextTokens,GeneratedTokens`,
    );
    const q = fixture('blank.jsonl', '\n\n');
    expect(() => TraceReader.open(q, 'mooncake')).toThrow(
      `${q}: empty file; expected one JSON object per line with "timestamp" (ms), "input_length", "output_length"`,
    );
  });
  it('a header-only file is a valid trace with no arrivals', () => {
    const p = fixture('header-only.csv', AZ);
    expect(replayCount(p, 'azure-llm-2023')).toBe(0);
  });
  it('a wrong header names the missing and the expected columns', () => {
    const p = fixture('wrong-header.csv', 'time,prompt,output\n1,2,3\n');
    let err: unknown;
    try {
      TraceReader.open(p, 'burstgpt');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TraceFormatError);
    expect((err as TraceFormatError).message).toBe(
      `${p}:1:1: wrong header: missing "Timestamp", "Request tokens", "Response tokens"; expected columns Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type, got "time,prompt,output"`,
    );
  });
  it('a missing file is a TraceFormatError too', () => {
    const p = join(DIR, 'nope.csv');
    expect(() => TraceReader.open(p, 'azure-llm-2023')).toThrow(TraceFormatError);
  });
  it('a generic csv without a column mapping is refused', () => {
    const p = fixture('g.csv', 't\n1\n');
    expect(() => TraceReader.open(p, 'csv')).toThrow(/needs a `columns` mapping/);
  });
});
