/**
 * Arrival specifications (what a scenario asks for) and the pull interface the simulator reads.
 * The interface is synchronous on purpose: the event kernel pulls the next arrival inside an
 * event handler, so a trace of millions of rows is read lazily in chunks, never all at once.
 */

/** Distribution of a token count (prompt or output). */
export type TokenSpec =
  | { readonly dist: 'fixed'; readonly value: number }
  | { readonly dist: 'lognormal'; readonly mean: number; readonly cv: number; readonly max?: number }
  | { readonly dist: 'uniform'; readonly min: number; readonly max: number };

export type TraceFormat =
  'azure-llm-2023' | 'azure-llm-2024' | 'burstgpt' | 'mooncake' | 'azure-functions-2021' | 'csv';

/** Column mapping of a generic CSV trace. */
export interface CsvColumns {
  readonly time: string;
  /** Unit of the time column. `iso` = naive ISO-8601 timestamps. */
  readonly timeUnit: 's' | 'ms' | 'us' | 'iso';
  readonly promptTokens?: string;
  readonly outputTokens?: string;
}

/** Transforms applied to a trace, in this order: window, rate scale, token clipping. */
export interface TraceTransform {
  /** Keep arrivals in [startS, endS) measured from the trace's first arrival, then shift to 0. */
  readonly windowS?: { readonly startS: number; readonly endS: number };
  /** Multiply the arrival rate (divide inter-arrival times) by this factor. */
  readonly rateScale?: number;
  readonly maxPromptTokens?: number;
  readonly maxOutputTokens?: number;
}

export type ArrivalSpec =
  | { readonly process: 'poisson'; readonly ratePerS: number }
  | { readonly process: 'gamma'; readonly ratePerS: number; readonly cv: number }
  | {
      readonly process: 'diurnal';
      readonly meanRatePerS: number;
      /** Peak-to-mean amplitude in [0, 1). */
      readonly amplitude: number;
      readonly periodS: number;
    }
  | {
      readonly process: 'onoff';
      readonly onRatePerS: number;
      readonly meanOnS: number;
      readonly meanOffS: number;
    }
  | {
      /** Camera streams: each of `streams` emits a frame every 1/fps, with a random phase. */
      readonly process: 'periodic';
      readonly streams: number;
      readonly fps: number;
    }
  | {
      /**
       * Closed loop: `concurrency` clients, each with one request outstanding; when its request
       * ends (delivered, dropped or failed) a client thinks `thinkS` and sends the next. How
       * published serving benchmarks load a server (`vllm bench serve --max-concurrency`,
       * llama-batched-bench, LMDeploy static batches). Issued by the host on completions, not
       * pulled as a time-ordered stream (see `ClosedLoopClients`).
       */
      readonly process: 'closed';
      readonly concurrency: number;
      /** Think time between a response and the next request, seconds (≥ 0). */
      readonly thinkS: number;
      /** `fixed` (default): exactly thinkS; `exponential`: exponential with mean thinkS. */
      readonly thinkDist: 'fixed' | 'exponential';
    }
  | {
      readonly process: 'trace';
      readonly format: TraceFormat;
      /** Path, resolved relative to the scenario file by the scenario loader. */
      readonly path: string;
      readonly columns?: CsvColumns;
      readonly transform?: TraceTransform;
      /** Skip and count malformed rows instead of failing. */
      readonly skipBadRows?: boolean;
      /** Keep only rows whose `Model` / `Log Type` equal these (BurstGPT only). */
      readonly filter?: TraceFilter;
    };

/** Row filter of a BurstGPT trace, e.g. `{ model: 'ChatGPT', logType: 'Conversation log' }`. */
export interface TraceFilter {
  readonly model?: string;
  readonly logType?: string;
}

/** One arrival, written into a caller-owned object to avoid allocation per request. */
export interface MutableArrival {
  timeS: number;
  promptTokens: number;
  outputTokens: number;
}

/** A lazily read, time-ordered arrival stream. */
export interface ArrivalSource {
  /** Fills `out` with the next arrival and returns true, or returns false at the end. */
  next(out: MutableArrival): boolean;
  /** Releases file handles; safe to call twice. */
  close(): void;
  /** Trace sources: malformed rows skipped so far (with `skipBadRows`). Absent for generators. */
  readonly skippedRows?: number;
}

/**
 * The draws arrival generators need. The simulator's named `RngStream` satisfies it; traces/
 * imports nothing, so it states the shape it needs instead of importing the kernel's type.
 */
export interface RandomDraws {
  next(): number;
  exponential(rate: number): number;
  normal(mean: number, sd: number): number;
  lognormal(mu: number, sigma: number): number;
  gamma(shape: number, scale: number): number;
}

/** What `openArrivals` needs besides the spec. */
export interface ArrivalOptions {
  readonly promptTokens: TokenSpec;
  readonly outputTokens: TokenSpec;
  /** Stream for inter-arrival times (`arrivals:<service>`). */
  readonly arrivalRng: RandomDraws;
  /** Stream for token counts (`tokens:<service>`), separate so token draws never shift arrivals. */
  readonly tokenRng: RandomDraws;
  /** Arrivals at or after this time are not produced. */
  readonly horizonS: number;
}
