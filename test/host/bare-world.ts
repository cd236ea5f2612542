/**
 * The simulator's host without `simulate()`: a World over `sc` with its kernel, streams, link
 * network and summarizer, and its Views, at t = 0 and with no handler registered — for tests that
 * drive placement, views and sync by hand (sim-host, sim-sync).
 */
import type { Scenario } from '../../scenarios/index.js';
import { Views } from '../../sim/host/views.js';
import { World } from '../../sim/host/world.js';
import { EventKernel, RngStreams, RunSummarizer } from '../../sim/index.js';
import { LinkNetwork } from '../../sim/network/link-network.js';

export function bareWorld(sc: Scenario, syncing: boolean): { w: World; views: Views; kernel: EventKernel } {
  const streams = new RngStreams(1);
  const network = new LinkNetwork(sc, streams.get('links:loss'));
  const summarizer = new RunSummarizer({
    scenario: sc.name,
    seed: 1,
    policy: 'test',
    horizonS: sc.horizonS,
    timelineBucketS: sc.timelineBucketS,
    services: sc.services.map((s) => ({ name: s.name, kind: s.kind, slo: s.slo, perfSource: {} })),
    devices: sc.devices.map((d) => ({ id: d.id, type: d.spec.key, idleW: d.spec.idleW, busyW: d.spec.busyW })),
  });
  const kernel = new EventKernel(64);
  const w = new World(sc, kernel, streams, network, summarizer, undefined);
  return { w, views: new Views(w, syncing), kernel };
}
