/**
 * Two reporting pieces of the simulator's host, fed directly: the Perfetto trace builder
 * (sim/host/timeline.ts — process and thread names, step names, the window filter, times in µs)
 * and the engine block of a result (sim/host/engine-stats.ts — per-LLM-service means weighted by
 * busy time over all its instances, per-lane busy fractions of the run).
 */
import { describe, expect, it } from 'vitest';
import { engineStats } from '../../sim/host/engine-stats.js';
import { Timeline } from '../../sim/host/timeline.js';
import type { World } from '../../sim/host/world.js';
import { device, deviceSpec, llmService, modelSpec, scenario } from '../sim/fixtures.js';

interface Ev {
  name: string;
  cat: string;
  ph: string;
  ts?: number;
  dur?: number;
  pid: number;
  tid?: number;
  id?: number;
  args?: Record<string, string | number>;
}
const events = (t: Timeline) => (t.toJSON() as { traceEvents: Ev[] }).traceEvents;
const sc = scenario({
  devices: [device('gpu0'), device('box', deviceSpec({ key: 'bigbox', gpus: 2 }))],
  services: [
    llmService(),
    llmService({ name: 'cams', kind: 'segmentation', model: modelSpec({ kind: 'segmentation' }) }),
  ],
  horizonS: 50,
});

describe('timeline › trace events', () => {
  it('names › one process per device and per service, then the network', () => {
    const meta = events(new Timeline(sc));
    expect(meta.map((e) => [e.pid, e.args!['name'], e.ph, e.cat, 'tid' in e])).toEqual([
      [0, 'gpu0 (testbox)', 'M', '__metadata', false],
      [1, 'box (bigbox)', 'M', '__metadata', false],
      [2, 'service chat', 'M', '__metadata', false],
      [3, 'service cams', 'M', '__metadata', false],
      [4, 'network', 'M', '__metadata', false],
    ]);
    expect(meta.every((e) => e.name === 'process_name')).toBe(true);
  });

  it('steps › named by what they do, one thread per (device, instance), times in µs', () => {
    const t = new Timeline(sc);
    t.step(1, 3, 'chat#3', 1, 1.5, { batch: 2, prefillTokens: 200, steps: 1 });
    t.step(1, 3, 'chat#3', 1.5, 2.5, { batch: 2, prefillTokens: 0, steps: 4 });
    t.step(1, 3, 'chat#3', 2.5, 2.75, { batch: 2, prefillTokens: 0, steps: 1 });
    t.step(0, 3, 'chat#3', 3, 3.5, { batch: 1, prefillTokens: 0, steps: 1 });
    const ev = events(t).slice(5);
    expect(ev.map((e) => [e.cat, e.name, e.pid, e.tid, e.ts, e.dur])).toEqual([
      ['__metadata', 'thread_name', 1, 3, undefined, undefined],
      ['step', 'prefill+decode', 1, 3, 1e6, 0.5e6],
      ['step', 'decode ×4', 1, 3, 1.5e6, 1e6],
      ['step', 'decode', 1, 3, 2.5e6, 0.25e6],
      ['__metadata', 'thread_name', 0, 3, undefined, undefined],
      ['step', 'decode', 0, 3, 3e6, 0.5e6],
    ]);
    expect(ev[0]!.args).toEqual({ name: 'chat#3' });
    expect(ev[1]!.ph).toBe('X');
    expect(ev[1]!.args).toEqual({ batch: 2, prefillTokens: 200, steps: 1 });
  });

  it('requests › a begin and an end per request on its service’s process; inflight ones end at the horizon', () => {
    const t = new Timeline(sc);
    t.request(1, 7, 2, 3.5, 'ok');
    t.request(0, 8, 40, NaN, 'inflight');
    const ev = events(t).slice(5);
    expect(ev.map((e) => [e.name, e.cat, e.ph, e.pid, e.tid, e.id, e.ts])).toEqual([
      ['req 7', 'request', 'b', 3, 0, 7, 2e6],
      ['req 7', 'request', 'e', 3, 0, 7, 3.5e6],
      ['req 8', 'request', 'b', 2, 0, 8, 40e6],
      ['req 8', 'request', 'e', 2, 0, 8, 50e6],
    ]);
    expect(ev[0]!.args).toEqual({ outcome: 'ok' });
    expect(ev[1]!.args).toBeUndefined();
  });

  it('transfers › one network thread per direction, numbered in order of first use', () => {
    const t = new Timeline(sc);
    t.transfer('sw', 'gpu0', 1, 1.25, 400);
    t.transfer('gpu0', 'sw', 2, 2.5, 100);
    t.transfer('sw', 'gpu0', 3, 3.25, 400);
    const ev = events(t).slice(5);
    expect(ev.map((e) => [e.cat, e.name, e.pid, e.tid, e.ts, e.dur])).toEqual([
      ['__metadata', 'thread_name', 4, 0, undefined, undefined],
      ['transfer', '400 B', 4, 0, 1e6, 0.25e6],
      ['__metadata', 'thread_name', 4, 1, undefined, undefined],
      ['transfer', '100 B', 4, 1, 2e6, 0.5e6],
      ['transfer', '400 B', 4, 0, 3e6, 0.25e6],
    ]);
    expect(ev[0]!.args).toEqual({ name: 'sw → gpu0' });
    expect(ev[1]!.args).toEqual({ bytes: 400 });
  });

  it('window › kept when it touches [from, to], ends included; an empty window is refused', () => {
    const t = new Timeline(sc, 10, 20);
    t.step(0, 0, 'a', 5, 9.99, { prefillTokens: 0, steps: 1 });
    t.step(0, 0, 'a', 5, 10, { prefillTokens: 0, steps: 1 });
    t.step(0, 0, 'a', 20, 21, { prefillTokens: 0, steps: 1 });
    t.step(0, 0, 'a', 20.01, 21, { prefillTokens: 0, steps: 1 });
    t.request(0, 1, 1, 9, 'ok');
    t.request(0, 2, 25, NaN, 'inflight');
    t.request(0, 3, 15, 16, 'late');
    t.transfer('a', 'b', 0, 5, 1);
    t.transfer('a', 'b', 19, 30, 1);
    const kept = events(t).filter((e) => e.cat !== '__metadata');
    expect(kept.map((e) => `${e.cat}@${e.ts! / 1e6}`)).toEqual([
      'step@5',
      'step@20',
      'request@15',
      'request@16',
      'transfer@19',
    ]);
    expect(t.toJSON()).toMatchObject({ displayTimeUnit: 'ms', otherData: { scenario: 'test', windowS: [10, 20] } });
    expect(() => new Timeline(sc, 5, 5)).toThrow('timeline window must have from < to (got 5:5)');
    expect(() => new Timeline(sc, 5, NaN)).toThrow(RangeError);
  });
});

describe('engine stats', () => {
  it('services › busy-weighted means over all instances of an LLM service; 0 when never busy; other kinds absent', () => {
    const inst = (service: number, busy: number, batch: number, kv: number, pre: number) => ({
      service,
      statBusyS: busy,
      statBatchS: batch,
      statKvS: kv,
      preemptions: pre,
    });
    const lanes = { count: Int32Array.of(1, 2), base: Int32Array.of(0, 1), busyInRun: Float64Array.of(25, 10, 50) };
    const w = {
      scenario: sc,
      lanes,
      // chat: 10 s at batch 2 (KV 0.5) and 30 s at batch 4 (KV 0.25); cams never counted.
      instances: [inst(0, 10, 20, 5, 1), inst(1, 99, 99, 99, 99), inst(0, 30, 120, 7.5, 2)],
    } as unknown as World;
    expect(engineStats(w)).toEqual({
      services: { chat: { meanRunningBatch: 3.5, kvUtilization: 12.5 / 40, preemptions: 3 } },
      lanes: { gpu0: [0.5], box: [0.2, 1] },
    });
    const idle = { ...w, instances: [inst(0, 0, 0, 0, 0)] } as unknown as World;
    expect(engineStats(idle).services).toEqual({ chat: { meanRunningBatch: 0, kvUtilization: 0, preemptions: 0 } });
  });
});
