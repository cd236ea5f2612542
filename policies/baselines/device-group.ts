/**
 * `device-group`: every LLM service as ONE instance spread over all alive devices of its
 * ingress site — tensor-parallel (`mode: tp`, distributed-llama / exo: a root plus peers, each
 * holding 1/n of every layer) or a pipeline (`mode: pp`, llama.cpp RPC / prima.cpp: contiguous
 * layer blocks in proportion to each device's free memory). The set-up of a home or Pi cluster
 * that runs one model no single device holds. Per-item services go whole to the site's first
 * device that holds them. A service whose weights the group cannot hold gets no instance.
 */
import type {
  ClusterView,
  DeviceState,
  PlacementPlan,
  PlannedInstance,
  PolicyFactory,
  ServiceInfo,
  Stage,
} from '../contract.js';
import { deviceWeightCapacity, planMemoryByDevice } from '../memory-ledger.js';
import { byDemand, PlannedPolicy } from './planned-policy.js';

/** Room for weights: free memory within the weight share of the device, less what this plan already put there. */
type Room = (d: DeviceState) => number;
const roomWith =
  (used: ReadonlyMap<string, number>): Room =>
  (d) =>
    Math.min(d.freeMemoryBytes, deviceWeightCapacity(d)) - (used.get(d.id) ?? 0);

export type GroupMode = 'tp' | 'pp';

function siteDevices(view: ClusterView, service: ServiceInfo): DeviceState[] {
  const alive = view.devices.filter((d) => d.alive);
  const local = alive.filter((d) => d.site === service.ingress || d.id === service.ingress);
  return local.length > 0 ? local : alive;
}

function groupStages(service: ServiceInfo, devs: readonly DeviceState[], mode: GroupMode, room: Room): Stage[] | null {
  const layers = service.model.layers;
  const w = service.model.weightBytes;
  if (mode === 'tp') {
    if (devs.some((d) => room(d) < w / devs.length)) return null;
    return [
      {
        device: devs[0]!.id,
        ...(devs.length > 1 ? { peers: devs.slice(1).map((d) => d.id) } : {}),
        firstLayer: 0,
        endLayer: layers,
        gpus: devs[0]!.gpus,
      },
    ];
  }
  const total = devs.reduce((a, d) => a + room(d), 0);
  if (total < w || devs.length > layers) return null;
  const stages: Stage[] = [];
  let first = 0;
  let cum = 0;
  for (let i = 0; i < devs.length; i++) {
    cum += room(devs[i]!);
    const end =
      i === devs.length - 1
        ? layers
        : Math.min(layers - (devs.length - 1 - i), Math.max(first + 1, Math.floor((layers * cum) / total)));
    stages.push({ device: devs[i]!.id, firstLayer: first, endLayer: end, gpus: devs[i]!.gpus });
    first = end;
  }
  return stages.every((s, i) => (w * (s.endLayer - s.firstLayer)) / layers <= room(devs[i]!)) ? stages : null;
}

export function deviceGroupPlan(view: ClusterView, mode: GroupMode): PlacementPlan {
  const instances: PlannedInstance[] = [];
  const notes: string[] = [];
  const used = new Map<string, number>();
  const room = roomWith(used);
  for (const service of byDemand(view.services)) {
    const devs = siteDevices(view, service);
    if (devs.length === 0) {
      notes.push(`${service.name}: no alive device`);
      continue;
    }
    const stages =
      service.kind === 'llm'
        ? groupStages(service, devs, mode, room)
        : (() => {
            const d = devs.find((x) => room(x) >= service.model.weightBytes);
            return d ? [{ device: d.id, firstLayer: 0, endLayer: service.model.layers, gpus: d.gpus }] : null;
          })();
    if (stages === null) {
      notes.push(`${service.name}: the group cannot hold it`);
      continue;
    }
    for (const [id, bytes] of planMemoryByDevice(view, [{ service: service.name, stages }]))
      used.set(id, (used.get(id) ?? 0) + bytes);
    instances.push({ service: service.name, stages });
    notes.push(`${service.name}→${mode} over ${devs.map((d) => d.id).join('+')}`);
  }
  return { instances, reason: `device-group: ${notes.join(', ')}` };
}

export const deviceGroup: PolicyFactory = {
  description:
    'Each LLM service as one instance over all devices of its ingress site: tensor-parallel (tp) or pipeline (pp).',
  params: {
    mode: {
      kind: 'choice',
      default: 'tp',
      choices: ['tp', 'pp'],
      description: 'tp: split every layer over the devices; pp: split the layers into blocks',
    },
  },
  create: (p) => {
    const mode = (p['mode'] === 'pp' ? 'pp' : 'tp') as GroupMode;
    return new PlannedPolicy('device-group', (view) => deviceGroupPlan(view, mode), 'least-loaded');
  },
};
