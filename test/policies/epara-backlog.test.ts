/**
 * The request handler's backlog estimate between syncs (policies/epara/dispatch-backlog.ts): the
 * fluid Lindley recursion over this handler's own dispatches, draining at the instance's
 * capacity μ, restarted from each newer snapshot — worked by hand with μ = 1 req/s.
 */
import { describe, expect, it } from 'vitest';
import { DispatchBacklog } from '../../policies/epara/dispatch-backlog.js';

describe('epara › dispatch backlog', () => {
  it('estimate › nothing sent › the snapshot, never negative', () => {
    const b = new DispatchBacklog();
    expect(b.estimate('i', 3, 0, 5, 1)).toBe(3);
    expect(b.estimate('i', -2, 0, 5, 1)).toBe(0);
  });
  it('estimate › 2 queued at 0, sends at 1 and 1.5, μ = 1 › 2 after the first, 2.5 after the second, 1 at t = 3', () => {
    const b = new DispatchBacklog();
    b.record('i', 1);
    b.record('i', 1.5);
    // b(1) = max(0, 2 − 1) + 1 = 2; b(1.5) = 2 − 0.5 + 1 = 2.5; b(3) = 2.5 − 1.5 = 1.
    expect(b.estimate('i', 2, 0, 3, 1)).toBeCloseTo(1, 12);
    expect(b.estimate('i', 2, 0, 1.5, 1)).toBeCloseTo(2.5, 12);
    expect(b.estimate('i', 2, 0, 10, 1)).toBe(0);
  });
  it('estimate › a newer snapshot › sends before it dropped (its queue counts them), later ones replayed', () => {
    const b = new DispatchBacklog();
    b.record('i', 1);
    b.record('i', 1.5);
    expect(b.estimate('i', 2, 0, 3, 1)).toBeCloseTo(1, 12);
    // Snapshot at 1.2 with 4 queued: only the send at 1.5 is replayed: 4 − 0.3 + 1 = 4.7, at 3: 3.2.
    expect(b.estimate('i', 4, 1.2, 3, 1)).toBeCloseTo(3.2, 12);
    // A send exactly at the snapshot time is not in it.
    b.record('i', 2);
    expect(b.estimate('i', 0, 2, 2, 1)).toBeCloseTo(1, 12);
  });
  it('estimate › same answer whatever was asked before (depends on snapshot, sends and now only)', () => {
    const a = new DispatchBacklog();
    const c = new DispatchBacklog();
    for (const t of [0.5, 0.6, 0.7, 2, 2.1]) {
      a.record('i', t);
      c.record('i', t);
      a.estimate('i', 1, 0, t, 2);
    }
    expect(a.estimate('i', 1, 0, 2.5, 2)).toBeCloseTo(c.estimate('i', 1, 0, 2.5, 2), 12);
  });
  it('estimate › μ ≤ 0 never drains; μ = ∞ drains at once (1 right at a send, 0 after)', () => {
    const b = new DispatchBacklog();
    b.record('i', 1);
    b.record('i', 2);
    expect(b.estimate('i', 3, 0, 9, 0)).toBe(5);
    const c = new DispatchBacklog();
    c.record('i', 1);
    c.record('i', 2);
    expect(c.estimate('i', 3, 0, 2, Infinity)).toBe(1);
    expect(c.estimate('i', 3, 0, 2.001, Infinity)).toBe(0);
    const d = new DispatchBacklog();
    d.record('i', 1);
    expect(d.estimate('i', 3, 0, 1, -5)).toBe(4);
  });
  it('estimate › per instance', () => {
    const b = new DispatchBacklog();
    b.record('a', 1);
    expect(b.estimate('b', 0, 0, 1, 1)).toBe(0);
    expect(b.estimate('a', 0, 0, 1, 1)).toBe(1);
  });
});
