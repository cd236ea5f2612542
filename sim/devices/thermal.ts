/**
 * First-order thermal model and clock throttling of devices with `cooling` (issue 18;
 * docs/sim-models.md "Thermal throttling"). One lumped node per board:
 *
 *   τ dT/dt = T_amb + R · P(t) − T,   P = idle + (busy − idle) · u · c
 *
 * with u the busy fraction of each 1 s slot (work the lanes ran) and c the clock ratio. The clock
 * follows the temperature like the firmware's soft throttle: full clock below `throttle_c`,
 * falling linearly to `min_clock_ratio` at `critical_c`. Work started at clock ratio c takes 1/c
 * as long (`timeScale`): the whole step is assumed clock-bound (llama.cpp on a Pi 5 reaches
 * ~10 of 17 GB/s, so its decode is not purely bandwidth-bound — an assumption, stated).
 *
 * Exact exponential update per constant segment, advanced lazily to the time asked; no events, no
 * randomness, so a scenario without `cooling` runs exactly as before (timeScale = 1).
 */
import type { DeviceThermal, Scenario } from '../../scenarios/index.js';

/** Resolution of the busy-fraction slots, seconds. */
const SLOT_S = 1;

export class ThermalModel {
  private readonly params: (DeviceThermal | null)[];
  /** Busy seconds (lane-weighted) per 1 s slot, devices with a thermal model only. */
  private readonly slots: (Float64Array | null)[];
  private readonly tempC: Float64Array;
  private readonly atS: Float64Array;
  /** ∫ clock ratio dt per timeline bucket, and seconds below full clock, per device. */
  private readonly clockBuckets: (Float64Array | null)[];
  private readonly throttledS: Float64Array;
  private readonly maxTempC: Float64Array;
  private readonly horizonS: number;
  private readonly bucketS: number;
  readonly any: boolean;

  constructor(scenario: Scenario) {
    this.horizonS = scenario.horizonS;
    this.bucketS = scenario.timelineBucketS;
    const nSlots = Math.ceil(scenario.horizonS / SLOT_S) + 1;
    const nBuckets = Math.max(1, Math.ceil(scenario.horizonS / scenario.timelineBucketS - 1e-9));
    this.params = scenario.devices.map((d) =>
      d.thermal !== undefined && d.spec.busyW !== null && d.spec.idleW !== null ? d.thermal : null,
    );
    this.slots = this.params.map((p) => (p === null ? null : new Float64Array(nSlots)));
    this.clockBuckets = this.params.map((p) => (p === null ? null : new Float64Array(nBuckets)));
    this.tempC = Float64Array.from(this.params, (p, d) =>
      p === null ? 0 : p.ambientC + p.rKPerW * scenario.devices[d]!.spec.idleW!,
    );
    this.maxTempC = Float64Array.from(this.tempC);
    this.atS = new Float64Array(this.params.length);
    this.throttledS = new Float64Array(this.params.length);
    this.any = this.params.some((p) => p !== null);
    this.idleW = scenario.devices.map((d) => d.spec.idleW ?? 0);
    this.busyW = scenario.devices.map((d) => d.spec.busyW ?? 0);
  }
  private readonly idleW: readonly number[];
  private readonly busyW: readonly number[];

  /** Clock ratio at temperature `t` (1 = full clock). */
  static clockAt(p: DeviceThermal, t: number): number {
    if (t <= p.throttleC) return 1;
    const c = 1 - ((t - p.throttleC) / (p.criticalC - p.throttleC)) * (1 - p.minClockRatio);
    return c < p.minClockRatio ? p.minClockRatio : c;
  }

  /** Lane-weighted busy time of device `d` over [fromS, toS) (negative `frac`: taken back). */
  addBusy(d: number, fromS: number, toS: number, frac: number): void {
    const s = this.slots[d];
    if (s === null || s === undefined) return;
    const end = toS < this.horizonS ? toS : this.horizonS;
    let t = fromS;
    while (t < end) {
      const k = Math.floor(t / SLOT_S);
      const e = Math.min(end, (k + 1) * SLOT_S);
      s[k] = s[k]! + (e - t) * frac;
      if (e <= t) break;
      t = e;
    }
  }

  /** Multiplier on the duration of work device `d` starts now (1 / clock ratio; 1 without a model). */
  timeScale(d: number, now: number): number {
    const p = this.params[d];
    if (p === null || p === undefined) return 1;
    this.advance(d, p, now);
    return 1 / ThermalModel.clockAt(p, this.tempC[d]!);
  }

  private advance(d: number, p: DeviceThermal, to: number): void {
    const s = this.slots[d]!;
    const cb = this.clockBuckets[d]!;
    const end = to < this.horizonS ? to : this.horizonS;
    let t = this.atS[d]!;
    let temp = this.tempC[d]!;
    while (t < end) {
      const k = Math.floor(t / SLOT_S);
      const b = Math.min(cb.length - 1, Math.floor(t / this.bucketS));
      const e = Math.min(end, (k + 1) * SLOT_S, (b + 1) * this.bucketS);
      if (e <= t) break;
      const u = Math.min(1, Math.max(0, s[k]! / SLOT_S));
      const c = ThermalModel.clockAt(p, temp);
      const power = this.idleW[d]! + (this.busyW[d]! - this.idleW[d]!) * u * c;
      const ss = p.ambientC + p.rKPerW * power;
      temp = ss + (temp - ss) * Math.exp(-(e - t) / p.tauS);
      cb[b] = cb[b]! + c * (e - t);
      if (c < 1) this.throttledS[d] = this.throttledS[d]! + (e - t);
      if (temp > this.maxTempC[d]!) this.maxTempC[d] = temp;
      t = e;
    }
    this.tempC[d] = temp;
    this.atS[d] = t;
  }

  /** Advances every modelled device to the horizon; per device its clock timeline and a note. */
  finish(ids: readonly string[]): { d: number; clockTimeline: number[]; note: string }[] {
    const out: { d: number; clockTimeline: number[]; note: string }[] = [];
    this.params.forEach((p, d) => {
      if (p === null) return;
      this.advance(d, p, this.horizonS);
      const cb = this.clockBuckets[d]!;
      const clockTimeline = Array.from(
        cb,
        (x, b) => x / (Math.min(this.horizonS, (b + 1) * this.bucketS) - b * this.bucketS),
      );
      const thr = this.throttledS[d]!;
      const note =
        thr > 0
          ? `thermal: ${ids[d]} (cooling ${p.coolingKind}) throttled for ${thr.toFixed(0)} s of ${this.horizonS} s, down to ${(Math.min(...clockTimeline) * 100).toFixed(0)}% clock (bucket mean), peak ${this.maxTempC[d]!.toFixed(1)} °C`
          : `thermal: ${ids[d]} (cooling ${p.coolingKind}) never throttled, peak ${this.maxTempC[d]!.toFixed(1)} °C`;
      out.push({ d, clockTimeline, note });
    });
    return out;
  }
}
