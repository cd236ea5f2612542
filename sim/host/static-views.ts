/**
 * The parts of a policy view that come straight from the scenario — service descriptions with
 * their per-device-type perf estimates, and link states — built the same way for both hosts:
 * the simulator (sim/host/views.ts) and the live controller (runtime/controller/cluster-views.ts).
 */
import type { LinkState, ServiceInfo } from '../../policies/index.js';
import type { Scenario, ServiceConfig } from '../../scenarios/index.js';
import { traceFirstWindow, type ArrivalSpec, type TokenSpec } from '../../traces/index.js';
import { devicePerf, meanTokens } from '../models/perf.js';
import type { Mutable } from './instance.js';

/**
 * How much of a trace the host reads ahead to seed the first plan: 60 s (assumption: EPARA's
 * default placement period, so the first plan sees what one period of observation would show),
 * or the whole run when shorter.
 */
export const FIRST_WINDOW_S = 60;

/** Offered rate a scenario declares for a service, requests/s (0 for traces — see `initialDemand` — and closed loops: observed later). */
export function declaredRate(a: ArrivalSpec): number {
  switch (a.process) {
    case 'poisson':
    case 'gamma':
      return a.ratePerS;
    case 'diurnal':
      return a.meanRatePerS;
    case 'onoff':
      return (a.onRatePerS * a.meanOnS) / (a.meanOnS + a.meanOffS);
    case 'periodic':
      return a.streams * a.fps;
    case 'trace':
    case 'closed':
      return 0;
  }
}

export interface InitialDemand {
  readonly demandRps: number;
  /** The service's token specs, replaced by the trace window's means where it records tokens. */
  readonly promptTokens: TokenSpec;
  readonly outputTokens: TokenSpec;
}

/**
 * Demand and request shape a host plans with before observing any arrival: the declared rate
 * and token specs, or for a trace service the rate and mean token counts of its first window
 * (the transformed stream, so load scaling applies). Reads the trace file's opening rows.
 */
export function initialDemand(s: ServiceConfig, horizonS: number): InitialDemand {
  if (s.arrivals.process !== 'trace')
    return { demandRps: declaredRate(s.arrivals), promptTokens: s.promptTokens, outputTokens: s.outputTokens };
  const w = traceFirstWindow(s.arrivals, Math.min(FIRST_WINDOW_S, horizonS));
  return {
    demandRps: w.ratePerS,
    promptTokens: w.meanPromptTokens !== null ? { dist: 'fixed', value: w.meanPromptTokens } : s.promptTokens,
    outputTokens: w.meanOutputTokens !== null ? { dist: 'fixed', value: w.meanOutputTokens } : s.outputTokens,
  };
}

/**
 * Observation windows shorter than this are health checks between plans (EPARA is called every
 * `health_check_s` and averages demand itself), not a plan's demand: no note for them (assumption).
 */
export const PLAN_WINDOW_S = 10;

/**
 * Services a plan is about to be made for with no demand at all: one host note each — at t = 0,
 * or after an observation window of at least PLAN_WINDOW_S with no arrival.
 */
export function zeroDemandNotes(services: readonly ServiceInfo[], nowS: number, windowS: number): string[] {
  if (nowS > 0 && windowS < PLAN_WINDOW_S) return [];
  return services
    .filter((s) => s.demandRps === 0)
    .map(
      (s) =>
        `${s.name}: planned with demand 0 (${nowS === 0 ? 'no demand known at t = 0' : `no arrival in the ${Math.round(windowS)} s before a placement`})`,
    );
}

/** One ServiceInfo per scenario service; demand and request shape start at `initialDemand`. */
export function serviceInfos(scenario: Scenario): Mutable<ServiceInfo>[] {
  const types = [...new Map(scenario.devices.map((d) => [d.spec.key, d.spec])).values()];
  return scenario.services.map((config) => {
    const init = initialDemand(config, scenario.horizonS);
    const s: ServiceConfig = { ...config, promptTokens: init.promptTokens, outputTokens: init.outputTokens };
    return {
      name: s.name,
      kind: s.kind,
      model: {
        id: s.model.key,
        kind: s.model.kind,
        layers: s.model.layers,
        weightBytes: s.model.weightBytes,
        kvBytesPerToken: s.model.kvBytesPerToken,
        activationBytesPerToken: s.model.activationBytesPerToken,
        inputBytes: s.model.inputBytes,
        outputBytes: s.model.outputBytes,
      },
      slo: s.slo,
      demandRps: init.demandRps,
      meanPromptTokens: meanTokens(s.promptTokens),
      meanOutputTokens: meanTokens(s.outputTokens),
      ingress: s.ingress,
      ...(s.category !== undefined ? { category: s.category } : {}),
      perf: Object.fromEntries(types.map((t) => [t.key, devicePerf(s, t)])),
      ...(s.framework !== undefined ? { framework: s.framework } : {}),
    };
  });
}

/** One LinkState per scenario link, all up. */
export function linkStates(scenario: Scenario): Mutable<LinkState>[] {
  return scenario.links.map((l) => ({
    id: l.id,
    a: l.a,
    b: l.b,
    kind: l.spec.kind,
    bandwidthBps: l.bandwidthBps,
    latencyS: l.latencyS,
    up: true,
  }));
}
