/**
 * Streams a trace file as raw arrivals: times in seconds measured from the first valid data row
 * of the file (before any filter, so services filtered from one file stay aligned), token
 * counts as recorded (NaN where the format has none). Reading is lazy and synchronous: the
 * simulator pulls rows inside event handlers, and memory stays at one 1 MiB chunk.
 *
 * Order: rows must be in arrival order. Ties are fine (Mooncake). A row up to 1 ms earlier than
 * the previous one (float rounding, e.g. end − duration) is clamped to the previous time and
 * counted in `clampedRows`; an earlier row is a bad row (an error naming its row and time
 * column, or skipped with `skipBadRows`) — silently reordering would change the workload.
 */
import type { ArrivalSource, CsvColumns, MutableArrival, TraceFilter, TraceFormat } from './types.js';
import { FieldError, TraceFormatError } from './trace-error.js';
import { LineReader } from './line-reader.js';
import { lineDecoder, type LineDecoder } from './row-decoders.js';

export interface TraceReadOptions {
  readonly columns?: CsvColumns;
  readonly filter?: TraceFilter;
  readonly skipBadRows?: boolean;
}

/** Backward steps up to this are float noise and are clamped, not rejected. */
const CLAMP_TOLERANCE_S = 1e-3;

export class TraceReader implements ArrivalSource {
  /** Malformed rows skipped (only with `skipBadRows`; otherwise the first one throws). */
  skippedRows = 0;
  /** Rows moved forward by at most 1 ms to keep the stream sorted. */
  clampedRows = 0;
  /** Valid rows dropped by the filter. */
  filteredRows = 0;
  private origin = NaN;
  private last = Number.NEGATIVE_INFINITY;
  private pending: string | undefined;

  private constructor(
    readonly file: string,
    private readonly lines: LineReader,
    private readonly decoder: LineDecoder,
    private readonly skipBadRows: boolean,
  ) {}

  /**
   * Opens `file` and checks its header (or, for JSONL, that it has any line). Throws
   * TraceFormatError if the file cannot be read, is empty or has the wrong header.
   */
  static open(file: string, format: TraceFormat, opts: TraceReadOptions = {}): TraceReader {
    const decoder = lineDecoder(format, opts);
    let lines: LineReader;
    try {
      lines = new LineReader(file);
    } catch (e) {
      throw new TraceFormatError(file, 0, 0, `cannot read the file (${e instanceof Error ? e.message : String(e)})`);
    }
    const reader = new TraceReader(file, lines, decoder, opts.skipBadRows === true);
    try {
      let first = lines.next();
      while (first !== undefined && first.trim().length === 0) first = lines.next();
      if (first === undefined)
        throw new TraceFormatError(
          file,
          0,
          0,
          `empty file; expected ${decoder.hasHeader ? 'header ' : ''}${decoder.expected}`,
        );
      if (decoder.hasHeader) {
        const problem = decoder.header(first);
        if (problem !== undefined) throw new TraceFormatError(file, lines.lineNo, 1, problem);
      } else {
        reader.pending = first;
      }
    } catch (e) {
      lines.close();
      throw e;
    }
    return reader;
  }

  next(out: MutableArrival): boolean {
    for (;;) {
      let line = this.pending;
      if (line === undefined) line = this.lines.next();
      else this.pending = undefined;
      if (line === undefined) return false;
      if (line.length === 0) continue;
      let keep: boolean;
      try {
        keep = this.decoder.decode(line, out);
      } catch (e) {
        if (!(e instanceof FieldError)) throw e;
        this.bad(e.column, e.detail);
        continue;
      }
      if (Number.isNaN(this.origin)) this.origin = out.timeS;
      let t = out.timeS - this.origin;
      if (t < this.last) {
        if (this.last - t > CLAMP_TOLERANCE_S) {
          this.bad(
            this.decoder.timeColumn,
            `time ${fmt(t)} s is earlier than the previous row's ${fmt(this.last)} s; rows must be in arrival order`,
          );
          continue;
        }
        t = this.last;
        this.clampedRows++;
      }
      this.last = t;
      if (!keep) {
        this.filteredRows++;
        continue;
      }
      out.timeS = t;
      return true;
    }
  }

  close(): void {
    this.lines.close();
  }

  private bad(column: number, detail: string): void {
    if (!this.skipBadRows) {
      this.lines.close();
      throw new TraceFormatError(this.file, this.lines.lineNo, column, detail);
    }
    this.skippedRows++;
  }
}

function fmt(s: number): string {
  return String(Math.round(s * 1e6) / 1e6);
}
