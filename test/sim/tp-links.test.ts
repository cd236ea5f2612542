/**
 * Tensor-parallel syncs on the link network (sim/parallel/tp-links.ts): a group's per-layer syncs
 * occupy the links root ↔ member, so two groups sharing a link (one Wi-Fi access point: one
 * medium) slow each other, while two groups on separate Ethernet ports of one switch do not; and
 * a member busy with other work delays its group (a TP step ends when the slowest member does).
 */
import { describe, expect, it } from 'vitest';
import type {
  ClusterView,
  NodeView,
  PlacementPlan,
  Policy,
  RequestInfo,
  RouteDecision,
  Stage,
} from '../../policies/index.js';
import { builtinCatalog, formatIssues, validateScenarioObject } from '../../scenarios/index.js';
import { simulate } from '../../sim/index.js';

const C = builtinCatalog();

/** Places the given stages per service once; routes each request to its service's instance. */
class Fixed implements Policy {
  readonly name = 'test-fixed';
  readonly placementPeriodS = undefined;
  readonly sync = undefined;
  constructor(private readonly plan: Readonly<Record<string, Stage[]>>) {}
  place(_v: ClusterView): PlacementPlan {
    return { instances: Object.entries(this.plan).map(([service, stages]) => ({ service, stages })), reason: 'test' };
  }
  route(req: RequestInfo, view: NodeView): RouteDecision {
    const inst = view.instances.find((i) => i.service === req.service && i.state !== 'gone');
    return inst ? { kind: 'instance', instanceId: inst.id, reason: 'only' } : { kind: 'drop', reason: 'no-instance' };
  }
}

const llm = (name: string, ingress: string) => ({
  name,
  kind: 'llm',
  model: 'tinyllama-1.1b-q4',
  ingress,
  slo: { ttft_s: 1e9, tpot_s: 1e9 },
  arrivals: { process: 'closed', concurrency: 1, think_s: 0 },
  // Prefill-heavy: the syncs of a 512-token prompt are 44 syncs × 512 × 2048 × 2 B ≈ 92 MB per
  // member and direction, seconds on Wi-Fi, so the medium is the bottleneck.
  prompt_tokens: { dist: 'fixed', value: 512 },
  output_tokens: { dist: 'fixed', value: 2 },
});

/**
 * Requests of service `a` (group n0+n1) finished in 120 s and the utilisation of its root n0, with
 * or without service `b` (group n2+n3) running beside it, all four devices joined to one switch
 * by `link`; `busyPeer`: a one-device service `c` also runs on n1, a's member.
 */
function runA(link: string, withB: boolean, busyPeer = false): { done: number; rootUtil: number } {
  const ids = ['n0', 'n1', 'n2', 'n3'];
  const raw = {
    name: 'tp-links',
    seed: 1,
    horizon_s: 120,
    policy: { name: 'adaptive-split' },
    switches: ['sw'],
    devices: ids.map((id) => ({ id, type: 'rtx-3090' })),
    links: ids.map((id) => ({ a: id, b: 'sw', type: link })),
    services: [llm('a', 'n0'), ...(withB ? [llm('b', 'n2')] : []), ...(busyPeer ? [llm('c', 'n1')] : [])],
  };
  const s = validateScenarioObject(raw, 'T', { catalog: C });
  if (!s.ok) throw new Error(formatIssues(s.issues));
  const plan: Record<string, Stage[]> = { a: [{ device: 'n0', peers: ['n1'], firstLayer: 0, endLayer: 22, gpus: 1 }] };
  if (withB) plan['b'] = [{ device: 'n2', peers: ['n3'], firstLayer: 0, endLayer: 22, gpus: 1 }];
  // A one-device instance on n1, the member of a's group: its work occupies n1's GPU.
  if (busyPeer) plan['c'] = [{ device: 'n1', firstLayer: 0, endLayer: 22, gpus: 1 }];
  const r = simulate(s.value, { policyImpl: new Fixed(plan), warmStart: true });
  return { done: r.services['a']!.goodputRps * 120, rootUtil: r.devices['n0']!.utilization };
}

describe('tensor parallel › syncs on the links', () => {
  it('tp links › two groups on one Wi-Fi access point › each slower than one alone', () => {
    const alone = runA('wifi5', false).done;
    const shared = runA('wifi5', true).done;
    expect(alone).toBeGreaterThanOrEqual(8);
    // The medium carries both groups' syncs and is the bottleneck: a's throughput halves.
    expect(shared).toBeLessThan(0.75 * alone);
    expect(shared).toBeGreaterThan(0.35 * alone);
  });

  it('tp links › two groups on separate Ethernet ports of one switch › no slowdown', () => {
    const alone = runA('1gbe', false).done;
    expect(alone).toBeGreaterThan(50);
    expect(runA('1gbe', true).done).toBe(alone);
  });

  it('tp links › a member busy with another instance › the group waits for it (its root idles meanwhile)', () => {
    const alone = runA('1gbe', false);
    const busy = runA('1gbe', false, true);
    // Alone, the group's root never idles under a closed loop with think time 0.
    expect(alone.rootUtil).toBeCloseTo(1, 6);
    // With c's steps on n1, a's steps start only when n1 is free: the root waits, a finishes fewer.
    expect(busy.rootUtil).toBeLessThan(0.99);
    expect(busy.done).toBeLessThan(alone.done - 2);
  });
});
