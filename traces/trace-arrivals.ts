/**
 * A trace as an arrival stream: the raw reader plus the scenario's transforms, in this order:
 * time window [startS, endS) (measured from the trace's first row, then shifted to 0), rate
 * scaling (times divided by `rateScale`), token clipping. Token counts the format lacks come
 * from the service's TokenSpec samplers; recorded counts of 0 are replayed as 1 (every request
 * has a prompt and yields a token). Reading stops at the window end or the horizon without
 * touching the rest of the file.
 */
import type { ArrivalSource, ArrivalSpec, MutableArrival, TraceTransform } from './types.js';
import type { TokenSampler } from './token-sampler.js';
import { TraceReader } from './trace-reader.js';

type TraceSpec = Extract<ArrivalSpec, { process: 'trace' }>;

export class TraceArrivals implements ArrivalSource {
  private done = false;
  private readonly startS: number;
  private readonly endS: number;
  private readonly scale: number;
  private readonly maxPrompt: number;
  private readonly maxOutput: number;

  constructor(
    private readonly reader: TraceReader,
    transform: TraceTransform | undefined,
    private readonly horizonS: number,
    private readonly prompt: TokenSampler,
    private readonly output: TokenSampler,
  ) {
    const w = transform?.windowS;
    this.startS = w?.startS ?? 0;
    this.endS = w?.endS ?? Number.POSITIVE_INFINITY;
    this.scale = transform?.rateScale ?? 1;
    this.maxPrompt = transform?.maxPromptTokens ?? Number.POSITIVE_INFINITY;
    this.maxOutput = transform?.maxOutputTokens ?? Number.POSITIVE_INFINITY;
    if (!(this.startS >= 0) || !(this.endS > this.startS))
      throw new RangeError(`trace window needs 0 ≤ startS < endS (got ${this.startS}, ${this.endS})`);
    if (!(this.scale > 0)) throw new RangeError(`rateScale must be > 0 (got ${this.scale})`);
    if (!(this.maxPrompt >= 1) || !(this.maxOutput >= 1)) throw new RangeError('token clipping limits must be ≥ 1');
  }

  /** Malformed rows skipped so far (with `skipBadRows`). */
  get skippedRows(): number {
    return this.reader.skippedRows;
  }

  /** Rows clamped forward by ≤ 1 ms to keep the stream sorted. */
  get clampedRows(): number {
    return this.reader.clampedRows;
  }

  next(out: MutableArrival): boolean {
    if (this.done) return false;
    for (;;) {
      if (!this.reader.next(out)) return this.finish();
      const raw = out.timeS;
      if (raw < this.startS) continue;
      if (raw >= this.endS) return this.finish();
      const t = (raw - this.startS) / this.scale;
      if (!(t < this.horizonS)) return this.finish();
      out.timeS = t;
      out.promptTokens = tokens(out.promptTokens, this.prompt, this.maxPrompt);
      out.outputTokens = tokens(out.outputTokens, this.output, this.maxOutput);
      return true;
    }
  }

  close(): void {
    this.done = true;
    this.reader.close();
  }

  private finish(): boolean {
    this.close();
    return false;
  }
}

function tokens(recorded: number, sample: TokenSampler, max: number): number {
  const v = Number.isNaN(recorded) ? sample() : recorded < 1 ? 1 : recorded;
  return v > max ? max : v;
}

/** Opens a trace spec; throws TraceFormatError for an unreadable file, empty file or bad header. */
export function openTraceArrivals(
  spec: TraceSpec,
  horizonS: number,
  prompt: TokenSampler,
  output: TokenSampler,
): TraceArrivals {
  const reader = TraceReader.open(spec.path, spec.format, {
    columns: spec.columns,
    filter: spec.filter,
    skipBadRows: spec.skipBadRows,
  });
  try {
    return new TraceArrivals(reader, spec.transform, horizonS, prompt, output);
  } catch (e) {
    reader.close();
    throw e;
  }
}
