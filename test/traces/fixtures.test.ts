/** Readers on small fixture files written by the test (formats we have no real copy of). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  TraceReader,
  openArrivals,
  traceSummary,
  type ArrivalSpec,
  type MutableArrival,
  type TokenSpec,
  type TraceFormat,
} from '../../traces/index.js';
import type { TraceReadOptions } from '../../traces/index.js';
import { LineReader } from '../../traces/line-reader.js';
import { splitCsvLine } from '../../traces/csv-fields.js';
import { rngStream } from '../../sim/kernel/index.js';

const DIR = mkdtempSync(join(tmpdir(), 'parasim-traces-'));
function fixture(name: string, text: string): string {
  const p = join(DIR, name);
  writeFileSync(p, text);
  return p;
}

type Row = [number, number, number];
function readAll(path: string, format: TraceFormat, opts: TraceReadOptions = {}): Row[] {
  const r = TraceReader.open(path, format, opts);
  const a: MutableArrival = { timeS: 0, promptTokens: 0, outputTokens: 0 };
  const rows: Row[] = [];
  while (r.next(a)) rows.push([a.timeS, a.promptTokens, a.outputTokens]);
  r.close();
  return rows;
}

function arrivals(spec: ArrivalSpec, horizonS = 1e9, tokens: TokenSpec = { dist: 'fixed', value: 5 }): Row[] {
  const src = openArrivals(spec, {
    promptTokens: tokens,
    outputTokens: tokens,
    arrivalRng: rngStream(1, 'arrivals:t'),
    tokenRng: rngStream(1, 'tokens:t'),
    horizonS,
  });
  const a: MutableArrival = { timeS: 0, promptTokens: 0, outputTokens: 0 };
  const rows: Row[] = [];
  while (src.next(a)) rows.push([a.timeS, a.promptTokens, a.outputTokens]);
  src.close();
  return rows;
}

describe('traces › azure-llm-2024 reader › CRLF fixture', () => {
  it('reads CRLF rows with a trailing CRLF, 7-digit fractions and +00:00 offsets', () => {
    const p = fixture(
      'azure2024.csv',
      'TIMESTAMP,ContextTokens,GeneratedTokens\r\n' +
        '2024-05-10 23:59:59.9999999+00:00,100,10\r\n' +
        '2024-05-11 00:00:00.0000001+00:00,200,20\r\n' +
        '2024-05-11 00:00:02.5+00:00,300,30\r\n',
    );
    const rows = readAll(p, 'azure-llm-2024');
    expect(rows.length).toBe(3);
    expect(rows[0]).toEqual([0, 100, 10]);
    expect(rows[1]![0]).toBeCloseTo(2e-7, 12); // across midnight and a day boundary
    expect(rows[2]![0]).toBeCloseTo(2.5000001, 9);
    expect(rows[2]!.slice(1)).toEqual([300, 30]);
  });
  it('applies a time-zone offset (same instant written in two zones is a tie)', () => {
    const p = fixture(
      'zones.csv',
      'TIMESTAMP,ContextTokens,GeneratedTokens\n2024-05-10 12:00:00+00:00,1,1\n2024-05-10 14:00:01+02:00,1,1\n',
    );
    expect(readAll(p, 'azure-llm-2024').map((r) => r[0])).toEqual([0, 1]);
  });
});

describe('traces › burstgpt reader › fixture', () => {
  const p = fixture(
    'burst.csv',
    'Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n' +
      '5,ChatGPT,472,18,490,Conversation log\n' +
      '5,GPT-4,1000,0,1000,API log\n' +
      '6,ChatGPT,200,40,240,API log\n' +
      '9,GPT-4,300,50,350,Conversation log\n' +
      '12,ChatGPT,100,10,110,Conversation log\n',
  );
  it('reads all rows, times from the first row, ties kept', () => {
    expect(readAll(p, 'burstgpt')).toEqual([
      [0, 472, 18],
      [0, 1000, 0],
      [1, 200, 40],
      [4, 300, 50],
      [7, 100, 10],
    ]);
  });
  it('filters by model and log type; times stay on the file origin', () => {
    expect(readAll(p, 'burstgpt', { filter: { model: 'GPT-4' } }).map((r) => r[0])).toEqual([0, 4]);
    expect(
      readAll(p, 'burstgpt', { filter: { model: 'ChatGPT', logType: 'Conversation log' } }).map((r) => r[0]),
    ).toEqual([0, 7]);
    const s = traceSummary(p, 'burstgpt', { filter: { logType: 'API log' } });
    expect([s.rows, s.filteredRows, s.promptTokens, s.outputTokens]).toEqual([2, 3, 1200, 40]);
  });
  it('replays a recorded 0-token response as 1 token', () => {
    const rows = arrivals({ process: 'trace', format: 'burstgpt', path: p, filter: { model: 'GPT-4' } });
    expect(rows[0]).toEqual([0, 1000, 1]);
  });
});

describe('traces › mooncake reader › JSONL fixture', () => {
  const p = fixture(
    'mooncake.jsonl',
    '{"timestamp": 27482, "input_length": 6955, "output_length": 52, "hash_ids": [46, 47, 48]}\n' +
      '{"timestamp": 27482, "input_length": 6472, "output_length": 26, "hash_ids": [46, 47, 49]}\n' +
      '\n' +
      '{"timestamp": 30535, "input_length": 6478, "output_length": 19, "hash_ids": []}\n',
  );
  it('reads ms timestamps as seconds from the first row, ties in file order', () => {
    const rows = readAll(p, 'mooncake');
    expect(rows.length).toBe(3);
    expect(rows[0]).toEqual([0, 6955, 52]);
    expect(rows[1]).toEqual([0, 6472, 26]);
    expect(rows[2]![0]).toBeCloseTo(3.053, 12);
  });
});

describe('traces › generic csv reader › column mapping', () => {
  it('reads s, ms, us and iso time columns, quoted fields, extra columns', () => {
    const body = (t: string[]) =>
      `id,"when",prompt,out,note\n` + t.map((x, i) => `${i},${x},${10 + i},${20 + i},"a, ""quoted"" note"\n`).join('');
    const cases: Array<['s' | 'ms' | 'us' | 'iso', string[]]> = [
      ['s', ['100', '100.5', '103']],
      ['ms', ['100000', '100500', '103000']],
      ['us', ['100000000', '100500000', '103000000']],
      ['iso', ['2024-01-01T00:01:40', '2024-01-01T00:01:40.5', '"2024-01-01 00:01:43"']],
    ];
    for (const [unit, times] of cases) {
      const p = fixture(`generic-${unit}.csv`, body(times));
      const rows = readAll(p, 'csv', {
        columns: { time: 'when', timeUnit: unit, promptTokens: 'prompt', outputTokens: 'out' },
      });
      expect(rows).toEqual([
        [0, 10, 20],
        [0.5, 11, 21],
        [3, 12, 22],
      ]);
    }
  });
  it('samples token counts the mapping does not name', () => {
    const p = fixture('generic-notokens.csv', 't\n0\n1\n2\n');
    const rows = arrivals({ process: 'trace', format: 'csv', path: p, columns: { time: 't', timeUnit: 's' } });
    expect(rows).toEqual([
      [0, 5, 5],
      [1, 5, 5],
      [2, 5, 5],
    ]);
  });
});

describe('traces › transforms', () => {
  const lines = ['Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type'];
  for (let i = 0; i <= 100; i++) lines.push(`${i},ChatGPT,${i * 10 + 1},${i + 1},0,API log`);
  const p = fixture('ramp.csv', lines.join('\n'));
  const spec = { process: 'trace', format: 'burstgpt', path: p } as const;
  it('window keeps [startS, endS) from the first row and shifts it to 0', () => {
    const rows = arrivals({ ...spec, transform: { windowS: { startS: 10, endS: 20 } } });
    expect(rows.map((r) => r[0])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(rows[0]![1]).toBe(101);
  });
  it('rate scale divides times; clipping caps tokens; the horizon cuts', () => {
    const rows = arrivals(
      {
        ...spec,
        transform: { windowS: { startS: 10, endS: 20 }, rateScale: 4, maxPromptTokens: 150, maxOutputTokens: 12 },
      },
      2,
    );
    expect(rows.map((r) => r[0])).toEqual([0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75]);
    expect(rows.map((r) => r[1])).toEqual([101, 111, 121, 131, 141, 150, 150, 150]);
    expect(rows.map((r) => r[2])).toEqual([11, 12, 12, 12, 12, 12, 12, 12]);
  });
});

describe('traces › line reader › chunk boundaries', () => {
  it('gives the same lines for every chunk size, with multi-byte characters and mixed line ends', () => {
    const text = 'héader,ü\r\nα,β\n\n€€€,1\r\nlast,no-newline';
    const p = fixture('chunks.txt', `\uFEFF${text}`);
    const expected = ['héader,ü', 'α,β', '', '€€€,1', 'last,no-newline'];
    for (const size of [1, 2, 3, 5, 7, 64, 1 << 20]) {
      const r = new LineReader(p, size);
      const got: string[] = [];
      for (let l = r.next(); l !== undefined; l = r.next()) got.push(l);
      expect(got).toEqual(expected);
      expect(r.lineNo).toBe(5);
    }
  });
});

describe('traces › csv field splitter', () => {
  it('handles quotes, escaped quotes, empty fields and trailing commas', () => {
    const f: string[] = [];
    const n = splitCsvLine('a,"b,c","d ""e""",,"",x,', f);
    expect(f.slice(0, n)).toEqual(['a', 'b,c', 'd "e"', '', '', 'x', '']);
    expect(f.slice(0, splitCsvLine('', f))).toEqual(['']);
  });
});
