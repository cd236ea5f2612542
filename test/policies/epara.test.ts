/**
 * EPARA's parts on small hand-made clusters. Figures from view-builder: gpu4 = 4×24 GB NVLink box
 * whose whole-box chat figures are prefill 20k tok/s, decode 150 tok/s (3000 at batch 64); one GPU
 * of it runs at 1/(4·0.9²) = 0.309 of that. orin: chat prefill 1500, decode 28 (112 at batch 8).
 * pi: prefill 50, decode 2. A chat request: 512 prompt + 128 output tokens, SLO TTFT 1 s, TPOT 0.1 s.
 */
import { describe, expect, it } from 'vitest';
import { POLICIES } from '../../policies/index.js';
import { categorize } from '../../policies/epara/categorize.js';
import { allocate } from '../../policies/epara/allocate.js';
import { RequestHandler } from '../../policies/epara/request-handler.js';
import type { Stage } from '../../policies/index.js';
import { device, instance, link, nodeView, request, service, testRng, view, whole } from './view-builder.js';

const trio = () => [device('gpu0', 'gpu4'), device('orin0', 'orin'), device('pi0', 'pi')];
const trioLinks = [link('gpu0', 's1', 1e10, 0.0001), link('orin0', 's1', 1e9, 0.0002), link('pi0', 's1', 1e9, 0.0002)];

describe('epara › categorizer', () => {
  const v = view({ devices: trio(), links: trioLinks, services: [] });
  it('categorize › token SLO, 4.5 GB model › latency-sensitive, single GPU', () => {
    expect(categorize(v, service('chat')).category).toEqual({ sensitivity: 'latency', gpus: 'single' });
  });
  it('categorize › frame SLO › frequency-sensitive', () => {
    expect(categorize(v, service('seg')).category).toEqual({ sensitivity: 'frequency', gpus: 'single' });
  });
  it('categorize › 70B fits one 64 GB orin but misses TPOT there (1/3 s > 0.2 s), TP4 meets it › multi-GPU', () => {
    const r = categorize(v, service('big'));
    expect(r.category).toEqual({ sensitivity: 'latency', gpus: 'multi' });
    expect(r.reason).toContain('tensor parallel');
  });
  it('categorize › 120 GB model on ≤ 64 GB GPUs › multi-GPU', () => {
    expect(categorize(v, service('huge')).category.gpus).toBe('multi');
  });
  it('categorize › loose e2e SLO (100 s vs ≈2.9 s unloaded) and demand 50 > one replica (4.5 rps) › frequency', () => {
    const loose = service('chat', { slo: { kind: 'e2e', e2eS: 100 }, demandRps: 50 });
    expect(categorize(v, loose).category.sensitivity).toBe('frequency');
    expect(categorize(v, { ...loose, demandRps: 1 }).category.sensitivity).toBe('latency');
  });
  it('categorize › scenario override › wins', () => {
    const c = { sensitivity: 'frequency', gpus: 'multi' } as const;
    expect(categorize(v, service('chat', { category: c }))).toEqual({ category: c, reason: 'scenario override' });
  });
});

describe('epara › parallelism allocator', () => {
  const v = view({ devices: trio(), links: trioLinks, services: [] });
  it('allocate › latency × multi › tensor parallel at the box degree 4 on gpu0', () => {
    const a = allocate(v, service('big'), { sensitivity: 'latency', gpus: 'multi' }, v.devices);
    expect(a.mode).toBe('tensor-parallel');
    expect(a.degree).toBe(4);
    expect(a.candidates[0]!.stages).toEqual(whole('gpu0', 80, 4));
  });
  it('allocate › frequency › data-parallel one-GPU replicas on every device with figures', () => {
    const a = allocate(v, service('seg'), { sensitivity: 'frequency', gpus: 'single' }, v.devices);
    expect(a.mode).toBe('data-parallel');
    expect(a.candidates.map((c) => c.stages[0]!.device)).toEqual(['gpu0', 'orin0', 'pi0']);
    expect(a.candidates.every((c) => c.stages[0]!.gpus === 1)).toBe(true);
  });
  it('allocate › 120 GB fits no box › pipeline gpu0 then orin0, gpu0 full (57 layers × 1.5 GB ≤ 86.4 GB)', () => {
    // gpu0 can hold 86.4/1.5 = 57.6 layers; with 24 blocks the largest boundary ≤ 57.6 is 57.
    // The latency objective puts as many layers as memory allows on the faster gpu0.
    const a = allocate(v, service('huge'), { sensitivity: 'latency', gpus: 'multi' }, v.devices);
    expect(a.mode).toBe('pipeline');
    expect(a.candidates[0]!.stages).toEqual([
      { device: 'gpu0', firstLayer: 0, endLayer: 57, gpus: 4 },
      { device: 'orin0', firstLayer: 57, endLayer: 80, gpus: 1 },
    ]);
  });
});

describe('epara › state-aware scheduler', () => {
  const place = (v: ReturnType<typeof view>) => POLICIES.epara.create({}).place(v, testRng(1));

  it('place › chat at 2 rps › one 1-GPU replica on gpu0 covers the 2.5 rps target', () => {
    // gpu0×1: busy 0.083 s prefill + 128/(3000·0.309) = 0.221 s → 4.5 rps (−7.5% load time) ≥ 2.5.
    // orin: 1.48 s → 0.67 rps, less per GB; pi misses the TTFT (10 s prefill). One pick suffices.
    const plan = place(view({ devices: trio(), links: trioLinks, services: [service('chat')] }));
    expect(plan.instances).toEqual([{ service: 'chat', stages: whole('gpu0', 32, 1) }]);
  });

  it('place › existing orin replica enough for 0.4 rps › kept, nothing moved', () => {
    const v = view({
      devices: trio(),
      links: trioLinks,
      services: [service('chat', { demandRps: 0.4 })],
      instances: [instance('i1', 'chat', whole('orin0', 32))],
    });
    const plan = place(v);
    expect(plan.instances).toEqual([{ service: 'chat', stages: whole('orin0', 32) }]);
    expect(plan.reason).toMatch(/^keep/);
  });

  it('place › idle 70B pinned on the only GPU blocks chat › fresh plan wins, chat replaces it', () => {
    // KEEP: big (no demand → presence target 0.001) holds orin's one GPU → chat gains 0 → value 0.001.
    // FRESH: chat on orin → 0.62 rps > 0.001·1.1, then big finds no compute → value 0.62.
    const v = view({
      devices: [device('orin0', 'orin')],
      links: [link('orin0', 's1', 1e9, 0.0002)],
      services: [service('chat'), service('big', { demandRps: 0 })],
      instances: [instance('i1', 'big', whole('orin0', 80))],
    });
    const plan = place(v);
    expect(plan.reason).toMatch(/^fresh/);
    expect(plan.instances).toEqual([{ service: 'chat', stages: whole('orin0', 32) }]);
  });

  it('place › gpu0 dead › chat on orin0 (the only other device meeting the SLO)', () => {
    const devices = trio().map((d) => (d.id === 'gpu0' ? { ...d, alive: false } : d));
    const plan = place(view({ devices, links: trioLinks, services: [service('chat')] }));
    expect(plan.instances).toEqual([{ service: 'chat', stages: whole('orin0', 32) }]);
  });

  /** The next view after a host applied `plan`: every planned instance ready, `dead` devices down and their instances failed. */
  const after = (
    plan: { instances: readonly { service: string; stages: readonly Stage[] }[] },
    now: number,
    dead: readonly string[] = [],
  ) =>
    view({
      now,
      links: trioLinks,
      services: [service('chat')],
      devices: trio().map((d) => (dead.includes(d.id) ? { ...d, alive: false } : d)),
      instances: plan.instances.map((p, k) =>
        instance(`p${k}`, p.service, p.stages, {
          state: p.stages.some((s) => dead.includes(s.device)) ? 'failed' : 'ready',
        }),
      ),
    });

  it('place › gpu0 crashes at t=1 (period 60 s) › re-placed on orin0 at the next health check, not at t=60', () => {
    const policy = POLICIES.epara.create({});
    const p0 = policy.place(after({ instances: [] }, 0), testRng(1));
    expect(p0.instances.map((i) => i.stages[0]!.device)).toEqual(['gpu0']);
    const p1 = policy.place(after(p0, 1, ['gpu0']), testRng(1));
    expect(p1.reason).toContain('devices changed');
    expect(p1.instances).toEqual([{ service: 'chat', stages: whole('orin0', 32) }]);
    // Nothing changed since: the health check re-emits the live instances, so the host moves nothing.
    const p2 = policy.place(after(p1, 2, ['gpu0']), testRng(1));
    expect(p2.reason).toMatch(/^health check/);
    expect(p2.instances).toEqual(p1.instances);
  });

  it('place › gpu0 recovers at t=5 with a 10 s backoff › held at t=6 and t=14, re-placed onto at t=15', () => {
    const policy = POLICIES.epara.create({ recovery_backoff_s: 10 });
    const p0 = policy.place(after({ instances: [] }, 0, ['gpu0']), testRng(1));
    expect(p0.instances.map((i) => i.stages[0]!.device)).toEqual(['orin0']);
    policy.place(after(p0, 5), testRng(1));
    const p6 = policy.place(after(p0, 6), testRng(1));
    expect(p6.instances).toEqual(p0.instances);
    expect(p6.reason).toContain('backoff gpu0');
    expect(policy.place(after(p0, 14), testRng(1)).instances).toEqual(p0.instances);
    // Backoff over: a re-placement at once. KEEP (orin0 pinned + gpu0) reaches the same 2.5 rps
    // target as FRESH (gpu0 alone), so orin0 stays and gpu0 is added.
    const p15 = policy.place(after(p0, 15), testRng(1));
    expect(p15.reason).toContain('devices changed');
    expect(p15.instances.map((i) => i.stages[0]!.device).sort()).toEqual(['gpu0', 'orin0']);
  });

  it('place › demand reported per health check › the full re-plan sees its time-weighted mean', () => {
    // The host reports the rate since the previous call: 50 s at 0.4 rps then 10 s at 5 rps average
    // (0.4·50 + 5·10) / 60 = 1.17 rps → target × 1.25 = 1.46 rps, met by orin0 + gpu0; planning
    // for the last report alone (5 rps → 6.25) would give a value ≈ 4.8.
    const policy = POLICIES.epara.create({
      health_check_s: 10,
      demand_alpha: 1,
      demand_burst: 0,
      demand_tolerance: 0,
      demand_down_periods: 1,
    });
    const at = (now: number, demandRps: number, instances: ReturnType<typeof instance>[]) =>
      view({ now, links: trioLinks, devices: trio(), services: [service('chat', { demandRps })], instances });
    const orin = [instance('i1', 'chat', whole('orin0', 32))];
    const p0 = policy.place(at(0, 0.4, orin), testRng(1));
    expect(p0.instances.map((i) => i.stages[0]!.device)).toEqual(['orin0']);
    for (const t of [10, 20, 30, 40, 50])
      expect(policy.place(at(t, 0.4, orin), testRng(1)).reason).toMatch(/^health check/);
    const p60 = policy.place(at(60, 5, orin), testRng(1));
    expect(p60.reason).toContain('(period)');
    expect(p60.reason).toContain('value 1.46');
    // Defaults (alpha 0.5, burst 0.5): level 0.4 + 0.5 × (1.167 − 0.4) = 0.783; the 10-s bins peak
    // at 5, so peak 0.4 + 0.5 × (5 − 0.4) = 2.7; estimate 0.783 + 0.5 × (2.7 − 0.783) = 1.742,
    // target × 1.25 = 2.18 (declared 0.4 at t = 0 seeds both).
    const smoothed = POLICIES.epara.create({ health_check_s: 10 });
    smoothed.place(at(0, 0.4, orin), testRng(1));
    for (const t of [10, 20, 30, 40, 50]) smoothed.place(at(t, 0.4, orin), testRng(1));
    expect(smoothed.place(at(60, 5, orin), testRng(1)).reason).toContain('value 2.18');
  });

  it('policy › sync and periods › come from params; the host calls place at the health-check period', () => {
    const p = POLICIES.epara.create({
      sync_period_s: 2,
      sync_message_bytes: 100,
      placement_period_s: 30,
      health_check_s: 5,
    });
    expect(p.sync).toEqual({ periodS: 2, messageBytes: 100 });
    expect(p.placementPeriodS).toBe(5);
    expect(POLICIES.epara.create({ placement_period_s: 30, health_check_s: 60 }).placementPeriodS).toBe(30);
  });
});

describe('epara › distributed request handler', () => {
  // self = s1; orin0 sits at s1 (local), gpu0/gpu1 at s2 (peers) behind a 1 Gb/s, 5 ms link.
  const devices = [
    device('orin0', 'orin'),
    device('gpu0', 'gpu4', { site: 's2' }),
    device('gpu1', 'gpu4', { site: 's2' }),
  ];
  const links = [
    link('orin0', 's1', 1e9, 0.0002),
    link('gpu0', 's2', 1e10, 0.0001),
    link('gpu1', 's2', 1e10, 0.0001),
    link('s1', 's2', 1e9, 0.005),
  ];
  const handler = (o: Partial<{ stalenessLimitS: number; sloMargin: number }> = {}) =>
    new RequestHandler({ stalenessLimitS: 3, sloMargin: 0.5, ...o });
  const at = (instances: ReturnType<typeof instance>[], devs = devices) =>
    nodeView(
      view({ now: 10, devices: devs.map((d) => ({ ...d, asOfS: 10 })), links, services: [service('chat')], instances }),
    );

  it('route › local orin meets the SLO (TTFT ≈ 0.38 s) › stays local though the peer GPU is faster', () => {
    const d = handler().route(
      request('chat'),
      at([instance('a', 'chat', whole('orin0', 32)), instance('b', 'chat', whole('gpu0', 32))]),
    );
    expect(d).toMatchObject({ kind: 'instance', instanceId: 'a' });
    expect(d.reason).toMatch(/^local/);
  });

  it('route › local orin has 5 queued (≈ 7.4 s wait) › forwarded to the peer', () => {
    const d = handler().route(
      request('chat'),
      at([instance('a', 'chat', whole('orin0', 32), { queued: 5 }), instance('b', 'chat', whole('gpu0', 32))]),
    );
    expect(d).toMatchObject({ kind: 'instance', instanceId: 'b' });
    expect(d.reason).toMatch(/^peer/);
  });

  it('route › every estimate ≫ 1.5× SLO › dropped slo-infeasible; a wide margin routes it', () => {
    // a: 7.4 s wait → ratio ≈ 7.8; b: 100 × 0.221 s = 22 s wait → ratio ≈ 22.
    const v = at([
      instance('a', 'chat', whole('orin0', 32), { queued: 5 }),
      instance('b', 'chat', whole('gpu0', 32), { queued: 100 }),
    ]);
    expect(handler().route(request('chat'), v)).toMatchObject({ kind: 'drop', reason: 'slo-infeasible' });
    expect(handler({ sloMargin: 10 }).route(request('chat'), v)).toMatchObject({ kind: 'instance', instanceId: 'a' });
  });

  it('route › two equal peers synced 1 s ago › own dispatches since the snapshot alternate them', () => {
    const h = handler();
    const synced = { countsAsOfS: 9 };
    const v = at([
      instance('b1', 'chat', whole('gpu0', 32), synced),
      instance('b2', 'chat', whole('gpu1', 32), synced),
    ]);
    const stale = { ...v, devices: v.devices.map((d) => ({ ...d, asOfS: 9 })) };
    const picks = [1, 2, 3].map((id) => (h.route(request('chat', id), stale) as { instanceId: string }).instanceId);
    expect(picks).toEqual(['b1', 'b2', 'b1']);
  });

  it('route › fresh counts (no countsAsOfS: a central router) on devices synced 1 s ago › no backlog added on top', () => {
    // The live controller counts every request it sends; adding its own dispatches since the
    // device's heartbeat again would count them twice. On this unchanged view b1 stays the pick.
    const h = handler();
    const v = at([instance('b1', 'chat', whole('gpu0', 32)), instance('b2', 'chat', whole('gpu1', 32))]);
    const stale = { ...v, devices: v.devices.map((d) => ({ ...d, asOfS: 9 })) };
    const picks = [1, 2, 3].map((id) => (h.route(request('chat', id), stale) as { instanceId: string }).instanceId);
    expect(picks).toEqual(['b1', 'b1', 'b1']);
  });

  it('route › peer b1 silent for 9 s (limit 3 s) › its ratio ×3 (0.22 → 0.65) loses to b2 with 2 queued (0.55)', () => {
    const v = at([instance('b1', 'chat', whole('gpu0', 32)), instance('b2', 'chat', whole('gpu1', 32), { queued: 2 })]);
    const fresh = { ...v, devices: v.devices.map((d) => ({ ...d, asOfS: 9.5 })) };
    expect(handler().route(request('chat'), fresh)).toMatchObject({ instanceId: 'b1' });
    const stale = { ...fresh, devices: fresh.devices.map((d) => (d.id === 'gpu0' ? { ...d, asOfS: 1 } : d)) };
    const d = handler().route(request('chat'), stale);
    expect(d).toMatchObject({ instanceId: 'b2' });
  });

  it('route › no instance, or only on dead devices › no-instance / all-devices-down', () => {
    expect(handler().route(request('chat'), at([]))).toMatchObject({ kind: 'drop', reason: 'no-instance' });
    const dead = devices.map((d) => (d.id === 'gpu0' ? { ...d, alive: false } : d));
    expect(handler().route(request('chat'), at([instance('b', 'chat', whole('gpu0', 32))], dead))).toMatchObject({
      kind: 'drop',
      reason: 'all-devices-down',
    });
  });

  describe('epara › request handler between syncs (regression: fault scenarios)', () => {
    // seg on one GPU of gpu0 behind the 1 Gb/s s1–s2 link: the 1.2 MB frame upload (9.6 ms) is the
    // bottleneck → ≈104 frames/s; unloaded ≈ 0.04 s vs the 0.1 s deadline, so with the 0.5 margin
    // a frame is dropped once ≈ 12 frames are estimated ahead of it.
    const segView = (now: number, rate: number) => {
      const v = nodeView(
        view({
          now,
          devices: devices.map((d) => ({ ...d, asOfS: 10 })),
          links,
          services: [service('seg', { demandRps: rate })],
          instances: [instance('s', 'seg', whole('gpu0', 10, 1), { countsAsOfS: 10 })],
        }),
      );
      return v;
    };
    const stream = (rate: number, n: number) => {
      const h = handler();
      let routed = 0;
      for (let k = 0; k < n; k++)
        if (h.route(request('seg', k), segView(10.5 + k / rate, rate)).kind === 'instance') routed++;
      return routed;
    };

    it('route › 80 frames/s to a peer whose snapshot is 0.5–2.5 s old › every frame routed (own dispatches drain at capacity)', () => {
      // Counting dispatches since the snapshot without departures dropped all but the first ≈ 12.
      expect(stream(80, 160)).toBe(160);
    });

    it('route › 300 frames/s, above the ≈104/s capacity › the estimated backlog grows and frames are shed', () => {
      const routed = stream(300, 160);
      expect(routed).toBeLessThan(100);
      expect(routed).toBeGreaterThan(12);
    });

    it('route › gpu0 crashed, replacement on gpu1 not yet synced (pending) › no-instance; after its sync (ready) › routed to it', () => {
      // The documented rule: a handler routes only to instances its view shows ready; a new
      // instance becomes routable with the first sync after it is ready (≤ one sync period).
      const dead = devices.map((d) => (d.id === 'gpu0' ? { ...d, alive: false } : d));
      const old = instance('old', 'chat', whole('gpu0', 32), { state: 'failed' });
      const before = at([old, instance('new', 'chat', whole('gpu1', 32), { state: 'pending' })], dead);
      expect(handler().route(request('chat'), before)).toMatchObject({ kind: 'drop', reason: 'no-instance' });
      const synced = at([old, instance('new', 'chat', whole('gpu1', 32))], dead);
      expect(handler().route(request('chat'), synced)).toMatchObject({ kind: 'instance', instanceId: 'new' });
    });
  });

  it('route › pipeline instance › reported as split-chain', () => {
    const stages = [
      { device: 'gpu0', firstLayer: 0, endLayer: 16, gpus: 4 },
      { device: 'gpu1', firstLayer: 16, endLayer: 32, gpus: 4 },
    ];
    const d = handler().route(request('chat'), at([instance('c', 'chat', stages)]));
    expect(d.reason).toMatch(/^split-chain/);
  });
});
