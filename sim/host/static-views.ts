/**
 * The parts of a policy view that come straight from the scenario — service descriptions with
 * their per-device-type perf estimates, and link states — built the same way for both hosts:
 * the simulator (sim/host/views.ts) and the live controller (runtime/controller/cluster-views.ts).
 */
import type { LinkState, ServiceInfo } from '../../policies/index.js';
import type { Scenario } from '../../scenarios/index.js';
import type { ArrivalSpec } from '../../traces/index.js';
import { devicePerf, meanTokens } from '../models/perf.js';
import type { Mutable } from './instance.js';

/** Offered rate a scenario declares for a service, requests/s (0 for traces and closed loops: observed later). */
export function declaredRate(a: ArrivalSpec): number {
  switch (a.process) {
    case 'poisson': case 'gamma': return a.ratePerS;
    case 'diurnal': return a.meanRatePerS;
    case 'onoff': return (a.onRatePerS * a.meanOnS) / (a.meanOnS + a.meanOffS);
    case 'periodic': return a.streams * a.fps;
    case 'trace': case 'closed': return 0;
  }
}

/** One ServiceInfo per scenario service; `demandRps` starts at the declared rate. */
export function serviceInfos(scenario: Scenario): Mutable<ServiceInfo>[] {
  const types = [...new Map(scenario.devices.map((d) => [d.spec.key, d.spec])).values()];
  return scenario.services.map((s) => ({
    name: s.name, kind: s.kind,
    model: {
      id: s.model.key, kind: s.model.kind, layers: s.model.layers, weightBytes: s.model.weightBytes,
      kvBytesPerToken: s.model.kvBytesPerToken, activationBytesPerToken: s.model.activationBytesPerToken,
      inputBytes: s.model.inputBytes, outputBytes: s.model.outputBytes,
    },
    slo: s.slo, demandRps: declaredRate(s.arrivals),
    meanPromptTokens: meanTokens(s.promptTokens), meanOutputTokens: meanTokens(s.outputTokens),
    ingress: s.ingress,
    ...(s.category !== undefined ? { category: s.category } : {}),
    perf: Object.fromEntries(types.map((t) => [t.key, devicePerf(s, t)])),
  }));
}

/** One LinkState per scenario link, all up. */
export function linkStates(scenario: Scenario): Mutable<LinkState>[] {
  return scenario.links.map((l) => ({ id: l.id, a: l.a, b: l.b, kind: l.spec.kind, bandwidthBps: l.bandwidthBps, latencyS: l.latencyS, up: true }));
}
