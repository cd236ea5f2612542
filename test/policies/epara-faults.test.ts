/**
 * EPARA's fault handling parts on their own: the recovery backoff (fault-backoff.ts: a device
 * seen dead waits base × 2^(failures − 1), at most 8×, after it comes back) and the re-plan
 * trigger (replan-trigger.ts: initial, usable devices changed, or a placement period passed).
 */
import { describe, expect, it } from 'vitest';
import type { ClusterView, DeviceState } from '../../policies/index.js';
import { FaultBackoff } from '../../policies/epara/fault-backoff.js';
import { keepLive, ReplanTrigger } from '../../policies/epara/replan-trigger.js';
import { device, instance, view, whole } from './view-builder.js';

const at = (now: number, down: readonly string[] = []): ClusterView =>
  view({ now, devices: ['a', 'b'].map((id) => device(id, 'orin', { alive: !down.includes(id) })), services: [] });
const ids = (ds: readonly DeviceState[]) => ds.map((d) => d.id);

describe('epara › recovery backoff (base 10 s)', () => {
  it('usable › never failed › every alive device, nothing held', () => {
    const b = new FaultBackoff(10);
    b.observe(at(0));
    expect(b.usable(at(0))).toEqual({ devices: at(0).devices, held: [] });
  });
  it('usable › down at 0, up at 5 › held until 15 (10 s after it came back), dead meanwhile', () => {
    const b = new FaultBackoff(10);
    b.observe(at(0, ['a']));
    expect(ids(b.usable(at(0, ['a'])).devices)).toEqual(['b']);
    b.observe(at(2, ['a']));
    b.observe(at(5));
    expect(b.usable(at(5))).toMatchObject({ held: ['a'] });
    b.observe(at(14.9));
    expect(ids(b.usable(at(14.9)).devices)).toEqual(['b']);
    b.observe(at(15));
    expect(b.usable(at(15))).toMatchObject({ held: [] });
    expect(ids(b.usable(at(15)).devices)).toEqual(['a', 'b']);
  });
  it('usable › a second failure doubles the wait (20 s), seen dead twice in a row counts once', () => {
    const b = new FaultBackoff(10);
    b.observe(at(0, ['a']));
    b.observe(at(1));
    b.observe(at(20, ['a']));
    b.observe(at(21, ['a']));
    b.observe(at(22));
    expect(b.usable(at(41.9)).held).toEqual(['a']);
    expect(b.usable(at(42)).held).toEqual([]);
  });
  it('usable › five failures › capped at 8× (80 s), not 16×', () => {
    const b = new FaultBackoff(10);
    for (let k = 0; k < 5; k++) {
      b.observe(at(10 * k, ['a']));
      b.observe(at(10 * k + 1));
    }
    // Last recovery at 41.
    expect(b.usable(at(120.9)).held).toEqual(['a']);
    expect(b.usable(at(121)).held).toEqual([]);
  });
  it('usable › every alive device held › all alive ones, nothing reported held (better than none)', () => {
    const b = new FaultBackoff(10);
    b.observe(at(0, ['a', 'b']));
    b.observe(at(1));
    expect(b.usable(at(2))).toEqual({ devices: at(2).devices, held: [] });
    // With b down again, a alone: still all alive ones.
    b.observe(at(3, ['b']));
    expect(ids(b.usable(at(3, ['b'])).devices)).toEqual(['a']);
  });
});

describe('epara › re-plan trigger (period 60 s)', () => {
  const devs = (...xs: string[]) => xs.map((id) => device(id, 'orin'));
  it('due › before any re-plan › initial; then nothing until the period', () => {
    const t = new ReplanTrigger(60);
    expect(t.due(at(0), devs('a', 'b'))).toBe('initial');
    t.replanned(at(0), devs('a', 'b'));
    expect(t.due(at(30), devs('a', 'b'))).toBeUndefined();
    expect(t.due(at(59.99), devs('a', 'b'))).toBeUndefined();
    expect(t.due(at(60), devs('a', 'b'))).toBe('period');
    // Health checks of 0.1 s summed in floats land a hair short of 60: still the period.
    expect(t.due(at(59.9999995), devs('a', 'b'))).toBe('period');
  });
  it('due › the usable set changes (in any order) › devices changed; same set reordered › no', () => {
    const t = new ReplanTrigger(60);
    t.replanned(at(10), devs('a', 'b'));
    expect(t.due(at(11), devs('b', 'a'))).toBeUndefined();
    expect(t.due(at(11), devs('a'))).toBe('devices changed');
    expect(t.due(at(11), devs('a', 'b', 'c'))).toBe('devices changed');
    t.replanned(at(11), devs('c', 'a', 'b'));
    expect(t.due(at(12), devs('a', 'b', 'c'))).toBeUndefined();
    expect(t.due(at(71), devs('a', 'b', 'c'))).toBe('period');
  });
  it('keepLive › pending, loading and ready instances re-emitted; failed, draining, gone left out', () => {
    const states = ['pending', 'loading', 'ready', 'draining', 'gone', 'failed'] as const;
    const insts = states.map((s, i) => instance(`i${i}`, 'chat', whole(`d${i}`, 32), { state: s }));
    expect(keepLive(insts)).toEqual([0, 1, 2].map((i) => ({ service: 'chat', stages: whole(`d${i}`, 32) })));
  });
});
