/**
 * Puts the measured agent round trip on the simulated side, as the links it travels: a live
 * request pays HTTP, JSON and the agent's own handling (runtime/profile/round-trip.ts), which the
 * catalog's link figures (a 1 GbE hop: 100 µs) do not contain. For every device of a profiled
 * type, the link(s) joining it to a switch get `latency = intercept / 2` each way (the simulator
 * charges the input latency before the work and the output latency after it, so a request pays
 * the whole intercept). The per-byte slope is reported, not applied: the testbed's requests carry
 * no payload (the agent synthesizes prompt and frames from a seed), while the simulator sends the
 * catalog model's input — 1.2 MB for a 640×640 frame of the yolo11n-seg stand-in — so a slope of
 * noise (tens of ns/B) would cost seconds per frame. Only the hop next to the device is changed:
 * that is where the agent sits. With round-trip samples per device type (the profiler's, with
 * their tail), each device of that type gets them as `requestOverheadS` instead — every simulated
 * request draws its overhead from the measured distribution, so a p99 meets its tail — and the
 * links keep their catalog figures; with samples measured after idle gaps, those too
 * (`requestOverheadAfterIdle`: a request reaching an idle device draws from them,
 * sim/host/request-overhead.ts), and those measured with the agent busy (`requestOverheadBusyS`,
 * busy-round-trip.ts). Pure: returns a new scenario and a note per change.
 */
import type { IdleOverhead, LinkConfig, Scenario } from '../../scenarios/index.js';
import type { OverheadFit } from '../profile/index.js';

/** What the twin draws a device type's request overheads from, by state (sim/host/request-overhead.ts). */
export interface OverheadStates {
  /** Back to back, or idle below the shortest gap. */
  readonly warm: readonly number[];
  readonly afterIdle: readonly IdleOverhead[];
  /** Another request in flight on the device (empty: drawn like an idle one). */
  readonly busy: readonly number[];
  /** Busy, and a co-located device busy too (empty: drawn like `busy`). */
  readonly busyNeighbourBusy: readonly number[];
  /** None on the device, one on a co-located device (empty: drawn like an idle one). */
  readonly neighbourBusy: readonly number[];
}

export function withRoundTrip(
  scenario: Scenario,
  fits: ReadonlyMap<string, OverheadFit>,
  states: ReadonlyMap<string, OverheadStates> = new Map(),
): { scenario: Scenario; notes: string[] } {
  const typeOf = new Map(scenario.devices.map((d) => [d.id, d.spec.key]));
  const switches = new Set(scenario.switches);
  const notes: string[] = [];
  const q = (xs: readonly number[], p: number): number =>
    [...xs].sort((a, b) => a - b)[Math.floor(p * (xs.length - 1))]!;
  const ms = (x: number): string => (x * 1000).toFixed(2);
  const devices = scenario.devices.map((d) => {
    const st = states.get(d.spec.key);
    if (st === undefined || st.warm.length === 0) return d;
    const xs = st.warm;
    notes.push(
      `round trip on ${d.id}: each request draws its overhead from ${xs.length} measured samples (p50 ${ms(q(xs, 0.5))}, p90 ${ms(q(xs, 0.9))}, max ${ms(q(xs, 1))} ms); links keep their catalog latency`,
    );
    if (st.afterIdle.length > 0)
      notes.push(
        `round trip on ${d.id} after idle: ${st.afterIdle.map((g) => `≥ ${ms(g.idleS)} ms idle p50 ${ms(q(g.samplesS, 0.5))} p90 ${ms(q(g.samplesS, 0.9))} ms (${g.samplesS.length})`).join('; ')}`,
      );
    return {
      ...d,
      requestOverheadS: xs,
      ...(st.afterIdle.length > 0 ? { requestOverheadAfterIdle: st.afterIdle } : {}),
      ...(st.busy.length > 0 ? { requestOverheadBusyS: st.busy } : {}),
      ...(st.busyNeighbourBusy.length > 0 ? { requestOverheadBusyNeighbourBusyS: st.busyNeighbourBusy } : {}),
      ...(st.neighbourBusy.length > 0 ? { requestOverheadNeighbourBusyS: st.neighbourBusy } : {}),
    };
  });
  if (devices.some((d, i) => d !== scenario.devices[i])) return { scenario: { ...scenario, devices }, notes };
  const links: LinkConfig[] = scenario.links.map((l) => {
    const device = typeOf.has(l.a) && switches.has(l.b) ? l.a : typeOf.has(l.b) && switches.has(l.a) ? l.b : undefined;
    const fit = device === undefined ? undefined : fits.get(typeOf.get(device)!);
    if (fit === undefined) return l;
    const latencyS = fit.interceptS / 2;
    notes.push(
      `round trip on ${l.id}: latency ${(l.latencyS * 1000).toFixed(3)} → ${(latencyS * 1000).toFixed(3)} ms each way ` +
        `(measured ${(fit.interceptS * 1000).toFixed(2)} ms + ${(fit.perByteS * 1e9).toFixed(2)} ns/B, slope not applied; max residual ${(fit.maxResidualS * 1000).toFixed(2)} ms)`,
    );
    return { ...l, latencyS };
  });
  return { scenario: { ...scenario, links }, notes };
}

/**
 * Segmentation requests as the testbed sends them: frames of `segment.width × height` (RGB in, one
 * class byte per pixel out), not the catalog model's own input size — the catalog stand-in
 * (yolo11n-seg, 640×640) would put 1.6 MB per frame on the simulated link, 14 ms on 1 GbE, for a
 * live request that carries a 32×32 frame's worth.
 */
export function withTestbedFrames(
  scenario: Scenario,
  segment: { readonly width: number; readonly height: number },
): { scenario: Scenario; notes: string[] } {
  const notes: string[] = [];
  const services = scenario.services.map((s) => {
    if (s.kind !== 'segmentation') return s;
    const inputBytes = segment.width * segment.height * 3;
    const outputBytes = segment.width * segment.height;
    if (s.model.inputBytes === inputBytes && s.model.outputBytes === outputBytes) return s;
    notes.push(
      `${s.name}: frames of ${segment.width}×${segment.height} as the testbed sends them (${inputBytes} B in, ${outputBytes} B out; catalog ${s.model.key}: ${s.model.inputBytes} B in, ${s.model.outputBytes} B out)`,
    );
    return { ...s, model: { ...s.model, inputBytes, outputBytes } };
  });
  return { scenario: { ...scenario, services }, notes };
}
