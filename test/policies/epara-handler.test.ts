/**
 * EPARA's request handler (policies/epara/request-handler.ts) beyond epara.test.ts: what counts
 * as local, staleness of split chains and its age/limit discount, instances it cannot score, the
 * best local instance, dispatch records only against older snapshots, and the reasons it gives.
 * Same cluster as epara.test.ts: orin0 at s1, gpu0/gpu1 at s2 behind a 1 Gb/s, 5 ms link.
 */
import { describe, expect, it } from 'vitest';
import { POLICIES } from '../../policies/index.js';
import { RequestHandler } from '../../policies/epara/request-handler.js';
import { device, instance, link, nodeView, request, service, testRng, view, whole } from './view-builder.js';

const devices = [
  device('orin0', 'orin'),
  device('orin1', 'orin'),
  device('gpu0', 'gpu4', { site: 's2' }),
  device('gpu1', 'gpu4', { site: 's2' }),
];
const links = [
  link('orin0', 's1', 1e9, 0.0002),
  link('orin1', 's1', 1e9, 0.0002),
  link('gpu0', 's2', 1e10, 0.0001),
  link('gpu1', 's2', 1e10, 0.0001),
  link('s1', 's2', 1e9, 0.005),
];
const handler = (o: Partial<{ stalenessLimitS: number; sloMargin: number }> = {}) =>
  new RequestHandler({ stalenessLimitS: 3, sloMargin: 0.5, ...o });
const at = (instances: ReturnType<typeof instance>[], o: { now?: number; asOf?: number; self?: string } = {}) =>
  nodeView(
    view({
      now: o.now ?? 10,
      devices: devices.map((d) => ({ ...d, asOfS: o.asOf ?? o.now ?? 10 })),
      links,
      services: [service('seg'), service('chat')],
      instances,
    }),
    o.self ?? 's1',
  );
const id = (d: { kind: string }) => (d as { instanceId?: string }).instanceId;

describe('epara › request handler details', () => {
  it('local › the handler on a device (self = device id) › its own instance is local', () => {
    // Handler at gpu0 (site s2): its instance meets the SLO and is kept local though orin0 is nearer the ingress.
    const d = handler().route(
      request('chat'),
      at([instance('g', 'chat', whole('gpu0', 32)), instance('o', 'chat', whole('orin0', 32))], { self: 'gpu0' }),
    );
    expect(d).toMatchObject({ kind: 'instance', instanceId: 'g' });
    expect(d.reason).toMatch(/^local /);
  });
  it('local › the best of several local instances (a: 4 running, ratio 0.56; b idle, 0.38), whatever their order', () => {
    const v = at([
      instance('a', 'chat', whole('orin0', 32), { running: 4 }),
      instance('b', 'chat', whole('orin1', 32)),
    ]);
    expect(id(handler().route(request('chat'), v))).toBe('b');
    const w = at([
      instance('b', 'chat', whole('orin1', 32)),
      instance('a', 'chat', whole('orin0', 32), { running: 4 }),
    ]);
    expect(id(handler().route(request('chat'), w))).toBe('b');
  });
  it('service › the request’s own service, not the first listed; unknown › dropped no-instance', () => {
    const v = at([instance('s', 'seg', whole('orin0', 10)), instance('c', 'chat', whole('orin0', 32))]);
    expect(id(handler().route(request('chat'), v))).toBe('c');
    expect(handler().route(request('nope'), v)).toEqual({
      kind: 'drop',
      reason: 'no-instance',
      detail: 'unknown service nope',
    });
  });
  it('unscorable › instance on a device without figures, or unreachable › dropped, no reachable instance', () => {
    const fpga = device('f0', 'fpga', { asOfS: 10 });
    const v = nodeView(
      view({
        now: 10,
        devices: [fpga],
        links: [link('f0', 's1', 1e6, 0.01)],
        services: [service('chat')],
        instances: [instance('x', 'chat', whole('f0', 32))],
      }),
    );
    expect(handler().route(request('chat'), v)).toEqual({
      kind: 'drop',
      reason: 'slo-infeasible',
      detail: 'no reachable instance',
    });
    const cut = { ...at([instance('g', 'chat', whole('gpu0', 32))]), links: links.filter((l) => l.id !== 's1-s2') };
    expect(handler().route(request('chat'), cut)).toEqual({
      kind: 'drop',
      reason: 'slo-infeasible',
      detail: 'no reachable instance',
    });
  });
  it('staleness › a split chain is as old as its oldest stage', () => {
    const stages = [
      { device: 'gpu0', firstLayer: 0, endLayer: 16, gpus: 4 },
      { device: 'gpu1', firstLayer: 16, endLayer: 32, gpus: 4 },
    ];
    const v = at([instance('c', 'chat', stages)]);
    const old = { ...v, devices: v.devices.map((d) => (d.id === 'gpu1' ? { ...d, asOfS: 1 } : d)) };
    expect(handler().route(request('chat'), v).reason).not.toContain('stale');
    expect(handler().route(request('chat'), old).reason).toMatch(/^split-chain .* \(stale peer\)$/);
  });
  it('staleness › 6 s old with a 3 s limit › ratio × 2 (0.22 → 0.44) still beats b2 at 0.55', () => {
    const v = at(
      [instance('b1', 'chat', whole('gpu0', 32)), instance('b2', 'chat', whole('gpu1', 32), { queued: 2 })],
      { asOf: 9.5 },
    );
    const old = { ...v, devices: v.devices.map((d) => (d.id === 'gpu0' ? { ...d, asOfS: 4 } : d)) };
    const d = handler().route(request('chat'), old);
    expect(d).toMatchObject({ instanceId: 'b1' });
    expect(d.reason).toMatch(/^peer 0\.4\d× SLO \(stale peer\)$/);
    // Exactly at the limit is not stale yet.
    const edge = { ...v, devices: v.devices.map((d) => (d.id === 'gpu0' ? { ...d, asOfS: 7 } : d)) };
    expect(handler().route(request('chat'), edge).reason).not.toContain('stale');
  });
  it('dispatches › recorded only against an older snapshot: routing on a fresh view leaves no trace', () => {
    // Two equal peers: on the fresh view b1 wins (first); a moment later on that same snapshot,
    // nothing was recorded, so b1 still wins. Recording the fresh dispatch would tip it to b2.
    const h = handler();
    const two = [
      instance('b1', 'chat', whole('gpu0', 32), { countsAsOfS: 10 }),
      instance('b2', 'chat', whole('gpu1', 32), { countsAsOfS: 10 }),
    ];
    expect(id(h.route(request('chat', 1), at(two, { now: 10 })))).toBe('b1');
    expect(id(h.route(request('chat', 2), at(two, { now: 10.001, asOf: 10 })))).toBe('b1');
    expect(id(h.route(request('chat', 3), at(two, { now: 10.002, asOf: 10 })))).toBe('b2');
  });
});

describe('epara › policy object', () => {
  it('name, and a health check that changes nothing reports the devices held back', () => {
    const p = POLICIES.epara.create({ recovery_backoff_s: 10 });
    expect(p.name).toBe('epara');
    const ds = (now: number, down: boolean) => [
      device('o', 'orin', { alive: !down, asOfS: now }),
      device('q', 'orin', { asOfS: now }),
    ];
    const v = (now: number, down = false) =>
      view({
        now,
        devices: ds(now, down),
        links: [link('o', 's1', 1e9, 0), link('q', 's1', 1e9, 0)],
        services: [service('chat', { demandRps: 0.2 })],
      });
    expect(p.place(v(0), testRng(1)).reason).toMatch(/^keep plan \(initial\)|^fresh plan \(initial\)/);
    p.place(v(1, true), testRng(1));
    const back = p.place(v(2), testRng(1));
    // o is back but held: the usable set is still {q}, the same as at t = 1: a health check.
    expect(back.reason).toBe('health check: no change, backoff o');
    expect(p.place(v(3), testRng(1)).reason).toBe('health check: no change, backoff o');
    const full = p.place(v(12), testRng(1));
    expect(full.reason).toMatch(/\(devices changed\)/);
    expect(full.reason).not.toContain('backoff');
  });
  it('full plan reason › one mode entry per service, space-separated', () => {
    const p = POLICIES.epara.create({});
    const v = view({
      devices: [device('g', 'gpu4')],
      links: [link('g', 's1', 1e10, 0)],
      services: [service('chat', { demandRps: 1 }), service('seg', { demandRps: 2 })],
    });
    expect(p.place(v, testRng(1)).reason).toMatch(/; chat:ls\/replicax1@1\.00rps seg:fs\/data-parallelx1@2\.00rps$/);
  });
});

describe('epara › policy reasons with held devices', () => {
  it('health check with nothing held › no backoff note; a full plan while one is held › names it', () => {
    const p = POLICIES.epara.create({ recovery_backoff_s: 10 });
    const ids = ['o', 'q', 'r', 's'];
    const v = (now: number, down: readonly string[] = []) =>
      view({
        now,
        devices: ids.map((id) => device(id, 'orin', { alive: !down.includes(id), asOfS: now })),
        links: ids.map((id) => link(id, 's1', 1e9, 0)),
        services: [service('chat', { demandRps: 0.2 })],
      });
    p.place(v(0), testRng(1));
    expect(p.place(v(0.5), testRng(1)).reason).toBe('health check: no change');
    p.place(v(1, ['o', 'q']), testRng(1));
    expect(p.place(v(2), testRng(1)).reason).toBe('health check: no change, backoff o,q');
    // s dies while o and q are held: a full re-plan over r, naming the held ones.
    const full = p.place(v(3, ['s']), testRng(1)).reason;
    expect(full).toMatch(
      /^(keep|fresh) plan \(devices changed\) value [\d.]+ rps, kept \d+, new \d+, backoff o,q; chat:/,
    );
  });
});
