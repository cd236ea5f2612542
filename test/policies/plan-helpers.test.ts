/**
 * The small plan-building helpers policies share: the memory ledger (weight budget 0.9 × GPU
 * memory, TP peers holding 1/n), fitting helpers, the min tournament tree, the cross-device TP
 * sync cost and group paths, and TP group candidates. Figures from view-builder: gpu4 = 4 × 24 GB
 * (86.4 GB weight budget), orin 64 GB (57.6 GB), pi 8 GB (7.2 GB); chat = 4.5 GB over 32 layers.
 */
import { describe, expect, it } from 'vitest';
import type { Stage } from '../../policies/index.js';
import { MinTree } from '../../policies/load-tree.js';
import { deviceWeightCapacity, MemoryLedger, planMemoryByDevice, stageFitsGpus } from '../../policies/memory-ledger.js';
import { readyInstances, stagesKey, tensorDegreeToFit, wholeModelStage } from '../../policies/placement-helpers.js';
import { groupPath, RDMA_MIN_BPS, syncSeconds } from '../../policies/tp-sync.js';
import { tpGroupCandidates, tpGroupStage } from '../../policies/tp-group.js';
import { device, instance, link, service, testRng, view, whole } from './view-builder.js';

const GB = 1e9;

describe('memory ledger', () => {
  it('deviceWeightCapacity › 0.9 of all GPU memory; dead › 0', () => {
    expect(deviceWeightCapacity(device('g', 'gpu4'))).toBeCloseTo(86.4 * GB, 0);
    expect(deviceWeightCapacity(device('g', 'gpu4', { alive: false }))).toBe(0);
  });
  it('stageFitsGpus › 40 GB on gpu4 › not on 1 GPU (21.6 GB), on 2 (43.2 GB); no more GPUs than the box', () => {
    const big = service('big');
    const g = device('g', 'gpu4');
    expect(stageFitsGpus(big, g, whole('g', 80, 1)[0]!)).toBe(false);
    expect(stageFitsGpus(big, g, whole('g', 80, 2)[0]!)).toBe(true);
    expect(stageFitsGpus(big, g, whole('g', 80, 8)[0]!)).toBe(false);
    expect(stageFitsGpus(big, g, whole('g', 80, 0)[0]!)).toBe(false);
    // Half the layers (20 GB) fit one GPU; a TP pair across devices holds 1/2 each.
    expect(stageFitsGpus(big, g, { device: 'g', firstLayer: 0, endLayer: 40, gpus: 1 })).toBe(true);
    expect(stageFitsGpus(big, g, { ...whole('g', 80, 1)[0]!, peers: ['h'] })).toBe(true);
  });
  it('exactly at the budget › fits (≤)', () => {
    const s = service('chat', { model: { ...service('chat').model, weightBytes: 7.2 * GB } });
    const pi = device('p', 'pi');
    expect(stageFitsGpus(s, pi, whole('p', 32)[0]!)).toBe(true);
    expect(new MemoryLedger([pi]).fits(s, whole('p', 32))).toBe(true);
  });
  it('fits / reserve › what is left after earlier reservations, all stages of one plan together', () => {
    const chat = service('chat');
    const ledger = new MemoryLedger([device('p', 'pi'), device('o', 'orin')]);
    expect(ledger.freeBytes('p')).toBeCloseTo(7.2 * GB, 0);
    expect(ledger.freeBytes('nope')).toBe(0);
    expect(ledger.fits(chat, whole('p', 32))).toBe(true);
    ledger.reserve(chat, whole('p', 32));
    expect(ledger.freeBytes('p')).toBeCloseTo(2.7 * GB, 0);
    // 2.7 GB left: a second whole chat no longer fits, half of it (2.25 GB) does.
    expect(ledger.fits(chat, whole('p', 32))).toBe(false);
    expect(ledger.fits(chat, [{ device: 'p', firstLayer: 0, endLayer: 16, gpus: 1 }])).toBe(true);
    // Two halves on the same device count together: 4.5 GB > 2.7 GB.
    const halves: Stage[] = [
      { device: 'p', firstLayer: 0, endLayer: 16, gpus: 1 },
      { device: 'p', firstLayer: 16, endLayer: 32, gpus: 1 },
    ];
    expect(ledger.fits(chat, halves)).toBe(false);
  });
  it('fits › unknown or dead device, unknown or dead peer, peer whose whole budget is too small › false', () => {
    const chat = service('chat');
    const big = service('big');
    const ledger = new MemoryLedger([
      device('o', 'orin'),
      device('o2', 'orin'),
      device('d', 'orin', { alive: false }),
      device('p', 'pi'),
    ]);
    expect(ledger.fits(chat, whole('x', 32))).toBe(false);
    expect(ledger.fits(chat, whole('d', 32))).toBe(false);
    expect(ledger.fits(chat, [{ ...whole('o', 32)[0]!, peers: ['x'] }])).toBe(false);
    expect(ledger.fits(chat, [{ ...whole('o', 32)[0]!, peers: ['d'] }])).toBe(false);
    expect(ledger.fits(big, [{ ...whole('o', 80)[0]!, peers: ['o2'] }])).toBe(true);
    // 20 GB per member: the Pi's 7.2 GB budget cannot hold its half.
    expect(ledger.fits(big, [{ ...whole('o', 80)[0]!, peers: ['p'] }])).toBe(false);
  });
  it('reserve › a TP pair › each member loses half the weights', () => {
    const big = service('big');
    const ledger = new MemoryLedger([device('o', 'orin'), device('o2', 'orin')]);
    ledger.reserve(big, [{ ...whole('o', 80)[0]!, peers: ['o2'] }]);
    expect(ledger.freeBytes('o')).toBeCloseTo(37.6 * GB, 0);
    expect(ledger.freeBytes('o2')).toBeCloseTo(37.6 * GB, 0);
  });
  it('planMemoryByDevice › weights per device, TP peers 1/n, unknown services skipped', () => {
    const v = view({ devices: [], services: [service('chat'), service('big')] });
    const m = planMemoryByDevice(v, [
      { service: 'chat', stages: whole('a', 32) },
      {
        service: 'chat',
        stages: [
          { device: 'a', firstLayer: 0, endLayer: 16, gpus: 1 },
          { device: 'b', firstLayer: 16, endLayer: 32, gpus: 1 },
        ],
      },
      { service: 'big', stages: [{ ...whole('b', 80)[0]!, peers: ['c', 'd', 'e'] }] },
      { service: 'ghost', stages: whole('a', 32) },
    ]);
    expect(Object.fromEntries(m)).toEqual({ a: 6.75 * GB, b: 2.25 * GB + 10 * GB, c: 10 * GB, d: 10 * GB, e: 10 * GB });
  });
});

describe('placement helpers', () => {
  it('tensorDegreeToFit › smallest power of two whose memory holds the weights, else 0', () => {
    expect(tensorDegreeToFit(service('chat'), device('g', 'gpu4'))).toBe(1);
    expect(tensorDegreeToFit(service('big'), device('g', 'gpu4'))).toBe(2);
    expect(tensorDegreeToFit(service('huge'), device('g', 'gpu4'))).toBe(0);
    const s = service('chat', { model: { ...service('chat').model, weightBytes: 64.8 * GB } });
    expect(tensorDegreeToFit(s, device('g', 'gpu4'))).toBe(4);
    expect(tensorDegreeToFit(service('big'), device('g', 'gpu4', { gpus: 1 }))).toBe(0);
  });
  it('wholeModelStage › every layer', () => {
    expect(wholeModelStage(service('big'), device('g', 'gpu4'), 2)).toEqual({
      device: 'g',
      firstLayer: 0,
      endLayer: 80,
      gpus: 2,
    });
  });
  it('readyInstances › ready, of the service, every stage on an alive device', () => {
    const v = view({
      devices: [device('a', 'orin'), device('b', 'orin', { alive: false })],
      services: [],
      instances: [
        instance('i1', 'chat', whole('a', 32)),
        instance('i2', 'chat', whole('a', 32), { state: 'loading' }),
        instance('i3', 'seg', whole('a', 10)),
        instance('i4', 'chat', [
          { device: 'a', firstLayer: 0, endLayer: 16, gpus: 1 },
          { device: 'b', firstLayer: 16, endLayer: 32, gpus: 1 },
        ]),
        instance('i5', 'chat', whole('zz', 32)),
      ],
    });
    expect(readyInstances(v, 'chat').map((i) => i.id)).toEqual(['i1']);
  });
  it('stagesKey › device, peers, layers, degree and GPU share all part of the key', () => {
    expect(
      stagesKey([
        { device: 'a', firstLayer: 0, endLayer: 16, gpus: 2 },
        { device: 'b', peers: ['c', 'd'], firstLayer: 16, endLayer: 32, gpus: 1 },
      ]),
    ).toBe('a[0,16)x2>b+c+d[16,32)x1');
    expect(stagesKey([{ device: 'a', peers: [], firstLayer: 0, endLayer: 8, gpus: 1, gpuFraction: 0.5 }])).toBe(
      'a[0,8)x1@0.5',
    );
  });
});

describe('MinTree', () => {
  const scanMin = (keys: ArrayLike<number>) => {
    let best = -1;
    for (let i = 0; i < keys.length; i++) if (best < 0 || keys[i]! < keys[best]!) best = i;
    return best;
  };
  it('argmin › random keys with ties, random updates, sizes 0–9 › the first least key, as a scan finds it', () => {
    const r = testRng(7);
    for (let n = 0; n <= 9; n++) {
      const t = new MinTree(n);
      const keys = Array.from({ length: n }, () => r.int(4));
      t.fill((i) => keys[i]!);
      expect(t.argmin()).toBe(scanMin(keys));
      for (let step = 0; step < 40 && n > 0; step++) {
        const pos = r.int(n);
        keys[pos] = r.int(4);
        t.set(pos, keys[pos]);
        expect(t.argmin(), `n=${n} step=${step}`).toBe(scanMin(keys));
        expect(t.keys[pos]).toBe(keys[pos]);
      }
    }
  });
  it('argmin › empty › −1; one key › 0', () => {
    expect(new MinTree(0).argmin()).toBe(-1);
    const one = new MinTree(1);
    one.fill(() => 5);
    expect(one.argmin()).toBe(0);
  });
  it('set › lowering the last key below the rest › it wins; raising it back › the first tie wins again', () => {
    const t = new MinTree(5);
    t.fill(() => 3);
    expect(t.argmin()).toBe(0);
    t.set(4, 1);
    expect(t.argmin()).toBe(4);
    t.set(4, 3);
    expect(t.argmin()).toBe(0);
    t.set(0, 9);
    expect(t.argmin()).toBe(1);
  });
});

describe('tensor-parallel sync cost and paths', () => {
  it('syncSeconds › one member › free; three over TCP › 2·path + 2·(bits/bw + 90 µs) + 110 µs', () => {
    expect(syncSeconds('tcp', 1, 0.001, 1e9, 1e6)).toBe(0);
    expect(syncSeconds('tcp', 3, 0.001, 1e9, 1e6)).toBeCloseTo(0.002 + 2 * (0.008 + 90e-6) + 110e-6, 12);
    expect(syncSeconds('rdma', 2, 0, 1e11, 1e6)).toBeCloseTo(8e-5 + 16e-6 + 40e-6, 12);
  });
  const devs = [device('a', 'pi'), device('b', 'pi'), device('c', 'pi')];
  it('groupPath › a pair with a direct link › that link; kinds and ≥ 80 Gb/s are RDMA-class', () => {
    expect(groupPath([link('a', 'b', 1e9, 0.001)], devs, ['a', 'b'])).toEqual({
      transport: 'tcp',
      pathS: 0.001,
      bandwidthBps: 1e9,
    });
    expect(groupPath([link('a', 'b', 1e9, 0.001, { kind: 'nvlink' })], devs, ['a', 'b'])?.transport).toBe('rdma');
    expect(groupPath([link('b', 'a', 1e9, 0.001, { kind: 'pcie' })], devs, ['a', 'b'])?.transport).toBe('rdma');
    expect(groupPath([link('a', 'b', 0.8 * RDMA_MIN_BPS, 0.001)], devs, ['a', 'b'])?.transport).toBe('rdma');
    expect(groupPath([link('a', 'b', 0.79 * RDMA_MIN_BPS, 0.001)], devs, ['a', 'b'])?.transport).toBe('tcp');
  });
  it('groupPath › through a common switch › root link’s bandwidth, longest root + member latency', () => {
    const links = [
      link('a', 'sw', 2e9, 0.001),
      link('b', 'sw', 1e9, 0.002),
      link('c', 'sw', 1e9, 0.004),
      link('a', 'x', 1e9, 0.0),
    ];
    expect(groupPath(links, devs, ['a', 'b', 'c'])).toEqual({ transport: 'tcp', pathS: 0.005, bandwidthBps: 2e9 });
    expect(groupPath(links, devs, ['b', 'c'])).toEqual({ transport: 'tcp', pathS: 0.006, bandwidthBps: 1e9 });
  });
  it('groupPath › several common switches › the first by name; a device is never a switch', () => {
    const links = [
      link('a', 'sw2', 1e9, 0.001),
      link('b', 'sw2', 1e9, 0.001),
      link('a', 'sw1', 5e9, 0.003),
      link('b', 'sw1', 5e9, 0.003),
    ];
    expect(groupPath(links, devs, ['a', 'b'])).toEqual({ transport: 'tcp', pathS: 0.006, bandwidthBps: 5e9 });
    // a–c and b–c links make c a shared neighbour of a and b, but c is a device, not a switch.
    expect(groupPath([link('a', 'c', 1e9, 0.001), link('b', 'c', 1e9, 0.001)], devs, ['a', 'b'])).toBeUndefined();
  });
  it('groupPath › the only path down or without bandwidth › undefined', () => {
    expect(groupPath([link('a', 'b', 1e9, 0.001, { up: false })], devs, ['a', 'b'])).toBeUndefined();
    expect(groupPath([link('a', 'sw', 0, 0.001), link('b', 'sw', 1e9, 0.001)], devs, ['a', 'b'])).toBeUndefined();
  });
});

describe('tensor-parallel group candidates', () => {
  const pis = [
    device('p1', 'pi'),
    device('p2', 'pi'),
    device('p3', 'pi'),
    device('p4', 'pi'),
    device('o', 'orin', { site: 's2' }),
  ];
  const links = [...pis.map((d) => link(d.id, d.site, 1e9, 0.0005))];
  const v = view({ devices: pis, links, services: [] });
  it('tpGroupCandidates › four Pis on one switch › groups of 2 and 4 fastest (then by id)', () => {
    const c = tpGroupCandidates(v, service('chat'), pis, new MemoryLedger(pis));
    expect(c.map((s) => [s.device, ...(s.peers ?? [])].join('+'))).toEqual(['p1+p2', 'p1+p2+p3+p4']);
    expect(c[0]).toEqual({ device: 'p1', peers: ['p2'], firstLayer: 0, endLayer: 32, gpus: 1 });
  });
  it('tpGroupCandidates › a faster device at the site › it leads the group', () => {
    const fast = [...pis.slice(0, 3), device('o2', 'orin')];
    const vv = view({ devices: fast, links: fast.map((d) => link(d.id, 's1', 1e9, 0.0005)), services: [] });
    const c = tpGroupCandidates(vv, service('chat'), fast, new MemoryLedger(fast));
    expect(c.map((s) => [s.device, ...(s.peers ?? [])].join('+'))).toEqual(['o2+p1', 'o2+p1+p2+p3']);
  });
  it('tpGroupCandidates › dead, figure-less or full devices › left out', () => {
    const ds = [device('p1', 'pi'), device('p2', 'pi', { alive: false }), device('f', 'fpga'), device('p3', 'pi')];
    const ledger = new MemoryLedger(ds);
    expect(
      tpGroupCandidates(
        view({ devices: ds, links: ds.map((d) => link(d.id, 's1', 1e9, 0)), services: [] }),
        service('chat'),
        ds,
        ledger,
      ).map((s) => s.device + '+' + s.peers!.join('+')),
    ).toEqual(['p1+p3']);
    ledger.reserve(service('big'), [{ device: 'p3', firstLayer: 0, endLayer: 20, gpus: 1 }]);
    expect(ledger.freeBytes('p3')).toBeCloseTo(-2.8 * GB, 0);
    expect(
      tpGroupCandidates(
        view({ devices: ds, links: ds.map((d) => link(d.id, 's1', 1e9, 0)), services: [] }),
        service('chat'),
        ds,
        ledger,
      ),
    ).toEqual([]);
  });
  it('tpGroupCandidates › a dead fast box or a figure-less one at the site › never in a group', () => {
    const ds = [
      device('o', 'orin', { alive: false }),
      device('p1', 'pi'),
      device('p2', 'pi'),
      device('p3', 'pi'),
      device('f', 'fpga', { memoryBytesPerGpu: 1e12 }),
    ];
    const vv = view({ devices: ds, links: ds.map((d) => link(d.id, 's1', 1e9, 0)), services: [] });
    const c = tpGroupCandidates(vv, service('chat'), ds, new MemoryLedger(ds));
    expect(c.map((s) => [s.device, ...(s.peers ?? [])].join('+'))).toEqual(['p1+p2']);
  });
  it('tpGroupCandidates › segmentation › none; extra sets › added once, ordered by speed, only if all usable', () => {
    expect(tpGroupCandidates(v, service('seg'), pis, new MemoryLedger(pis))).toEqual([]);
    const c = tpGroupCandidates(v, service('chat'), pis, new MemoryLedger(pis), [
      ['p4', 'p3'],
      ['p2', 'p1'],
      ['p1', 'zz'],
    ]);
    expect(c.map((s) => [s.device, ...(s.peers ?? [])].join('+'))).toEqual(['p1+p2', 'p1+p2+p3+p4', 'p3+p4']);
  });
  it('tpGroupStage › one member, a segmentation model, no common switch, or weights too big › undefined', () => {
    const ledger = new MemoryLedger(pis);
    expect(tpGroupStage(v, service('chat'), [pis[0]!], ledger)).toBeUndefined();
    expect(tpGroupStage(v, service('seg'), pis.slice(0, 2), ledger)).toBeUndefined();
    expect(tpGroupStage(v, service('chat'), [pis[0]!, pis[4]!], ledger)).toBeUndefined();
    // 40 GB over 4 Pis = 10 GB each > 7.2 GB.
    expect(tpGroupStage(v, service('big'), pis.slice(0, 4), ledger)).toBeUndefined();
    expect(tpGroupStage(v, service('chat'), pis.slice(0, 2), ledger)).toEqual({
      device: 'p1',
      peers: ['p2'],
      firstLayer: 0,
      endLayer: 32,
      gpus: 1,
    });
  });
});
