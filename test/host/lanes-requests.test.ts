/**
 * The simulator host's bookkeeping structures: GPU lanes (sim/host/lanes.ts — which GPUs a new
 * stage gets, how fractional stages pack, what a crash forgets) and the request table and index
 * queue (sim/host/requests.ts — growth keeps every field, the ring buffer keeps FIFO order across
 * wrap-around and growth, a preempted sequence goes back to the head).
 */
import { describe, expect, it } from 'vitest';
import { Lanes } from '../../sim/host/lanes.js';
import { IndexQueue, OUTCOMES, PENDING, RequestTable } from '../../sim/host/requests.js';

const ids = (a: Int32Array | null) => (a === null ? null : [...a]);

describe('lanes › layout and placement', () => {
  // Device 0: 1 GPU of 10 B; device 1: 3 GPUs of 10 B; device 2: "0 GPUs" still gets one lane.
  const make = () =>
    new Lanes([
      { gpus: 1, memoryBytesPerGpu: 10 },
      { gpus: 3, memoryBytesPerGpu: 10 },
      { gpus: 0, memoryBytesPerGpu: 4 },
    ]);

  it('layout › one lane per GPU, numbered device by device; a device without GPUs has one lane', () => {
    const L = make();
    expect([...L.base]).toEqual([0, 1, 4]);
    expect([...L.count]).toEqual([1, 3, 1]);
    expect([...L.memoryBytes]).toEqual([10, 10, 10, 10, 4]);
    expect([...L.owner]).toEqual([-1, -1, -1, -1, -1]);
    expect(L.tenants).toEqual([[], [], [], [], []]);
  });

  it('pick › fewest stages first, then most free memory, then lowest index; null without g lanes with room', () => {
    const L = make();
    expect(ids(L.pick(1, 2, 5))).toEqual([1, 2]);
    L.reserve(Int32Array.of(1, 2), 5, 0);
    // Lane 3 has no stage: first; then lanes 1 and 2 tie on stages and memory: lowest index.
    expect(ids(L.pick(1, 2, 5))).toEqual([1, 3]);
    L.reserve(Int32Array.of(2), 1, 1);
    // Lane 1: 1 stage, 5 B; lane 2: 2 stages: lane 3 (0 stages), then lane 1.
    expect(ids(L.pick(1, 2, 1))).toEqual([1, 3]);
    L.reserve(Int32Array.of(3), 2, 2);
    // All have ≥ 1 stage: lane 3 (1 stage, 2 B) before lane 1 (1 stage, 5 B); result sorted.
    expect(ids(L.pick(1, 2, 1))).toEqual([1, 3]);
    expect(ids(L.pick(1, 1, 1))).toEqual([3]);
    // 5 B more fit exactly on lanes 1 and 3 (≤ capacity), not on lane 2 (6 B used).
    expect(ids(L.pick(1, 2, 5))).toEqual([1, 3]);
    expect(L.pick(1, 3, 5)).toBeNull();
    expect(L.pick(0, 1, 11)).toBeNull();
    expect(ids(L.pick(0, 1, 10))).toEqual([0]);
    expect(L.tenants[2]).toEqual([0, 1]);
    expect([...L.stages]).toEqual([0, 1, 2, 1, 0]);
    expect([...L.claimed]).toEqual([0, 1, 2, 1, 0]);
  });

  it('pickShared › packs fractions onto the most claimed lane that still fits, else the least claimed lane with memory', () => {
    const L = make();
    expect(ids(L.pickShared(1, 0.5, 1))).toEqual([1]);
    L.reserve(Int32Array.of(1), 1, 0, 0.5);
    expect(ids(L.pickShared(1, 0.5, 1))).toEqual([1]); // 0.5 + 0.5 = 1 fits on the same GPU
    L.reserve(Int32Array.of(1), 1, 1, 0.5);
    expect(ids(L.pickShared(1, 0.3, 1))).toEqual([2]);
    L.reserve(Int32Array.of(2), 1, 2, 0.3);
    L.reserve(Int32Array.of(3), 1, 3, 0.6);
    // 0.3 fits on lane 2 (0.6) and lane 3 (0.9): the most claimed, lane 3.
    expect(ids(L.pickShared(1, 0.3, 1))).toEqual([3]);
    // 0.8 fits nowhere: the least claimed lane (lane 2, 0.3), over-subscribed.
    expect(ids(L.pickShared(1, 0.8, 1))).toEqual([2]);
    // Memory still rules: only lane 0 of device 0, full.
    L.reserve(Int32Array.of(0), 10, 4, 0.1);
    expect(L.pickShared(0, 0.1, 1)).toBeNull();
    expect(ids(L.pickShared(0, 0.1, 0))).toEqual([0]);
  });

  it('release › gives back memory, stage and claim, never below 0; free sums the lanes’ free memory', () => {
    const L = make();
    L.reserve(Int32Array.of(1, 2), 4, 0, 0.5);
    expect(L.free(Int32Array.of(1, 2, 3))).toBe(6 + 6 + 10);
    L.release(Int32Array.of(1), 4, 0.5);
    expect([L.weights[1], L.stages[1], L.claimed[1]]).toEqual([0, 0, 0]);
    L.release(Int32Array.of(2), 9, 2);
    expect([L.weights[2], L.stages[2], L.claimed[2]]).toEqual([0, 0, 0]);
    L.release(Int32Array.of(2), 9);
    expect([L.weights[2], L.stages[2], L.claimed[2]]).toEqual([0, 0, 0]);
    L.reserve(Int32Array.of(3), 12, 1);
    expect(L.free(Int32Array.of(3))).toBe(0);
  });

  it('crash › the device’s lanes stop at the crash time and forget owner, weights, stages and claims; others keep theirs', () => {
    const L = make();
    L.reserve(Int32Array.of(0, 1, 2, 3), 2, 0);
    L.busyUntil.fill(50);
    L.owner.fill(7);
    L.crash(1, 12);
    expect([...L.busyUntil]).toEqual([50, 12, 12, 12, 50]);
    expect([...L.owner]).toEqual([7, -1, -1, -1, 7]);
    expect([...L.weights]).toEqual([2, 0, 0, 0, 0]);
    expect([...L.stages]).toEqual([1, 0, 0, 0, 0]);
    expect([...L.claimed]).toEqual([1, 0, 0, 0, 0]);
  });
});

describe('requests › table', () => {
  it('table › a new request starts undecided, with no instance, client or times; growing keeps every field', () => {
    const t = new RequestTable(2);
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push(t.add(i % 2, i * 0.5, 100 + i, 10 + i));
    expect(ids).toEqual([0, 1, 2, 3, 4]);
    expect(t.size).toBe(5);
    expect(t.arrival.length).toBe(8);
    t.start[1] = 3;
    t.firstToken[1] = 4;
    t.finish[1] = 5;
    t.instance[1] = 2;
    t.client[1] = 3;
    t.generated[1] = 7;
    t.outcome[1] = 0;
    t.reason[1] = t.reasonId('x');
    // Grow again past 8: earlier writes survive.
    for (let i = 5; i < 9; i++) t.add(0, i, 1, 1);
    expect(t.arrival.length).toBe(16);
    expect([t.service[3], t.arrival[3], t.prompt[3], t.output[3], t.prefillLeft[3]]).toEqual([1, 1.5, 103, 13, 103]);
    expect([t.start[1], t.firstToken[1], t.finish[1], t.instance[1], t.client[1], t.generated[1]]).toEqual([
      3, 4, 5, 2, 3, 7,
    ]);
    expect([t.outcome[1], t.reason[1]]).toEqual([0, 0]);
    expect([t.instance[4], t.client[4], t.generated[4], t.outcome[4], t.reason[4]]).toEqual([-1, -1, 0, PENDING, -1]);
    expect([t.start[4], t.firstToken[4], t.finish[4]].every(Number.isNaN)).toBe(true);
    expect(OUTCOMES[t.outcome[1]!]).toBe('ok');
  });

  it('reasons › one id per distinct reason, in first-use order', () => {
    const t = new RequestTable();
    expect([t.reasonId('no-route'), t.reasonId('oom'), t.reasonId('no-route')]).toEqual([0, 1, 0]);
    expect(t.reasons).toEqual(['no-route', 'oom']);
  });
});

describe('requests › index queue', () => {
  it('queue › FIFO across wrap-around and growth; unshift puts back at the head', () => {
    const q = new IndexQueue();
    const out: number[] = [];
    let next = 0;
    // Interleave pushes and shifts so the ring wraps, then grows while wrapped.
    for (let round = 0; round < 6; round++) {
      for (let k = 0; k < 7; k++) q.push(next++);
      for (let k = 0; k < 4; k++) out.push(q.shift());
    }
    expect(q.length).toBe(next - out.length);
    while (q.length > 0) out.push(q.shift());
    expect(out).toEqual(Array.from({ length: next }, (_, i) => i));
  });

  it('unshift › onto an empty queue, onto a full ring, and peek shows the head', () => {
    const q = new IndexQueue();
    q.unshift(5);
    expect([q.length, q.peek()]).toEqual([1, 5]);
    for (let i = 0; i < 15; i++) q.push(i);
    expect(q.length).toBe(16);
    q.unshift(99); // full: grows first
    expect(q.peek()).toBe(99);
    const out: number[] = [];
    while (q.length > 0) out.push(q.shift());
    expect(out).toEqual([99, 5, ...Array.from({ length: 15 }, (_, i) => i)]);
    q.push(1);
    q.push(2);
    q.clear();
    expect(q.length).toBe(0);
    q.push(3);
    expect(q.shift()).toBe(3);
  });
});
