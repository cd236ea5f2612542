/**
 * Closed-loop clients: the requests of a `process: closed` service are issued on completions,
 * not pulled from a time-ordered stream, so the host (simulator or live controller) drives them:
 * it asks for the first request of every client at t = 0 and for the next one when a client's
 * request ends. This class owns the draws only — think times from `arrivals:<service>`, token
 * counts from `tokens:<service>` — so both hosts issue the same sequence for the same seed.
 */
import type { ArrivalOptions, ArrivalSpec, MutableArrival, RandomDraws } from './types.js';
import { tokenSampler, type TokenSampler } from './token-sampler.js';

type ClosedSpec = Extract<ArrivalSpec, { process: 'closed' }>;

/**
 * Delay before a client retries after its request was dropped or failed (assumption: a
 * benchmark harness waits for the server — e.g. vLLM's bench polls until the endpoint answers —
 * rather than re-sending at once; with zero think time a service that refuses every request
 * would otherwise re-issue forever at one instant. 1 s keeps the refusals while instances load
 * to a few per client, each still counted).
 */
export const CLOSED_RETRY_S = 1;

export class ClosedLoopClients {
  readonly concurrency: number;
  private readonly prompt: TokenSampler;
  private readonly output: TokenSampler;
  private readonly rng: RandomDraws;
  private readonly thinkMeanS: number;
  private readonly exponential: boolean;

  constructor(spec: ClosedSpec, opts: Omit<ArrivalOptions, 'horizonS'>) {
    if (!(Number.isInteger(spec.concurrency) && spec.concurrency >= 1) || !(spec.thinkS >= 0)) {
      throw new RangeError(
        `closed loop needs an integer concurrency ≥ 1 and think_s ≥ 0 (got ${spec.concurrency}, ${spec.thinkS})`,
      );
    }
    this.concurrency = spec.concurrency;
    this.prompt = tokenSampler(opts.promptTokens, opts.tokenRng);
    this.output = tokenSampler(opts.outputTokens, opts.tokenRng);
    this.rng = opts.arrivalRng;
    this.thinkMeanS = spec.thinkS;
    this.exponential = spec.thinkDist === 'exponential' && spec.thinkS > 0;
  }

  /**
   * Fills `out` with a client's next request: sent at `endS` (when its previous one ended, or 0)
   * plus a think time; `served` false means the previous one was dropped or failed.
   */
  next(out: MutableArrival, endS: number, served: boolean): void {
    let think = this.exponential ? this.rng.exponential(1 / this.thinkMeanS) : this.thinkMeanS;
    if (!served && think < CLOSED_RETRY_S) think = CLOSED_RETRY_S;
    out.timeS = endS + think;
    out.promptTokens = this.prompt();
    out.outputTokens = this.output();
  }

  /** The first request of a client: all clients start at t = 0, as a benchmark run does. */
  first(out: MutableArrival): void {
    out.timeS = 0;
    out.promptTokens = this.prompt();
    out.outputTokens = this.output();
  }
}
