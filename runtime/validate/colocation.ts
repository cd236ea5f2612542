/**
 * Agents on one host slow each other (shared cores, caches, memory bandwidth; on the 2-vCPU
 * testbed VM a 256-token prefill ran ~1.3–1.7× faster on one agent alone than with both agents
 * busy, docs/validation.md "Co-located agents"). Profiles measure every agent of a type at once —
 * the speed when the replay's agents overlap — and once, with the first profile, one agent alone
 * against all at once at batch 1 in interleaved rounds (profile-pairs.ts ALONE_ROUNDS); the median
 * over rounds of each round's geometric mean of alone ÷ together is the type's `aloneSpeedup`, and the devices those agents realize become one co-located group named by the
 * host (DeviceConfig.colocated; the simulator speeds up work started while the rest of the group
 * is idle, sim/host/colocation.ts). A median below 1 (noise: alone measured slower) is kept at 1.
 */
import type { Scenario } from '../../scenarios/index.js';
import { median } from '../../sim/index.js';
import type { Testbed } from '../controller/index.js';

/** Per device type, the median of its rounds' alone ÷ together ratios, at least 1. */
export function aloneSpeedups(ratios: ReadonlyMap<string, readonly number[]>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [t, xs] of ratios) {
    const m = median(xs);
    if (m !== null) out.set(t, Math.max(1, m));
  }
  return out;
}

/** The devices realized by agents of a type with a speedup, co-located by their agents' host. Pure. */
export function withColocation(
  scenario: Scenario,
  testbed: Testbed,
  speedups: ReadonlyMap<string, number>,
): { scenario: Scenario; notes: string[] } {
  const hostOf = new Map(testbed.agents.map((a) => [a.device, new URL(a.url).hostname]));
  const notes: string[] = [];
  let changed = false;
  const devices = scenario.devices.map((d) => {
    const s = speedups.get(d.spec.key);
    const host = hostOf.get(d.id);
    if (s === undefined || host === undefined) return d;
    changed = true;
    return { ...d, colocated: { group: host, aloneSpeedup: s } };
  });
  for (const [t, s] of speedups)
    notes.push(
      `co-located agents: ${t} ran ${s.toFixed(2)}× faster alone than with every agent of the type busy (batch 1, median of interleaved rounds); the twin speeds up work started while the rest of its host is idle`,
    );
  return { scenario: changed ? { ...scenario, devices } : scenario, notes };
}
