/**
 * One decoder per trace format: it checks the header and turns one line into an arrival on the
 * format's own time axis (seconds; the reader later measures it from the first row). Token
 * counts a format does not carry are left NaN and sampled from the service's TokenSpec.
 * Decoders throw `FieldError` naming the 1-based column; the reader adds file and row.
 */
import type { CsvColumns, MutableArrival, TraceFilter, TraceFormat } from './types.js';
import { FieldError } from './trace-error.js';
import { UnclosedQuoteError, splitCsvLine } from './csv-fields.js';
import { TimestampClock, parseCount, parseNumber } from './field-values.js';
import { MooncakeDecoder } from './mooncake-decoder.js';

export interface LineDecoder {
  /** CSV formats have a header line; JSONL does not. */
  readonly hasHeader: boolean;
  /** What the file should look like, for "wrong header" and "empty file" messages. */
  readonly expected: string;
  /** 1-based column of the time field (for out-of-order errors). */
  readonly timeColumn: number;
  /** Binds columns from the header line; returns a problem text, or undefined if it fits. */
  header(line: string): string | undefined;
  /**
   * Decodes a data line into `out` (time in seconds, tokens or NaN). Returns false when a
   * filter drops the row; `out.timeS` is valid even then. Throws FieldError.
   */
  decode(line: string, out: MutableArrival): boolean;
}

export interface DecoderOptions {
  readonly columns?: CsvColumns;
  readonly filter?: TraceFilter;
}

/** Shared CSV mechanics: header binding by column name, field access with typed errors. */
abstract class CsvDecoder implements LineDecoder {
  readonly hasHeader = true;
  protected readonly fields: string[] = [];
  protected count = 0;
  private readonly index = new Map<string, number>();

  constructor(
    /** Columns that must be present, by exact (trimmed) header name. */
    private readonly required: readonly string[],
    readonly expected: string,
  ) {}

  abstract readonly timeColumn: number;
  protected abstract bind(): void;
  protected abstract decodeFields(out: MutableArrival): boolean;

  header(line: string): string | undefined {
    let n: number;
    try {
      n = splitCsvLine(line, this.fields);
    } catch {
      return 'header has an unclosed quote';
    }
    this.index.clear();
    for (let i = 0; i < n; i++) this.index.set(this.fields[i]!.trim(), i);
    const missing = this.required.filter((c) => !this.index.has(c));
    if (missing.length > 0) {
      return `wrong header: missing ${missing.map((c) => JSON.stringify(c)).join(', ')}; expected columns ${this.expected}, got ${JSON.stringify(line.slice(0, 200))}`;
    }
    this.bind();
    return undefined;
  }

  decode(line: string, out: MutableArrival): boolean {
    try {
      this.count = splitCsvLine(line, this.fields);
    } catch (e) {
      if (e instanceof UnclosedQuoteError) throw new FieldError(e.column, 'unclosed quote');
      throw e;
    }
    return this.decodeFields(out);
  }

  /** 0-based position of a header name (bound in `header`). */
  protected col(name: string): number {
    const i = this.index.get(name);
    if (i === undefined) throw new Error(`column ${name} not bound`);
    return i;
  }

  protected text(i: number, name: string): string {
    if (i >= this.count)
      throw new FieldError(i + 1, `missing column ${JSON.stringify(name)} (row has ${this.count} fields)`);
    return this.fields[i]!;
  }

  protected number(i: number, name: string): number {
    const s = this.text(i, name);
    const v = parseNumber(s);
    if (Number.isNaN(v))
      throw new FieldError(i + 1, `column ${JSON.stringify(name)}: expected a number, got ${JSON.stringify(s)}`);
    return v;
  }

  protected tokens(i: number, name: string): number {
    const s = this.text(i, name);
    const v = parseCount(s);
    if (Number.isNaN(v))
      throw new FieldError(
        i + 1,
        `column ${JSON.stringify(name)}: expected a non-negative integer, got ${JSON.stringify(s)}`,
      );
    return v;
  }

  protected timestamp(clock: TimestampClock, i: number, name: string): number {
    const s = this.text(i, name);
    const v = clock.secondsSinceFirst(s);
    if (Number.isNaN(v))
      throw new FieldError(
        i + 1,
        `column ${JSON.stringify(name)}: expected a date-time like 2023-11-16 18:15:46.6805900, got ${JSON.stringify(s)}`,
      );
    return v;
  }
}

/** Azure LLM inference 2023 and 2024: `TIMESTAMP,ContextTokens,GeneratedTokens`. */
class AzureLlmDecoder extends CsvDecoder {
  private readonly clock = new TimestampClock();
  private t = 0;
  private p = 0;
  private o = 0;
  timeColumn = 1;
  constructor() {
    super(['TIMESTAMP', 'ContextTokens', 'GeneratedTokens'], 'TIMESTAMP,ContextTokens,GeneratedTokens');
  }
  protected bind(): void {
    this.t = this.col('TIMESTAMP');
    this.p = this.col('ContextTokens');
    this.o = this.col('GeneratedTokens');
    this.timeColumn = this.t + 1;
  }
  protected decodeFields(out: MutableArrival): boolean {
    out.timeS = this.timestamp(this.clock, this.t, 'TIMESTAMP');
    out.promptTokens = this.tokens(this.p, 'ContextTokens');
    out.outputTokens = this.tokens(this.o, 'GeneratedTokens');
    return true;
  }
}

/** BurstGPT: `Timestamp` (s from start), `Request tokens`, `Response tokens`, with filters. */
class BurstGptDecoder extends CsvDecoder {
  private t = 0;
  private p = 0;
  private o = 0;
  private m = 0;
  private l = 0;
  timeColumn = 1;
  constructor(private readonly filter: TraceFilter | undefined) {
    super(
      [
        'Timestamp',
        'Request tokens',
        'Response tokens',
        ...(filter?.model !== undefined ? ['Model'] : []),
        ...(filter?.logType !== undefined ? ['Log Type'] : []),
      ],
      'Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type',
    );
  }
  protected bind(): void {
    this.t = this.col('Timestamp');
    this.p = this.col('Request tokens');
    this.o = this.col('Response tokens');
    if (this.filter?.model !== undefined) this.m = this.col('Model');
    if (this.filter?.logType !== undefined) this.l = this.col('Log Type');
    this.timeColumn = this.t + 1;
  }
  protected decodeFields(out: MutableArrival): boolean {
    out.timeS = this.number(this.t, 'Timestamp');
    out.promptTokens = this.tokens(this.p, 'Request tokens');
    out.outputTokens = this.tokens(this.o, 'Response tokens');
    const f = this.filter;
    if (f === undefined) return true;
    if (f.model !== undefined && this.text(this.m, 'Model').trim() !== f.model) return false;
    if (f.logType !== undefined && this.text(this.l, 'Log Type').trim() !== f.logType) return false;
    return true;
  }
}

/** Azure Functions 2021: `app,func,end_timestamp,duration`; arrival = end − duration (s). */
class AzureFunctionsDecoder extends CsvDecoder {
  private e = 0;
  private d = 0;
  timeColumn = 3;
  constructor() {
    super(['end_timestamp', 'duration'], 'app,func,end_timestamp,duration');
  }
  protected bind(): void {
    this.e = this.col('end_timestamp');
    this.d = this.col('duration');
    this.timeColumn = this.e + 1;
  }
  protected decodeFields(out: MutableArrival): boolean {
    const end = this.number(this.e, 'end_timestamp');
    const duration = this.number(this.d, 'duration');
    if (duration < 0) throw new FieldError(this.d + 1, `column "duration": negative (${duration})`);
    out.timeS = end - duration;
    out.promptTokens = NaN;
    out.outputTokens = NaN;
    return true;
  }
}

const UNIT_SECONDS = { s: 1, ms: 1e-3, us: 1e-6 } as const;

/** Generic CSV with a column mapping; time in s, ms, µs or naive ISO date-times. */
class GenericCsvDecoder extends CsvDecoder {
  private readonly clock = new TimestampClock();
  private t = 0;
  private p = -1;
  private o = -1;
  timeColumn = 1;
  constructor(private readonly columns: CsvColumns) {
    const names = [
      columns.time,
      ...(columns.promptTokens !== undefined ? [columns.promptTokens] : []),
      ...(columns.outputTokens !== undefined ? [columns.outputTokens] : []),
    ];
    super(names, `${names.join(',')} (time in ${columns.timeUnit})`);
  }
  protected bind(): void {
    this.t = this.col(this.columns.time);
    if (this.columns.promptTokens !== undefined) this.p = this.col(this.columns.promptTokens);
    if (this.columns.outputTokens !== undefined) this.o = this.col(this.columns.outputTokens);
    this.timeColumn = this.t + 1;
  }
  protected decodeFields(out: MutableArrival): boolean {
    const c = this.columns;
    out.timeS =
      c.timeUnit === 'iso'
        ? this.timestamp(this.clock, this.t, c.time)
        : this.number(this.t, c.time) * UNIT_SECONDS[c.timeUnit];
    out.promptTokens = this.p >= 0 ? this.tokens(this.p, c.promptTokens!) : NaN;
    out.outputTokens = this.o >= 0 ? this.tokens(this.o, c.outputTokens!) : NaN;
    return true;
  }
}

/** The decoder of `format`; throws RangeError when a generic CSV has no column mapping. */
export function lineDecoder(format: TraceFormat, opts: DecoderOptions): LineDecoder {
  switch (format) {
    case 'azure-llm-2023':
    case 'azure-llm-2024':
      return new AzureLlmDecoder();
    case 'burstgpt':
      return new BurstGptDecoder(opts.filter);
    case 'mooncake':
      return new MooncakeDecoder();
    case 'azure-functions-2021':
      return new AzureFunctionsDecoder();
    case 'csv':
      if (opts.columns === undefined) throw new RangeError('a generic csv trace needs a `columns` mapping');
      return new GenericCsvDecoder(opts.columns);
    default: {
      const never: never = format;
      throw new RangeError(`unknown trace format ${JSON.stringify(never)}`);
    }
  }
}
