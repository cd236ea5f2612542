/**
 * EPARA's greedy fill (policies/epara/scheduler.ts `Fill`): its lazy max-heap greedy must make
 * the same choices as the plain rule it accelerates — each round, scan the whole pool and take
 * the largest gain per GB (scores within a relative 1e-9 equal, then fewer GPU units, then key
 * order) — and the gain itself: demand left, compute left on the devices (TP peers claim their
 * whole box), memory, one fractional share per (service, box). Candidates are built by hand with
 * round capacities so that ties are common.
 */
import { describe, expect, it } from 'vitest';
import type { DeviceState, ServiceInfo, Stage } from '../../policies/index.js';
import { stagesKey } from '../../policies/placement-helpers.js';
import type { Candidate } from '../../policies/epara/scheduler.js';
import { Fill } from '../../policies/epara/scheduler.js';
import { device, service, testRng } from './view-builder.js';

function cand(svc: ServiceInfo, stages: Stage[], capacity: number, o: Partial<Candidate> = {}): Candidate {
  const mem = stages.reduce((a, s) => a + (svc.model.weightBytes * (s.endLayer - s.firstLayer)) / svc.model.layers, 0);
  return {
    key: `${svc.name}|${stagesKey(stages)}`,
    service: svc,
    instance: { service: svc.name, stages },
    existing: false,
    capacity,
    memGB: Math.max(0.05, mem / 1e9),
    feasible: true,
    ...o,
  };
}

const units = (c: Candidate) => c.instance.stages.reduce((a, s) => a + (s.gpuFraction ?? s.gpus), 0);

/** The plain greedy the lazy one reproduces: rescan everything each round. */
function plainGreedy(f: Fill, pool: readonly Candidate[]): void {
  const taken = new Set(f.chosen.map((c) => c.key));
  for (;;) {
    let best = -1;
    let bestScore = 0;
    pool.forEach((c, k) => {
      if (taken.has(c.key)) return;
      const score = f.score(c);
      if (!(score > 1e-12 + 1e-9 * score)) return;
      const tol = 1e-9 * Math.max(score, bestScore) + 1e-12;
      const b = pool[best];
      if (
        score > bestScore + tol ||
        (b !== undefined &&
          Math.abs(score - bestScore) <= tol &&
          (units(c) < units(b) - 1e-12 || (Math.abs(units(c) - units(b)) <= 1e-12 && c.key < b.key)))
      ) {
        best = k;
        bestScore = score;
      }
    });
    if (best < 0) return;
    f.take(pool[best]!);
    taken.add(pool[best]!.key);
  }
}

function randomCase(seed: number) {
  const r = testRng(seed);
  const types = ['gpu4', 'orin', 'pi'] as const;
  const devices: DeviceState[] = Array.from({ length: 2 + r.int(4) }, (_, i) =>
    device(`d${i}`, types[r.int(3)]!, { alive: r.next() > 0.1 }),
  );
  const services = [
    service('chat', { demandRps: r.int(4) === 0 ? 0 : 1 + r.int(20) }),
    service('seg', { demandRps: 1 + r.int(40) }),
    service('big', { demandRps: r.int(3) }),
  ];
  const pool: Candidate[] = [];
  for (const s of services)
    for (const d of devices)
      for (const g of [1, 2, 4]) {
        if (g > d.gpus || r.next() < 0.3) continue;
        const stages: Stage[] = [{ device: d.id, firstLayer: 0, endLayer: s.model.layers, gpus: g }];
        // Round capacities: many exact ties between shapes, broken by units and key.
        pool.push(cand(s, stages, 1 + r.int(6)));
        if (g === 1 && r.next() < 0.5)
          pool.push(cand(s, [{ ...stages[0]!, gpuFraction: r.next() < 0.5 ? 0.25 : 0.5 }], 1 + r.int(6)));
      }
  // A few cross-device TP pairs and two-stage chains.
  for (let k = 0; k < 3 && devices.length > 1; k++) {
    const a = devices[r.int(devices.length)]!;
    const b = devices[r.int(devices.length)]!;
    if (a.id === b.id) continue;
    pool.push(
      cand(services[0]!, [{ device: a.id, peers: [b.id], firstLayer: 0, endLayer: 32, gpus: 1 }], 1 + r.int(6)),
    );
    pool.push(
      cand(
        services[2]!,
        [
          { device: a.id, firstLayer: 0, endLayer: 40, gpus: a.gpus },
          { device: b.id, firstLayer: 40, endLayer: 80, gpus: b.gpus },
        ],
        1 + r.int(6),
      ),
    );
  }
  const targets = new Map(services.map((s) => [s.name, s.demandRps > 0 ? s.demandRps * 1.25 : 1e-3]));
  return { devices, pool, targets };
}

describe('epara › greedy fill', () => {
  it('greedy › 120 random pools with tied scores › the same instances, in the same order, as rescanning every round', () => {
    let nonTrivial = 0;
    for (let seed = 1; seed <= 120; seed++) {
      const { devices, pool, targets } = randomCase(seed);
      const lazy = new Fill(devices, targets);
      const plain = new Fill(devices, targets);
      // Sometimes something is already taken (pinned), as in the KEEP plan.
      if (seed % 3 === 0 && pool.length > 0 && lazy.gain(pool[0]!) > 0) {
        lazy.take(pool[0]!);
        plain.take(pool[0]!);
      }
      lazy.greedy(pool);
      plainGreedy(plain, pool);
      expect(
        lazy.chosen.map((c) => c.key),
        `seed ${seed}`,
      ).toEqual(plain.chosen.map((c) => c.key));
      expect(lazy.value()).toBeCloseTo(plain.value(), 9);
      if (lazy.chosen.length > 2) nonTrivial++;
    }
    expect(nonTrivial).toBeGreaterThan(40);
  });

  const chat = service('chat', { demandRps: 4 });
  const seg = service('seg', { demandRps: 10 });
  const orin = device('o', 'orin');
  const gpu = device('g', 'gpu4');

  it('gain › capped by the demand left; value sums min(target, served) over services', () => {
    const f = new Fill([orin, gpu], new Map([['chat', 5]]));
    const a = cand(chat, [{ device: 'o', firstLayer: 0, endLayer: 32, gpus: 1 }], 3);
    const b = cand(chat, [{ device: 'g', firstLayer: 0, endLayer: 32, gpus: 1 }], 3);
    expect(f.gain(a)).toBe(3);
    f.take(a);
    expect(f.served.get('chat')).toBe(3);
    expect(f.gain(b)).toBe(2);
    expect(f.score(b)).toBeCloseTo(2 / 4.5, 12);
    f.take(b);
    expect(f.value()).toBe(5);
    expect(f.gain(cand(seg, [{ device: 'g', firstLayer: 0, endLayer: 10, gpus: 1 }], 3))).toBe(0);
  });
  it('gain › compute left on the device scales the capacity; a dead device has none', () => {
    const f = new Fill([gpu, device('x', 'gpu4', { alive: false })], new Map([['chat', 100]]));
    const two = cand(chat, [{ device: 'g', firstLayer: 0, endLayer: 32, gpus: 2 }], 10);
    const three = cand(chat, [{ device: 'g', firstLayer: 0, endLayer: 32, gpus: 3 }], 12);
    f.take(two);
    expect(f.compute.get('g')).toBe(2);
    // 2 GPUs left of the 3 it claims: 2/3 of its capacity.
    expect(f.gain(three)).toBeCloseTo(8, 12);
    f.take(cand(chat, [{ device: 'g', firstLayer: 0, endLayer: 16, gpus: 2 }], 10));
    expect(f.compute.get('g')).toBe(0);
    expect(f.gain(three)).toBe(0);
    expect(f.gain(cand(chat, [{ device: 'x', firstLayer: 0, endLayer: 32, gpus: 1 }], 10))).toBe(0);
    expect(f.compute.get('x')).toBe(0);
  });
  it('take › served counts the capacity as it was when taken (compute already shared)', () => {
    const f = new Fill(
      [orin],
      new Map([
        ['chat', 100],
        ['seg', 100],
      ]),
    );
    f.take(cand(seg, [{ device: 'o', firstLayer: 0, endLayer: 10, gpus: 1, gpuFraction: 0.5 }], 10));
    expect(f.compute.get('o')).toBe(0.5);
    f.take(cand(chat, [{ device: 'o', firstLayer: 0, endLayer: 32, gpus: 1 }], 6));
    expect(f.served.get('chat')).toBe(3);
    expect(f.compute.get('o')).toBe(0);
  });
  it('gain › a TP peer claims its whole box: a 4-GPU peer leaves nothing there', () => {
    const f = new Fill([orin, gpu], new Map([['chat', 100]]));
    f.take(cand(chat, [{ device: 'o', peers: ['g'], firstLayer: 0, endLayer: 32, gpus: 1 }], 5));
    expect(f.compute.get('g')).toBe(0);
    expect(f.compute.get('o')).toBe(0);
    expect(f.gain(cand(chat, [{ device: 'g', firstLayer: 0, endLayer: 32, gpus: 1 }], 5))).toBe(0);
  });
  it('gain › a second fractional share of the same service on the same box › 0; another service’s › allowed', () => {
    const f = new Fill(
      [orin],
      new Map([
        ['seg', 100],
        ['chat', 100],
      ]),
    );
    f.take(cand(seg, [{ device: 'o', firstLayer: 0, endLayer: 10, gpus: 1, gpuFraction: 0.25 }], 10));
    expect(f.gain(cand(seg, [{ device: 'o', firstLayer: 0, endLayer: 10, gpus: 1, gpuFraction: 0.5 }], 10))).toBe(0);
    expect(f.gain(cand(chat, [{ device: 'o', firstLayer: 0, endLayer: 32, gpus: 1, gpuFraction: 0.5 }], 10))).toBe(10);
    // A whole-GPU replica of the same service is not a share: allowed (on 0.75 of the GPU left).
    expect(f.gain(cand(seg, [{ device: 'o', firstLayer: 0, endLayer: 10, gpus: 1 }], 10))).toBeCloseTo(7.5, 12);
  });
  it('gain › weights that no longer fit › 0', () => {
    const f = new Fill([device('p', 'pi')], new Map([['chat', 100]]));
    const c = cand(chat, [{ device: 'p', firstLayer: 0, endLayer: 32, gpus: 1 }], 1);
    f.take(c);
    expect(f.gain({ ...c, key: 'again', capacity: 1 })).toBe(0);
  });
  it('covered › services with demand that got an instance', () => {
    const f = new Fill(
      [gpu],
      new Map([
        ['chat', 1],
        ['seg', 1],
      ]),
    );
    f.take(cand(service('chat', { demandRps: 0 }), [{ device: 'g', firstLayer: 0, endLayer: 32, gpus: 1 }], 1));
    expect(f.covered()).toBe(0);
    f.take(cand(seg, [{ device: 'g', firstLayer: 0, endLayer: 10, gpus: 1 }], 1));
    f.take(cand(seg, [{ device: 'g', firstLayer: 0, endLayer: 10, gpus: 2 }], 1));
    expect(f.covered()).toBe(1);
  });
  it('cover › one instance per uncovered service, largest model first, best gain then fewest units', () => {
    // One 4-GPU box: big (40 GB) first takes TP2 (its only shape that fits) — then chat gets the
    // 1-GPU shape (same gain as 2 GPUs, fewer units), seg (covered already) nothing more.
    const big = service('big', { demandRps: 1 });
    const f = new Fill(
      [gpu],
      new Map([
        ['big', 1],
        ['chat', 2],
        ['seg', 50],
      ]),
    );
    f.take(cand(seg, [{ device: 'g', firstLayer: 0, endLayer: 10, gpus: 1 }], 40));
    const pool = [
      cand(chat, [{ device: 'g', firstLayer: 0, endLayer: 32, gpus: 2 }], 5),
      cand(chat, [{ device: 'g', firstLayer: 0, endLayer: 32, gpus: 1 }], 5),
      cand(big, [{ device: 'g', firstLayer: 0, endLayer: 80, gpus: 2 }], 1),
      cand(seg, [{ device: 'g', firstLayer: 0, endLayer: 10, gpus: 2 }], 40),
      cand(service('huge', { demandRps: 0 }), [{ device: 'g', firstLayer: 0, endLayer: 1, gpus: 1 }], 1),
    ];
    f.cover(pool);
    expect(f.chosen.map((c) => c.key)).toEqual(['seg|g[0,10)x1', 'big|g[0,80)x2', 'chat|g[0,32)x1']);
  });
  it('cover › the bigger model would not fit after the smaller › order by size lets both in', () => {
    // A pi-sized budget of 7.2 GB: "mid" 6 GB and chat 4.5 GB cannot both fit; mid goes first.
    const mid = service('chat', {
      name: 'mid',
      demandRps: 1,
      model: { ...service('chat').model, id: 'mid', weightBytes: 6e9 },
    });
    const f = new Fill(
      [device('p', 'pi'), device('q', 'pi')],
      new Map([
        ['mid', 1],
        ['chat', 1],
      ]),
    );
    f.cover([
      cand(chat, [{ device: 'p', firstLayer: 0, endLayer: 32, gpus: 1 }], 1),
      cand(chat, [{ device: 'q', firstLayer: 0, endLayer: 32, gpus: 1 }], 1),
      cand(mid, [{ device: 'p', firstLayer: 0, endLayer: 32, gpus: 1 }], 1),
    ]);
    expect(f.chosen.map((c) => c.key)).toEqual(['mid|p[0,32)x1', 'chat|q[0,32)x1']);
  });
  it('cover › equal gain and units › fewer GB, then key', () => {
    const f = new Fill([gpu, orin], new Map([['chat', 1]]));
    const light = cand(chat, [{ device: 'o', firstLayer: 0, endLayer: 32, gpus: 1 }], 3, { memGB: 3 });
    const heavy = cand(chat, [{ device: 'g', firstLayer: 0, endLayer: 32, gpus: 1 }], 3, { memGB: 4 });
    f.cover([heavy, light]);
    expect(f.chosen.map((c) => c.key)).toEqual([light.key]);
    const g = new Fill([gpu, orin], new Map([['chat', 1]]));
    g.cover([heavy, { ...light, memGB: 4 }]);
    expect(g.chosen.map((c) => c.key)).toEqual(['chat|g[0,32)x1']);
  });
});
