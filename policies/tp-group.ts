/**
 * Candidate tensor-parallel groups across devices (Stage.peers) for a service: the whole model as
 * one stage split 1/n over n devices hanging off one switch, as distributed-llama and exo run it.
 * Offered beside pipelines so that a policy can choose a group where it beats a chain under its
 * own objective (issue 13 item 3); timed by perf-model `placedStageTimes` with the simulator's
 * sync cost (tp-sync.ts).
 *
 * Groups (ours): per switch, the n fastest devices there (decode speed, then id) for n = 2 and 4
 * (distributed-llama needs a power of two; larger groups sync more than they gain on the links
 * edge sites have), plus any explicit `extra` device sets (a pipeline's devices, to compare the
 * same hardware both ways). A group qualifies when each member holds 1/n of the weights within
 * the ledger and the members have a common switch or a direct link.
 */
import type { ClusterView, DeviceState, ServiceInfo, Stage } from './contract.js';
import type { MemoryLedger } from './memory-ledger.js';
import { perfOn } from './perf-model.js';
import { groupPath } from './tp-sync.js';

export const TP_GROUP_SIZES: readonly number[] = [2, 4];

/** Decode speed of an LLM on the device, 0 without figures (groups are LLM-only, see below). */
function speed(service: ServiceInfo, d: DeviceState): number {
  return perfOn(service, d)?.decodeTokPerS ?? 0;
}

/** The stage of a group (root first), or undefined when it cannot hold the model or sync. */
export function tpGroupStage(
  view: Pick<ClusterView, 'devices' | 'links'>,
  service: ServiceInfo,
  group: readonly DeviceState[],
  ledger: MemoryLedger,
): Stage | undefined {
  if (group.length < 2 || service.kind !== 'llm') return undefined;
  const root = group[0]!;
  const stage: Stage = {
    device: root.id,
    peers: group.slice(1).map((d) => d.id),
    firstLayer: 0,
    endLayer: service.model.layers,
    gpus: root.gpus,
  };
  if (
    !groupPath(
      view.links,
      view.devices,
      group.map((d) => d.id),
    )
  )
    return undefined;
  return ledger.fits(service, [stage]) ? stage : undefined;
}

export function tpGroupCandidates(
  view: Pick<ClusterView, 'devices' | 'links'>,
  service: ServiceInfo,
  devices: readonly DeviceState[],
  ledger: MemoryLedger,
  extra: readonly (readonly string[])[] = [],
): Stage[] {
  if (service.kind !== 'llm') return [];
  const usable = devices
    .filter((d) => d.alive && speed(service, d) > 0 && ledger.freeBytes(d.id) > 0)
    .slice()
    .sort((a, b) => speed(service, b) - speed(service, a) || (a.id < b.id ? -1 : 1));
  const bySite = new Map<string, DeviceState[]>();
  for (const d of usable) bySite.set(d.site, [...(bySite.get(d.site) ?? []), d]);
  const out: Stage[] = [];
  const seen = new Set<string>();
  const add = (g: readonly DeviceState[]) => {
    const key = g.map((d) => d.id).join('+');
    if (seen.has(key)) return;
    seen.add(key);
    const st = tpGroupStage(view, service, g, ledger);
    if (st) out.push(st);
  };
  for (const site of [...bySite.keys()].sort()) {
    const ds = bySite.get(site)!;
    for (const n of TP_GROUP_SIZES) if (ds.length >= n) add(ds.slice(0, n));
  }
  for (const ids of extra) {
    const g = ids
      .map((id) => usable.find((d) => d.id === id))
      .filter((d): d is DeviceState => d !== undefined)
      .sort((a, b) => speed(service, b) - speed(service, a) || (a.id < b.id ? -1 : 1));
    if (g.length === ids.length) add(g);
  }
  return out;
}
