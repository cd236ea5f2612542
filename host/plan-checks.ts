/**
 * The checks a planned instance must pass before a host builds it, the same on both hosts: at
 * least one stage; every device (and tensor-parallel peer) known and alive; a GPU count the
 * device has; LLM layers contiguous from 0 to the model's last layer; every stage reachable from
 * the service's ingress; a tensor-parallel group joined by usable links. A failed check refuses
 * the instance with a note (never a crash); the reason text is the same on both sides.
 */
import type { PlannedInstance } from '../policies/index.js';
import type { ServiceConfig } from '../scenarios/index.js';

/** What a host knows of its devices and network, by scenario device index. */
export interface PlacementTopology {
  /** Scenario index of a device id; undefined for unknown ids (and for non-device nodes). */
  deviceIndex(id: string): number | undefined;
  alive(d: number): boolean;
  gpus(d: number): number;
  /** Whether requests of service `service` (scenario index) can reach device `d` from its ingress. */
  reachable(service: number, d: number): boolean;
  /** Why the tensor-parallel group `members` (root first) cannot be joined, or null. */
  groupProblem(members: readonly string[]): string | null;
}

/** Why planned instance `p` of service `s` (scenario index `service`) cannot be built, or null. */
export function planProblem(
  p: PlannedInstance,
  s: ServiceConfig,
  service: number,
  topo: PlacementTopology,
): string | null {
  if (p.stages.length === 0) return 'no stages';
  let layer = 0;
  for (const st of p.stages) {
    const d = topo.deviceIndex(st.device);
    if (d === undefined) return `unknown device ${st.device}`;
    if (!topo.alive(d)) return `device ${st.device} is down`;
    const g = topo.gpus(d);
    if (!Number.isInteger(st.gpus) || st.gpus < 1 || st.gpus > g) return `gpus ${st.gpus} on ${st.device} (has ${g})`;
    if (s.kind === 'llm' && (st.firstLayer !== layer || st.endLayer <= st.firstLayer))
      return `layers not contiguous at ${st.device}`;
    layer = st.endLayer;
    if (!topo.reachable(service, d)) return `${st.device} unreachable from ingress`;
    if (st.peers !== undefined && st.peers.length > 0) {
      for (const peer of st.peers) {
        const pd = topo.deviceIndex(peer);
        if (pd === undefined) return `unknown device ${peer}`;
        if (!topo.alive(pd)) return `device ${peer} is down`;
      }
      const why = topo.groupProblem([st.device, ...st.peers]);
      if (why !== null) return why;
    }
  }
  if (s.kind === 'llm' && layer !== s.model.layers) return `layers cover [0,${layer}) of ${s.model.layers}`;
  return null;
}
