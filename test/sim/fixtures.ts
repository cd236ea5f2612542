/**
 * Hand-built scenarios for simulator tests: round figures so every timestamp can be computed by
 * hand (a device that prefills at 1000 tok/s and decodes 10 tok/s at batch 1, etc.).
 */
import type {
  DeviceConfig,
  DeviceSpec,
  FaultConfig,
  LinkConfig,
  LinkSpec,
  ModelSpec,
  ProfileRow,
  Scenario,
  ServiceConfig,
} from '../../scenarios/index.js';
import type { ArrivalSource, ArrivalSpec, MutableArrival, TokenSpec } from '../../traces/index.js';
import type {
  NodeView,
  PlannedInstance,
  Policy,
  RequestInfo,
  RequestRecord,
  RouteDecision,
  Slo,
  SyncSpec,
} from '../../policies/index.js';

export const GB = 1e9;

export function deviceSpec(over: Partial<DeviceSpec> = {}): DeviceSpec {
  return {
    key: 'testbox',
    name: 'Test box',
    source: 'test',
    deviceClass: 'gpu-server',
    gpus: 1,
    memoryBytesPerGpu: 16 * GB,
    flopsPerGpu: 100e12,
    memBandwidthBytesPerS: 1000 * GB,
    intraNode: 'none',
    intraNodeBps: 0,
    storageBytesPerS: 1 * GB,
    idleW: 50,
    busyW: 250,
    ...over,
  };
}

export function modelSpec(over: Partial<ModelSpec> = {}): ModelSpec {
  return {
    key: 'toy-llm',
    name: 'Toy LLM',
    source: 'test',
    kind: 'llm',
    paramsB: 1,
    layers: 10,
    hidden: 1000,
    bytesPerWeight: 2,
    weightBytes: 2 * GB,
    kvBytesPerToken: 100_000,
    activationBytesPerToken: 2000,
    flopsPerUnit: 2e9,
    inputBytes: 0,
    outputBytes: 0,
    profiles: [],
    ...over,
  };
}

/** Profile: prefill 1000 tok/s; decode 10 tok/s at batch 1, 16 tok/s aggregate at batch 2. */
export function toyProfile(deviceType = 'testbox'): ProfileRow[] {
  return [
    { deviceType, batch: 1, prefillTokPerS: 1000, decodeTokPerS: 10, source: 'test' },
    { deviceType, batch: 2, decodeTokPerS: 16, source: 'test' },
  ];
}

export function device(id: string, spec: DeviceSpec = deviceSpec(), site = 'sw'): DeviceConfig {
  return { id, spec, site, slowdown: 1 };
}

export function linkSpec(over: Partial<LinkSpec> = {}): LinkSpec {
  return {
    key: 'eth',
    name: 'Ethernet',
    source: 'test',
    kind: 'ethernet',
    nominalBps: 1e9,
    efficiency: 1,
    latencyS: 0,
    configurableBaud: false,
    ...over,
  };
}

export function link(
  id: string,
  a: string,
  b: string,
  bandwidthBps: number,
  latencyS: number,
  over: Partial<LinkConfig> = {},
): LinkConfig {
  return { id, a, b, spec: linkSpec({ latencyS }), bandwidthBps, latencyS, lossRate: 0, ...over };
}

export function llmService(over: Partial<ServiceConfig> & { arrivals?: ArrivalSpec } = {}): ServiceConfig {
  const fixed = (value: number): TokenSpec => ({ dist: 'fixed', value });
  const slo: Slo = { kind: 'token', ttftS: 1, tpotS: 0.2 };
  return {
    name: 'chat',
    kind: 'llm',
    model: modelSpec({ profiles: toyProfile() }),
    slo,
    arrivals: { process: 'poisson', ratePerS: 1 },
    promptTokens: fixed(100),
    outputTokens: fixed(3),
    ingress: 'sw',
    maxBatch: 8,
    ...over,
  };
}

export interface ScenarioParts {
  devices?: DeviceConfig[];
  switches?: string[];
  links?: LinkConfig[];
  services?: ServiceConfig[];
  faults?: FaultConfig[];
  horizonS?: number;
  seed?: number;
  policy?: string;
  timelineBucketS?: number;
}

export function scenario(p: ScenarioParts = {}): Scenario {
  const devices = p.devices ?? [device('gpu0')];
  return {
    name: 'test',
    file: '/test.yaml',
    seed: p.seed ?? 1,
    horizonS: p.horizonS ?? 100,
    timelineBucketS: p.timelineBucketS ?? 10,
    policy: { name: p.policy ?? 'round-robin', params: {} },
    devices,
    switches: p.switches ?? ['sw'],
    links: p.links ?? devices.map((d) => link(`l-${d.id}`, d.id, 'sw', 1e12, 0)),
    services: p.services ?? [llmService()],
    faults: p.faults ?? [],
  };
}

/** Arrivals at fixed times: `[timeS, promptTokens, outputTokens]` per service name. */
export function fixedArrivals(table: Record<string, [number, number, number][]>) {
  return (svc: ServiceConfig): ArrivalSource => {
    const rows = table[svc.name] ?? [];
    let i = 0;
    return {
      next(out: MutableArrival) {
        const r = rows[i++];
        if (r === undefined) return false;
        [out.timeS, out.promptTokens, out.outputTokens] = r;
        return true;
      },
      close() {},
    };
  };
}

/** A policy with a fixed plan and round-robin routing over its ready instances. */
export function fixedPlanPolicy(instances: PlannedInstance[], sync?: SyncSpec): Policy {
  let next = 0;
  return {
    name: 'fixed-plan',
    placementPeriodS: undefined,
    sync,
    place: () => ({ instances, reason: 'test' }),
    route(req: RequestInfo, view: NodeView): RouteDecision {
      const ready = view.instances.filter((i) => i.service === req.service && i.state === 'ready');
      if (ready.length === 0) return { kind: 'drop', reason: 'no-instance' };
      return { kind: 'instance', instanceId: ready[next++ % ready.length]!.id, reason: 'rr' };
    },
  };
}

/** Collects records by id. */
export function recorder() {
  const byId: RequestRecord[] = [];
  return {
    byId,
    records: (r: RequestRecord) => {
      byId[r.id] = r;
    },
  };
}
