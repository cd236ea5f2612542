/**
 * Devices that share one host's cores, caches and memory bandwidth (`DeviceConfig.colocated`):
 * the testbed's llama agents are two "devices" on the two vCPUs of one VM, and each runs markedly
 * faster while the other is idle — measured (docs/validation.md "Co-located agents"): a 256-token
 * prefill at batch 1 ran 2,625–3,325 tok/s on one agent alone and 1,594–2,817 tok/s with both
 * agents profiling at once; decode 475–551 vs 274–480 tok/s. Profile rows are measured with every
 * agent of the group busy (runtime/validate/profile-pairs.ts), the speed the replay meets when its
 * agents overlap; a step that starts while no other device of its group is busy runs
 * `aloneSpeedup` × faster (`timeScale` < 1).
 *
 * ASSUMPTION: the state at the step's (or decode run's) start holds for its whole duration — a
 * run is not re-timed when a co-located device becomes busy or idle; a group member counts as
 * busy while it has work on its lanes (FIFO) or a job not yet ended (processor sharing).
 */
import type { DeviceConfig, Scenario } from '../../scenarios/index.js';
import type { Lanes } from './lanes.js';
import type { ProcessorShare } from './processor-share.js';

/** Per device (index), the other devices of its `colocated` group; empty when it has none. */
export function colocatedPeers(devices: readonly DeviceConfig[]): Int32Array[] {
  const byGroup = new Map<string, number[]>();
  devices.forEach((d, i) => {
    if (d.colocated !== undefined) byGroup.set(d.colocated.group, [...(byGroup.get(d.colocated.group) ?? []), i]);
  });
  return devices.map((d, i) =>
    Int32Array.from((d.colocated === undefined ? [] : byGroup.get(d.colocated.group)!).filter((j) => j !== i)),
  );
}

export class Colocation {
  /** Per device: the other devices of its group (empty: not co-located). */
  private readonly peers: Int32Array[];
  /** Per device: multiplier on a duration started while its peers are idle (1 / aloneSpeedup). */
  private readonly aloneScale: Float64Array;
  readonly any: boolean;

  constructor(
    scenario: Scenario,
    private readonly lanes: Lanes,
    private readonly share: readonly ProcessorShare[] | null,
  ) {
    this.peers = colocatedPeers(scenario.devices);
    this.aloneScale = Float64Array.from(scenario.devices, (d) =>
      d.colocated === undefined ? 1 : 1 / d.colocated.aloneSpeedup,
    );
    this.any = this.peers.some((p) => p.length > 0);
  }

  /** Multiplier on the duration of work device `d` starts at `nowS`. */
  timeScale(d: number, nowS: number): number {
    const peers = this.peers[d]!;
    if (peers.length === 0) return 1;
    for (let k = 0; k < peers.length; k++) if (this.busy(peers[k]!, nowS)) return 1;
    return this.aloneScale[d]!;
  }

  private busy(d: number, nowS: number): boolean {
    // Finished jobs leave a ProcessorShare lazily: its latest predicted end says whether work is left.
    if (this.share !== null) return this.share[d]!.busyUntil > nowS;
    const L = this.lanes;
    for (let g = 0; g < L.count[d]!; g++) if (L.busyUntil[L.base[d]! + g]! > nowS) return true;
    return false;
  }
}
