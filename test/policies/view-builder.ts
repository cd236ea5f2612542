/**
 * Hand-made and random ClusterViews for policy tests. Device types and perf figures are small,
 * round, and only loosely realistic: they make expected decisions easy to work out by hand.
 *
 * Device types: `gpu4` (gpu-server, 4×24 GB NVLink), `orin` (jetson, 1×64 GB), `pi` (microcomputer,
 * 1×8 GB), `fpga` (225 kB). Services: `chat` (8B LLM, 4.5 GB, 32 layers, token SLO), `big` (70B,
 * 40 GB, 80 layers), `huge` (120 GB, 80 layers), `seg` (segmentation, 50 MB, 10 layers, frame SLO).
 */
import type {
  ClusterView,
  DevicePerf,
  DeviceState,
  InstanceState,
  LinkState,
  NodeView,
  RequestInfo,
  Rng,
  ServiceInfo,
  Stage,
} from '../../policies/index.js';

const GB = 1e9;

type DeviceType = 'gpu4' | 'orin' | 'pi' | 'fpga';

const DEVICE_BASE: Record<
  DeviceType,
  Omit<DeviceState, 'id' | 'site' | 'alive' | 'queuedRequests' | 'utilization' | 'asOfS' | 'freeMemoryBytes'>
> = {
  gpu4: {
    type: 'gpu4',
    deviceClass: 'gpu-server',
    gpus: 4,
    memoryBytesPerGpu: 24 * GB,
    flopsPerGpu: 1.6e14,
    memBandwidthBytesPerS: 1e12,
    intraNode: 'nvlink',
  },
  orin: {
    type: 'orin',
    deviceClass: 'jetson',
    gpus: 1,
    memoryBytesPerGpu: 64 * GB,
    flopsPerGpu: 1e13,
    memBandwidthBytesPerS: 2e11,
    intraNode: 'none',
  },
  pi: {
    type: 'pi',
    deviceClass: 'microcomputer',
    gpus: 1,
    memoryBytesPerGpu: 8 * GB,
    flopsPerGpu: 1e11,
    memBandwidthBytesPerS: 1.7e10,
    intraNode: 'none',
  },
  fpga: {
    type: 'fpga',
    deviceClass: 'fpga',
    gpus: 1,
    memoryBytesPerGpu: 225e3,
    flopsPerGpu: 1e10,
    memBandwidthBytesPerS: 1e9,
    intraNode: 'none',
  },
};

export function device(id: string, type: DeviceType, o: Partial<DeviceState> = {}): DeviceState {
  const base = DEVICE_BASE[type];
  return {
    id,
    site: 's1',
    alive: true,
    queuedRequests: 0,
    utilization: 0,
    asOfS: 0,
    freeMemoryBytes: base.gpus * base.memoryBytesPerGpu,
    ...base,
    ...o,
  };
}

function llmPerf(prefill: number, decode: number, atMax: number, maxBatch: number, fits: boolean): DevicePerf {
  return {
    prefillTokPerS: prefill,
    decodeTokPerS: decode,
    decodeTokPerSAtMaxBatch: atMax,
    maxBatch,
    itemLatencyS: 0,
    itemsPerSAtMaxBatch: 0,
    fits,
    source: 'profile',
  };
}
function segPerf(itemLatencyS: number, itemsPerS: number, maxBatch: number, fits: boolean): DevicePerf {
  return {
    prefillTokPerS: 0,
    decodeTokPerS: 0,
    decodeTokPerSAtMaxBatch: 0,
    maxBatch,
    itemLatencyS,
    itemsPerSAtMaxBatch: itemsPerS,
    fits,
    source: 'profile',
  };
}

type ServiceName = 'chat' | 'big' | 'huge' | 'seg';

export function service(name: ServiceName, o: Partial<ServiceInfo> = {}): ServiceInfo {
  const base: Record<ServiceName, ServiceInfo> = {
    chat: {
      name: 'chat',
      kind: 'llm',
      demandRps: 2,
      meanPromptTokens: 512,
      meanOutputTokens: 128,
      ingress: 's1',
      slo: { kind: 'token', ttftS: 1, tpotS: 0.1 },
      model: {
        id: 'llm-8b',
        kind: 'llm',
        layers: 32,
        weightBytes: 4.5 * GB,
        kvBytesPerToken: 131072,
        activationBytesPerToken: 8192,
        inputBytes: 0,
        outputBytes: 0,
      },
      perf: {
        gpu4: llmPerf(20000, 150, 3000, 64, true),
        orin: llmPerf(1500, 28, 112, 8, true),
        pi: llmPerf(50, 2, 4, 4, true),
      },
    },
    big: {
      name: 'big',
      kind: 'llm',
      demandRps: 0.5,
      meanPromptTokens: 512,
      meanOutputTokens: 128,
      ingress: 's1',
      slo: { kind: 'token', ttftS: 2, tpotS: 0.2 },
      model: {
        id: 'llm-70b',
        kind: 'llm',
        layers: 80,
        weightBytes: 40 * GB,
        kvBytesPerToken: 327680,
        activationBytesPerToken: 16384,
        inputBytes: 0,
        outputBytes: 0,
      },
      perf: {
        gpu4: llmPerf(4000, 30, 600, 32, true),
        orin: llmPerf(300, 3, 7, 8, true),
        pi: llmPerf(1, 0.05, 0.1, 1, false),
      },
    },
    huge: {
      name: 'huge',
      kind: 'llm',
      demandRps: 0.2,
      meanPromptTokens: 256,
      meanOutputTokens: 64,
      ingress: 's1',
      slo: { kind: 'e2e', e2eS: 120 },
      model: {
        id: 'llm-huge',
        kind: 'llm',
        layers: 80,
        weightBytes: 120 * GB,
        kvBytesPerToken: 327680,
        activationBytesPerToken: 16384,
        inputBytes: 0,
        outputBytes: 0,
      },
      perf: { gpu4: llmPerf(2000, 15, 300, 32, false), orin: llmPerf(150, 1.5, 4, 8, false) },
    },
    seg: {
      name: 'seg',
      kind: 'segmentation',
      demandRps: 30,
      meanPromptTokens: 0,
      meanOutputTokens: 0,
      ingress: 's1',
      slo: { kind: 'frame', deadlineS: 0.1 },
      model: {
        id: 'seg-s',
        kind: 'segmentation',
        layers: 10,
        weightBytes: 50e6,
        kvBytesPerToken: 0,
        activationBytesPerToken: 0,
        inputBytes: 1.2e6,
        outputBytes: 0.4e6,
      },
      perf: {
        gpu4: segPerf(0.004, 500, 16, true),
        orin: segPerf(0.02, 80, 8, true),
        pi: segPerf(0.25, 4, 1, true),
        fpga: segPerf(0.5, 2, 1, false),
      },
    },
  };
  return { ...base[name], ...o };
}

export function link(
  a: string,
  b: string,
  bandwidthBps: number,
  latencyS: number,
  o: Partial<LinkState> = {},
): LinkState {
  return { id: `${a}-${b}`, a, b, kind: 'ethernet', bandwidthBps, latencyS, up: true, ...o };
}

export function instance(
  id: string,
  svc: string,
  stages: readonly Stage[],
  o: Partial<InstanceState> = {},
): InstanceState {
  return { id, service: svc, stages, state: 'ready', queued: 0, running: 0, ...o };
}

export function whole(deviceId: string, layers: number, gpus = 1): Stage[] {
  return [{ device: deviceId, firstLayer: 0, endLayer: layers, gpus }];
}

export function view(o: Partial<ClusterView> & Pick<ClusterView, 'devices' | 'services'>): ClusterView {
  return { now: 0, links: [], instances: [], ...o };
}

export function nodeView(v: ClusterView, self = 's1'): NodeView {
  return { ...v, self };
}

export function request(svc: string, id = 1, o: Partial<RequestInfo> = {}): RequestInfo {
  return { id, service: svc, arrivalS: 0, promptTokens: 512, outputTokens: 128, ingress: 's1', ...o };
}

/** A small deterministic PRNG (mulberry32) implementing the policy Rng, for tests. */
export function testRng(seed: number): Rng & { readonly draws: () => number } {
  let a = seed >>> 0;
  let n = 0;
  const next = () => {
    n++;
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (k: number) => Math.floor(next() * k), draws: () => n };
}

const TYPES: DeviceType[] = ['gpu4', 'orin', 'pi', 'fpga'];
const SERVICES: ServiceName[] = ['chat', 'big', 'huge', 'seg'];

/**
 * A random but valid cluster: 2–7 devices over two sites joined by a WAN link, some dead, 1–3
 * services with random demand, and some existing instances (a previous plan of whole-model
 * replicas, some on devices that have since died, in random lifecycle states).
 */
export function randomView(seed: number): ClusterView {
  const r = testRng(seed);
  const n = 2 + r.int(6);
  const devices: DeviceState[] = [];
  const links: LinkState[] = [link('s1', 's2', 1e8, 0.01, { kind: 'wan' })];
  for (let i = 0; i < n; i++) {
    const type = TYPES[r.int(TYPES.length)]!;
    const site = r.next() < 0.6 ? 's1' : 's2';
    const id = `${type}-${i}`;
    devices.push(
      device(id, type, {
        site,
        alive: r.next() > 0.2,
        utilization: r.next(),
        asOfS: 10 - r.int(8),
        queuedRequests: r.int(5),
      }),
    );
    links.push(
      type === 'fpga' ? link(id, site, 1.1e6 * 0.8, 0.03, { kind: 'bt-serial' }) : link(id, site, 1e9, 0.0002),
    );
  }
  const picked = SERVICES.filter(() => r.next() < 0.6);
  const services = (picked.length > 0 ? picked : ['seg' as const]).map((s) =>
    service(s, { demandRps: r.next() < 0.1 ? 0 : r.next() * 10, ingress: r.next() < 0.7 ? 's1' : 's2' }),
  );
  const states = ['ready', 'ready', 'loading', 'draining', 'failed'] as const;
  const instances: InstanceState[] = [];
  let k = 0;
  for (const s of services) {
    for (const d of devices) {
      if (r.next() < 0.5 || s.model.weightBytes > d.memoryBytesPerGpu * 0.9) continue;
      instances.push(
        instance(`i${k++}`, s.name, whole(d.id, s.model.layers), {
          state: states[r.int(states.length)]!,
          queued: r.int(10),
          running: r.int(4),
        }),
      );
    }
  }
  return { now: 10, devices, links, services, instances };
}
