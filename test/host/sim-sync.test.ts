/**
 * Peer-state sync in the simulator's host (sim/host/sync.ts, sim/host/views.ts in sync mode),
 * driven directly with the clock moved by hand: the ingress node sees its own device live and
 * its peers as of their last message; a new peer instance is known from the placement (pending,
 * empty) until a message says more; messages can be lost or delayed by faults; a crashed device
 * sends nothing; a peer silent for 3 periods is marked down with its instances failed, until it
 * is heard again. The ingress is device gpu0 (a router on a device), peers gpu1 and gpu2.
 */
import { describe, expect, it } from 'vitest';
import type { FaultConfig } from '../../scenarios/index.js';
import { applyPlan, crashDevice, markReady } from '../../sim/host/placement.js';
import { SyncChannel } from '../../sim/host/sync.js';
import { bareWorld } from './bare-world.js';
import { device, link, llmService, scenario } from '../sim/fixtures.js';

function syncHost(faults: FaultConfig[] = [], periodS = 1, router?: 'distributed' | 'central') {
  const sc = scenario({
    devices: [device('gpu0'), device('gpu1'), device('gpu2'), device('gpu3')],
    // gpu3 hangs off its own switch with no route to the ingress: its messages never arrive.
    switches: ['sw', 'island'],
    links: [
      link('l0', 'gpu0', 'sw', 1e12, 0),
      link('l1', 'gpu1', 'sw', 1e12, 0),
      link('l2', 'gpu2', 'sw', 1e12, 0),
      link('l3', 'gpu3', 'island', 1e12, 0),
    ],
    services: [llmService({ ingress: 'gpu0' })],
    faults,
    horizonS: 100,
  });
  const { w, views, kernel } = bareWorld(router === undefined ? sc : { ...sc, router }, true);
  const sync = new SyncChannel(w, views, { periodS, messageBytes: 100 });
  w.handlers.syncRecv = kernel.register((p) => sync.receive(p));
  const whole = (d: string) => ({ service: 'chat', stages: [{ device: d, firstLayer: 0, endLayer: 10, gpus: 1 }] });
  applyPlan(w, { instances: [whole('gpu0'), whole('gpu1'), whole('gpu2')], reason: 'test' });
  for (const i of w.instances) markReady(w, i);
  views.instancesChanged();
  const node = w.ingressNode[0]!;
  const nv = () => views.nodeView(node);
  /** A sync round at `t`, then every message due by `until` delivered (100 B take ~1 ns). */
  const round = (t: number, until = t + 0.001) => {
    kernel.runUntil(t);
    sync.send();
    kernel.runUntil(until);
  };
  const states = () => nv().instances.map((i) => i.state);
  return { w, views, kernel, sync, nv, round, states };
}

describe('sync › what the ingress node sees', () => {
  it('own device live; peers’ instances pending and empty until their first message, then as sent', () => {
    const h = syncHost();
    const { w, nv } = h;
    expect(nv().self).toBe('gpu0');
    expect(h.states()).toEqual(['ready', 'pending', 'pending']);
    w.enterInstance(w.instances[0]!);
    w.enterInstance(w.instances[1]!);
    w.enterInstance(w.instances[1]!);
    // Own device and instance live; the peers' copies are unchanged until a message arrives.
    expect(nv().devices.map((d) => d.queuedRequests)).toEqual([1, 0, 0, 0]);
    expect(nv().instances.map((i) => i.queued)).toEqual([1, 0, 0]);
    h.round(1);
    expect(h.states()).toEqual(['ready', 'ready', 'ready']);
    expect(nv().devices.map((d) => d.queuedRequests)).toEqual([1, 2, 0, 0]);
    expect(nv().instances.map((i) => i.queued)).toEqual([1, 2, 0]);
    expect(nv().devices.map((d) => d.asOfS)).toEqual([1, 1, 1, 0]);
    // Changes after the round are not seen before the next one.
    w.leaveInstance(w.instances[1]!);
    expect(nv().devices[1]!.queuedRequests).toBe(2);
    h.round(2);
    expect(nv().devices[1]!.queuedRequests).toBe(1);
  });

  it('copies carry their snapshot time (countsAsOfS); the own device’s instance is fresh (none)', () => {
    const h = syncHost();
    expect(h.nv().instances.map((i) => i.countsAsOfS)).toEqual([undefined, 0, 0]);
    h.round(1);
    expect(h.nv().instances.map((i) => i.countsAsOfS)).toEqual([undefined, 1, 1]);
    h.round(2.5);
    expect(h.nv().instances.map((i) => i.countsAsOfS)).toEqual([undefined, 2.5, 2.5]);
  });

  it('router central › instances fresh (every dispatch seen at once, no countsAsOfS); devices still as of their message', () => {
    const h = syncHost([], 1, 'central');
    const { w, nv } = h;
    // Ready at once (the router readied them), unlike the distributed node's pending copies.
    expect(h.states()).toEqual(['ready', 'ready', 'ready']);
    w.enterInstance(w.instances[1]!);
    w.enterInstance(w.instances[2]!);
    expect(nv().instances.map((i) => i.queued)).toEqual([0, 1, 1]);
    expect(nv().instances.map((i) => i.countsAsOfS)).toEqual([undefined, undefined, undefined]);
    // The devices' load is the heartbeat's: unchanged until the round.
    expect(nv().devices.map((d) => d.queuedRequests)).toEqual([0, 0, 0, 0]);
    h.round(1);
    expect(nv().devices.map((d) => d.queuedRequests)).toEqual([0, 1, 1, 0]);
    w.leaveInstance(w.instances[1]!);
    expect(nv().instances.map((i) => i.queued)).toEqual([0, 0, 1]);
    expect(nv().devices[1]!.queuedRequests).toBe(1);
  });

  it('a peer’s lifecycle change reaches the node with a version bump; an unchanged message bumps nothing', () => {
    const h = syncHost();
    h.round(1);
    const v = h.nv().version!;
    h.round(2);
    expect(h.nv().version).toBe(v);
    h.w.setLifecycle(h.w.instances[2]!, 'draining');
    const v2 = h.w.topology;
    h.round(3);
    expect(h.states()).toEqual(['ready', 'ready', 'draining']);
    expect(h.w.topology).toBe(v2 + 1);
    // A gone instance is no longer reported: its copy keeps the last state sent.
    h.w.setLifecycle(h.w.instances[2]!, 'gone');
    h.round(4);
    expect(h.nv().instances.find((i) => i.id === 'chat#2')!.state).toBe('draining');
  });
});

describe('sync › lost, delayed and missing messages', () => {
  it('loss › probability 1 inside [from, to): nothing arrives; at `to` messages flow again', () => {
    const h = syncHost([{ kind: 'sync-loss', probability: 1, fromS: 1, toS: 3 }]);
    h.round(1);
    h.round(2);
    expect(h.states()).toEqual(['ready', 'pending', 'pending']);
    h.round(3);
    expect(h.states()).toEqual(['ready', 'ready', 'ready']);
  });

  it('loss › two half-lossy faults lose three messages in four on average', () => {
    const h = syncHost([
      { kind: 'sync-loss', probability: 0.5, fromS: 0, toS: 1000 },
      { kind: 'sync-loss', probability: 0.5, fromS: 0, toS: 1000 },
    ]);
    let got = 0;
    const n = 400;
    for (let t = 1; t <= n; t++) {
      const before = h.nv().devices[1]!.asOfS;
      h.round(t);
      if (h.nv().devices[1]!.asOfS !== before) got++;
    }
    // Kept with probability 0.25: 100 of 400 expected; binomial sd ≈ 8.7.
    expect(got).toBeGreaterThan(70);
    expect(got).toBeLessThan(130);
  });

  it('delay › messages sent inside the window arrive `delayS` late (delays add); outside, at once', () => {
    const h = syncHost([
      { kind: 'sync-delay', delayS: 0.25, fromS: 1, toS: 2 },
      { kind: 'sync-delay', delayS: 0.25, fromS: 0, toS: 2 },
    ]);
    h.round(1, 1.499);
    expect(h.states()).toEqual(['ready', 'pending', 'pending']);
    h.kernel.runUntil(1.501);
    expect(h.states()).toEqual(['ready', 'ready', 'ready']);
    h.round(2);
    expect(h.nv().devices[1]!.asOfS).toBe(2);
  });

  it('silence › a crashed peer sends nothing; after 3 silent periods it is down with its instances failed, until heard again', () => {
    const h = syncHost();
    h.round(1);
    crashDevice(h.w, 1);
    h.round(2);
    h.round(3);
    h.round(4);
    // gpu1 last heard at 1: at 4 the limit is 4 − 3 = 1, not older: still alive. gpu3, never
    // heard (as of 0), is down from the round at 4.
    expect(h.nv().devices.map((d) => d.alive)).toEqual([true, true, true, false]);
    expect(h.states()).toEqual(['ready', 'ready', 'ready']);
    const v = h.w.topology;
    h.round(4.5);
    expect(h.nv().devices.map((d) => d.alive)).toEqual([true, false, true, false]);
    expect(h.states()).toEqual(['ready', 'failed', 'ready']);
    expect(h.w.topology).toBeGreaterThan(v);
    // The device recovers and speaks again: alive in the node's view, with a version bump.
    h.w.setAlive(1, true);
    const v2 = h.w.topology;
    h.round(5);
    expect(h.nv().devices.map((d) => d.alive)).toEqual([true, true, true, false]);
    expect(h.w.topology).toBeGreaterThan(v2);
  });
});

describe('sync › faults by kind and window, own device, timeout period', () => {
  it('faults › loss only in [from, to) and only from sync-loss; delay only from sync-delay in its window', () => {
    const h = syncHost([
      { kind: 'sync-loss', probability: 1, fromS: 2, toS: 4 },
      { kind: 'sync-delay', delayS: 0.5, fromS: 1, toS: 3 },
    ]);
    const heard = () => h.nv().devices[1]!.asOfS;
    h.round(0.5);
    expect(heard()).toBe(0.5);
    h.round(1);
    expect(heard()).toBe(0.5);
    h.kernel.runUntil(1.501);
    expect(heard()).toBe(1);
    h.round(2, 3.9);
    expect(heard()).toBe(1);
    h.round(4);
    expect(heard()).toBe(4);
  });

  it('own device › a sync message never overwrites the node’s own live device', () => {
    const h = syncHost();
    h.kernel.runUntil(1);
    h.sync.send();
    h.w.enterInstance(h.w.instances[0]!);
    h.kernel.runUntil(1.001);
    expect(h.nv().devices[0]!.queuedRequests).toBe(1);
    expect(h.w.deviceViews[0]!.queuedRequests).toBe(1);
  });

  it('re-placement › a peer instance’s copy keeps what the last message said', () => {
    const h = syncHost();
    h.round(1);
    expect(h.states()).toEqual(['ready', 'ready', 'ready']);
    h.views.instancesChanged();
    expect(h.states()).toEqual(['ready', 'ready', 'ready']);
  });

  it('timeout › 3 periods of the sync spec (period 2 s: silent since 1, down after 7, not at 7); one bump per peer lost', () => {
    const h = syncHost([], 2);
    h.round(1);
    crashDevice(h.w, 1);
    h.round(3);
    h.round(5);
    h.round(7);
    expect(h.nv().devices[1]!.alive).toBe(true);
    h.round(7.5);
    expect(h.nv().devices[1]!.alive).toBe(false);
    const v = h.w.topology;
    h.round(9);
    expect(h.w.topology).toBe(v);
  });
});
