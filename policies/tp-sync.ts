/**
 * The cost of tensor parallelism across devices (Stage.peers): one hidden-state synchronisation
 * over a group's links, the formula the simulator charges (sim/parallel/tensor-parallel.ts calls
 * `syncSeconds` with these constants) and the policies plan with — so a policy that chooses a TP
 * group over a pipeline predicts what the host will run. Formula with units: docs/sim-models.md
 * "Cross-device parallelism".
 *
 *   sync(tokens) = 2·path + (n − 1)·(8·tokens·hidden·2 B / bandwidth + perMessage) + perSync
 *
 * path: one-way latency root → member (the direct link of a pair, else root link + member link
 * through their common switch); bandwidth: the root's link, which carries the n − 1 gathers.
 */
import type { DeviceState, LinkState } from './contract.js';

/** Hidden-state synchronisations per layer (attention output, MLP output; Megatron-style TP). */
export const SYNCS_PER_LAYER = 2;
/** Bytes per hidden-state value on the wire (fp16/bf16 activations; distributed-llama's Q80 ≈ 1.06). */
export const SYNC_BYTES_PER_VALUE = 2;

/**
 * Software cost of one synchronisation, seconds, by transport class: a fixed part per sync
 * (`perSyncS`: barrier, worker skew, wake-up) and a part per message the root sends or receives
 * (`perMessageS`). FITTED global constants (sim/parallel/tensor-parallel.ts says from which rows
 * of ../shared/profiles/batched/split-multidevice.csv).
 */
export const SYNC_OVERHEAD = {
  tcp: { perSyncS: 110e-6, perMessageS: 90e-6 },
  rdma: { perSyncS: 40e-6, perMessageS: 16e-6 },
} as const;
export type SyncTransport = keyof typeof SYNC_OVERHEAD;

/** Links of 100 Gbit/s and more run RDMA-class transports (RoCE), as NVLink/PCIe do. */
export const RDMA_MIN_BPS = 100e9;

/** Seconds of one synchronisation of `bytes` over a group of `n` (the formula above). */
export function syncSeconds(
  transport: SyncTransport,
  n: number,
  pathS: number,
  bandwidthBps: number,
  bytes: number,
): number {
  if (n <= 1) return 0;
  const o = SYNC_OVERHEAD[transport];
  return 2 * pathS + (n - 1) * ((bytes * 8) / bandwidthBps + o.perMessageS) + o.perSyncS;
}

/** What a group synchronises over, as a policy sees it. */
export interface GroupPath {
  readonly transport: SyncTransport;
  readonly pathS: number;
  readonly bandwidthBps: number;
}

/**
 * The path of a group (root first) from the view's links that are up: the direct link of a pair,
 * else each member's link to a switch (a node that is no device) they all hang off. Undefined when
 * there is none — the host refuses such a group. The transport class reads the link kind and its
 * effective bandwidth (the view has no nominal rate: ≥ 0.8 × 100 Gbit/s counts as RDMA-class).
 */
export function groupPath(
  links: readonly LinkState[],
  devices: readonly Pick<DeviceState, 'id'>[],
  members: readonly string[],
): GroupPath | undefined {
  const up = links.filter((l) => l.up && l.bandwidthBps > 0);
  const between = (a: string, b: string) => up.find((l) => (l.a === a && l.b === b) || (l.a === b && l.b === a));
  const transportOf = (l: LinkState): SyncTransport =>
    l.kind === 'nvlink' || l.kind === 'pcie' || l.bandwidthBps >= 0.8 * RDMA_MIN_BPS ? 'rdma' : 'tcp';
  if (members.length === 2) {
    const d = between(members[0]!, members[1]!);
    if (d) return { transport: transportOf(d), pathS: d.latencyS, bandwidthBps: d.bandwidthBps };
  }
  const isDevice = new Set(devices.map((d) => d.id));
  const switchesOf = (m: string) =>
    up
      .filter((l) => l.a === m || l.b === m)
      .map((l) => (l.a === m ? l.b : l.a))
      .filter((n) => !isDevice.has(n));
  const common = members
    .map(switchesOf)
    .reduce((acc, s) => acc.filter((x) => s.includes(x)))
    .sort();
  const sw = common[0];
  if (sw === undefined) return undefined;
  const root = between(members[0]!, sw)!;
  let pathS = 0;
  for (const m of members.slice(1)) pathS = Math.max(pathS, root.latencyS + between(m, sw)!.latencyS);
  return { transport: transportOf(root), pathS, bandwidthBps: root.bandwidthBps };
}
