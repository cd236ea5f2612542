/**
 * Synthetic arrival processes. Each is a small state machine whose `next` advances virtual time
 * with draws from the `arrivals:<service>` stream and fills the caller's `MutableArrival` — no
 * allocation per arrival. Token counts come from samplers on the separate `tokens:<service>`
 * stream, so changing a token distribution never shifts arrival times.
 *
 * Every process starts at t = 0 and stops (for good) at the first arrival ≥ horizonS.
 * Renewal processes (poisson, gamma) are ordinary, not stationary: the first arrival is one
 * inter-arrival draw after 0.
 */
import type { ArrivalSource, MutableArrival, RandomDraws } from './types.js';
import type { TokenSampler } from './token-sampler.js';

/** Shared tail of every generator: horizon check and token fill. */
abstract class SyntheticSource implements ArrivalSource {
  private done = false;
  constructor(
    protected readonly rng: RandomDraws,
    private readonly horizonS: number,
    private readonly prompt: TokenSampler,
    private readonly output: TokenSampler,
  ) {}

  /** Time of the next arrival (strictly after the previous one for continuous processes). */
  protected abstract advance(): number;

  next(out: MutableArrival): boolean {
    if (this.done) return false;
    const t = this.advance();
    if (!(t < this.horizonS)) {
      this.done = true;
      return false;
    }
    out.timeS = t;
    out.promptTokens = this.prompt();
    out.outputTokens = this.output();
    return true;
  }

  close(): void {
    this.done = true;
  }
}

/** Poisson process: exponential inter-arrivals with mean 1/rate. */
export class PoissonSource extends SyntheticSource {
  private t = 0;
  constructor(
    private readonly ratePerS: number,
    rng: RandomDraws,
    horizonS: number,
    p: TokenSampler,
    o: TokenSampler,
  ) {
    super(rng, horizonS, p, o);
    if (!(ratePerS > 0)) throw new RangeError(`poisson rate must be > 0 (got ${ratePerS})`);
  }
  protected advance(): number {
    this.t += this.rng.exponential(this.ratePerS);
    return this.t;
  }
}

/**
 * Gamma renewal process: inter-arrivals Gamma(k = 1/cv², θ = 1/(rate·k)), mean 1/rate and
 * coefficient of variation cv. cv = 1 is Poisson; cv = 0 degenerates to a fixed period.
 */
export class GammaSource extends SyntheticSource {
  private t = 0;
  private readonly shape: number;
  private readonly scale: number;
  private readonly period: number;
  constructor(ratePerS: number, cv: number, rng: RandomDraws, horizonS: number, p: TokenSampler, o: TokenSampler) {
    super(rng, horizonS, p, o);
    if (!(ratePerS > 0) || !(cv >= 0)) throw new RangeError(`gamma needs rate > 0 and cv ≥ 0 (got ${ratePerS}, ${cv})`);
    this.period = 1 / ratePerS;
    this.shape = cv > 0 ? 1 / (cv * cv) : Number.POSITIVE_INFINITY;
    this.scale = this.period / this.shape;
  }
  protected advance(): number {
    this.t += this.shape === Number.POSITIVE_INFINITY ? this.period : this.rng.gamma(this.shape, this.scale);
    return this.t;
  }
}

/**
 * Non-homogeneous Poisson process with rate(t) = mean·(1 + amplitude·sin(2πt/period)), drawn by
 * thinning (Lewis & Shedler 1979): candidates at the peak rate mean·(1 + amplitude), each kept
 * with probability rate(t)/peak.
 */
export class DiurnalSource extends SyntheticSource {
  private t = 0;
  private readonly peak: number;
  private readonly omega: number;
  constructor(
    private readonly meanRatePerS: number,
    private readonly amplitude: number,
    periodS: number,
    rng: RandomDraws,
    horizonS: number,
    p: TokenSampler,
    o: TokenSampler,
  ) {
    super(rng, horizonS, p, o);
    if (!(meanRatePerS > 0) || !(amplitude >= 0 && amplitude < 1) || !(periodS > 0)) {
      throw new RangeError(`diurnal needs mean rate > 0, amplitude in [0, 1), period > 0`);
    }
    this.peak = meanRatePerS * (1 + amplitude);
    this.omega = (2 * Math.PI) / periodS;
  }
  protected advance(): number {
    for (;;) {
      this.t += this.rng.exponential(this.peak);
      const rate = this.meanRatePerS * (1 + this.amplitude * Math.sin(this.omega * this.t));
      if (this.rng.next() * this.peak < rate) return this.t;
    }
  }
}

/**
 * On/off (two-state MMPP with a silent off state): exponential on and off periods; during on,
 * Poisson at onRate. The initial state is drawn from the stationary distribution
 * (on with probability meanOn/(meanOn+meanOff)), so the long-run rate is
 * onRate·meanOn/(meanOn+meanOff) from t = 0. Restarting the exponential at a period boundary is
 * exact because the exponential is memoryless.
 */
export class OnOffSource extends SyntheticSource {
  private t = 0;
  private onEnd: number;
  constructor(
    private readonly onRatePerS: number,
    private readonly meanOnS: number,
    private readonly meanOffS: number,
    rng: RandomDraws,
    horizonS: number,
    p: TokenSampler,
    o: TokenSampler,
  ) {
    super(rng, horizonS, p, o);
    if (!(onRatePerS > 0) || !(meanOnS > 0) || !(meanOffS >= 0)) {
      throw new RangeError(`onoff needs on rate > 0, mean on > 0, mean off ≥ 0`);
    }
    const startsOn = rng.next() * (meanOnS + meanOffS) < meanOnS;
    if (!startsOn) this.t = this.offPeriod();
    this.onEnd = this.t + rng.exponential(1 / meanOnS);
  }
  private offPeriod(): number {
    return this.meanOffS > 0 ? this.rng.exponential(1 / this.meanOffS) : 0;
  }
  protected advance(): number {
    for (;;) {
      const candidate = this.t + this.rng.exponential(this.onRatePerS);
      if (candidate < this.onEnd) {
        this.t = candidate;
        return candidate;
      }
      this.t = this.onEnd + this.offPeriod();
      this.onEnd = this.t + this.rng.exponential(1 / this.meanOnS);
    }
  }
}

/**
 * Camera streams: `streams` sources each emitting a frame every 1/fps, with a phase drawn once
 * per stream uniformly in [0, 1/fps). All streams share the period, so after sorting the phases
 * once the merged order is fixed: arrival k is stream slot k mod n of cycle ⌊k/n⌋, at
 * cycle·period + phase (computed, not accumulated, so frames never drift apart). Arrivals k and
 * k + n belong to the same stream and are exactly one period apart up to float rounding.
 */
export class PeriodicSource extends SyntheticSource {
  private readonly phases: Float64Array;
  private readonly period: number;
  private k = 0;
  constructor(streams: number, fps: number, rng: RandomDraws, horizonS: number, p: TokenSampler, o: TokenSampler) {
    super(rng, horizonS, p, o);
    if (!(Number.isInteger(streams) && streams >= 1) || !(fps > 0)) {
      throw new RangeError(`periodic needs an integer streams ≥ 1 and fps > 0 (got ${streams}, ${fps})`);
    }
    this.period = 1 / fps;
    this.phases = new Float64Array(streams);
    for (let i = 0; i < streams; i++) this.phases[i] = rng.next() * this.period;
    this.phases.sort();
  }
  protected advance(): number {
    const n = this.phases.length;
    const cycle = Math.floor(this.k / n);
    const t = cycle * this.period + this.phases[this.k - cycle * n]!;
    this.k++;
    return t;
  }
}
