/**
 * The shared routing pieces (policies/routing.ts): which instances are routable and in what order,
 * the drop reason when none is, the load the choosers compare, the chooser reasons, and the
 * per-(view, version) cache of routable lists.
 */
import { describe, expect, it } from 'vitest';
import type { ClusterView, InstanceState } from '../../policies/index.js';
import {
  ClassicRouter,
  dropFor,
  leastLoaded,
  load,
  noRouteReason,
  powerOfTwo,
  routableInstances,
} from '../../policies/routing.js';
import { device, instance, service, testRng, view, whole } from './view-builder.js';

const devs = () => [device('gpu0', 'gpu4'), device('orin0', 'orin'), device('pi0', 'pi')];
const at = (instances: InstanceState[], devices = devs(), version?: number): ClusterView => ({
  ...view({ devices, services: [service('chat')], instances }),
  ...(version !== undefined ? { version } : {}),
});

describe('routing › routable instances', () => {
  it('routable › ready instances of the service on alive devices › in id order whatever the view order', () => {
    const v = at(
      [
        instance('c', 'chat', whole('gpu0', 32)),
        instance('a', 'chat', whole('orin0', 32)),
        instance('b', 'chat', whole('pi0', 32), { state: 'loading' }),
        instance('d', 'seg', whole('gpu0', 10)),
        instance('e', 'chat', whole('pi0', 32)),
      ],
      [device('gpu0', 'gpu4'), device('orin0', 'orin'), device('pi0', 'pi', { alive: false })],
    );
    expect(routableInstances(v, 'chat').map((i) => i.id)).toEqual(['a', 'c']);
    expect(routableInstances({ ...v, version: 1 }, 'chat').map((i) => i.id)).toEqual(['a', 'c']);
  });
  it('routable › with a version › one list per (view, version, service), recomputed when the version moves', () => {
    const inst: InstanceState[] = [instance('b', 'chat', whole('gpu0', 32)), instance('a', 'chat', whole('orin0', 32))];
    const v = { ...at(inst), version: 1 } as ClusterView & { version: number };
    const first = routableInstances(v, 'chat');
    expect(routableInstances(v, 'chat')).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    inst.push(instance('c', 'chat', whole('pi0', 32)));
    expect(routableInstances(v, 'chat').map((i) => i.id)).toEqual(['a', 'b']); // same version: cached
    v.version = 2;
    expect(routableInstances(v, 'chat').map((i) => i.id)).toEqual(['a', 'b', 'c']);
    expect(routableInstances(v, 'seg')).toEqual([]);
  });
});

describe('routing › drop reasons', () => {
  it('drop › every device down › all-devices-down', () => {
    const down = devs().map((d) => ({ ...d, alive: false }));
    expect(dropFor(at([], down), 'chat')).toEqual({ kind: 'drop', reason: 'all-devices-down' });
  });
  it('drop › every placed instance of the service has a dead device › all-devices-down; a live loading one › no-instance', () => {
    const d = [device('gpu0', 'gpu4', { alive: false }), device('orin0', 'orin')];
    expect(noRouteReason(at([instance('a', 'chat', whole('gpu0', 32))], d), 'chat')).toBe('all-devices-down');
    expect(
      noRouteReason(
        at(
          [instance('a', 'chat', whole('gpu0', 32)), instance('b', 'chat', whole('orin0', 32), { state: 'loading' })],
          d,
        ),
        'chat',
      ),
    ).toBe('no-instance');
  });
  it("drop › only gone or failed instances, or another service's › no-instance", () => {
    const d = [device('gpu0', 'gpu4', { alive: false }), device('orin0', 'orin')];
    expect(
      noRouteReason(
        at(
          [
            instance('a', 'chat', whole('gpu0', 32), { state: 'failed' }),
            instance('b', 'chat', whole('gpu0', 32), { state: 'gone' }),
          ],
          d,
        ),
        'chat',
      ),
    ).toBe('no-instance');
    expect(noRouteReason(at([instance('s', 'seg', whole('gpu0', 10))], d), 'chat')).toBe('no-instance');
    expect(noRouteReason(at([], []), 'chat')).toBe('no-instance');
  });
});

describe('routing › choosers', () => {
  const i = (id: string, queued: number, running: number) =>
    instance(id, 'chat', whole('gpu0', 32), { queued, running });
  it('load › queued plus running', () => {
    expect(load(i('a', 3, 2))).toBe(5);
  });
  it('least-loaded › by queued + running, ties to the first', () => {
    expect(leastLoaded([i('a', 1, 3), i('b', 3, 0), i('c', 0, 3)]).id).toBe('b');
    expect(leastLoaded([i('a', 0, 2), i('b', 2, 0)]).id).toBe('a');
  });
  it('power-of-two › two distinct draws › never the same instance twice; the less loaded of the pair', () => {
    const items = [i('a', 0, 0), i('b', 5, 0)];
    for (let s = 1; s <= 20; s++) expect(powerOfTwo(items, testRng(s)).id).toBe('a');
    const eq = [i('a', 1, 0), i('b', 1, 0)];
    // Equal loads: the first draw is kept.
    const rng = testRng(3);
    const first = rng.int(2);
    expect(powerOfTwo(eq, testRng(3)).id).toBe(eq[first]!.id);
  });
  it('classic router › reasons name the chooser and the load; nothing routable › the drop reason', () => {
    const v = at([i('a', 2, 1), i('b', 0, 1)]);
    expect(new ClassicRouter('least-loaded').route(v, 'chat', testRng(1))).toEqual({
      kind: 'instance',
      instanceId: 'b',
      reason: 'least-loaded (1)',
    });
    expect(new ClassicRouter('power-of-two').route(v, 'chat', testRng(1))).toEqual({
      kind: 'instance',
      instanceId: 'b',
      reason: 'power-of-two (1)',
    });
    const rr = new ClassicRouter('round-robin');
    expect([1, 2, 3].map(() => rr.route(v, 'chat', testRng(1)))).toEqual([
      { kind: 'instance', instanceId: 'a', reason: 'round-robin #0' },
      { kind: 'instance', instanceId: 'b', reason: 'round-robin #1' },
      { kind: 'instance', instanceId: 'a', reason: 'round-robin #0' },
    ]);
    expect(rr.route(at([]), 'chat', testRng(1))).toEqual({ kind: 'drop', reason: 'no-instance' });
  });
});
