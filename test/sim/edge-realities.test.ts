/**
 * Issue 18 in process: power modes and cooling resolved from the catalog (located errors listing
 * the known modes), the thermal model (analytic steady state, throttling costs throughput on a
 * Pi 5 without cooling), per-service energy attribution, and `plan` (integer counts, monotone).
 */
import { describe, expect, it } from 'vitest';
import { formatIssues, parseScenario, type DeviceThermal, type Scenario } from '../../scenarios/index.js';
import { simulate } from '../../sim/index.js';
import { ThermalModel } from '../../sim/devices/thermal.js';
import { serviceEnergyJ } from '../../sim/metrics/energy.js';
import { planDevices, planScenario } from '../../sweeps/index.js';
import { parse } from 'yaml';

function pi5Scenario(cooling: string | null, horizon = 900, extraDevice = ''): string {
  return `name: t
seed: 3
horizon_s: ${horizon}
timeline_bucket_s: 60
switches: [lan]
devices:
  - { id: pi5, type: raspberry-pi-5-8gb${cooling === null ? '' : `, cooling: ${cooling}`} }${extraDevice}
links:
  - { a: pi5, b: lan, type: 1gbe }
services:
  - name: assistant
    kind: llm
    model: tinyllama-1.1b-q4
    ingress: lan
    slo: { ttft_s: 10, tpot_s: 0.5 }
    arrivals: { process: closed, concurrency: 2, think_s: 1 }
    prompt_tokens: { dist: fixed, value: 128 }
    output_tokens: { dist: fixed, value: 128 }
`;
}

function load(text: string): Scenario {
  const r = parseScenario(text, 'edge.yaml');
  if (!r.ok) throw new Error(formatIssues(r.issues));
  return r.value;
}

function issues(text: string): string {
  const r = parseScenario(text, 'edge.yaml');
  return r.ok ? '' : formatIssues(r.issues);
}

const nano = (mode: string): string => `name: t
horizon_s: 10
switches: [lan]
devices:
  - { id: j, type: jetson-orin-nano-super-8gb, power_mode: ${mode} }
links:
  - { a: j, b: lan, type: 1gbe }
services:
  - { name: chat, kind: llm, model: llama-3.1-8b-q4, ingress: lan, slo: { ttft_s: 2, tpot_s: 0.2 }, arrivals: { process: poisson, rate_per_s: 1 } }
`;

describe('power modes', () => {
  it('power mode › known mode › scales throughput (slowdown) and power from the catalog', () => {
    const maxn = load(nano('MAXN_SUPER')).devices[0]!;
    const w7 = load(nano('7W')).devices[0]!;
    expect(maxn.powerMode).toBe('MAXN_SUPER');
    expect(maxn.slowdown).toBe(1);
    expect(w7.slowdown).toBeCloseTo(1 / 0.282, 6);
    expect(w7.spec.busyW).toBe(6.3);
    expect(maxn.spec.busyW).toBe(25);
  });
  it('power mode › unknown mode › located error listing the known modes', () => {
    expect(issues(nano('20W'))).toMatch(
      /edge\.yaml:5:\d+: devices\[0\]\.power_mode: unknown power mode "20W" for device type "jetson-orin-nano-super-8gb"; known modes: 7W, 15W, 25W, MAXN_SUPER/,
    );
  });
  it('power mode › a type without modes › error', () => {
    expect(
      issues(pi5Scenario(null).replace('type: raspberry-pi-5-8gb', 'type: raspberry-pi-5-8gb, power_mode: 15W')),
    ).toMatch(/has no power modes/);
  });
  it('power mode › slower mode › the same load takes longer on 7W than on MAXN_SUPER', () => {
    const light = (m: string): string =>
      nano(m)
        .replace('horizon_s: 10', 'horizon_s: 1200')
        .replace(
          'rate_per_s: 1 }',
          'rate_per_s: 0.01 }, prompt_tokens: { dist: fixed, value: 64 }, output_tokens: { dist: fixed, value: 32 }',
        );
    const a = simulate(load(light('MAXN_SUPER'))).services['chat']!;
    const b = simulate(load(light('7W'))).services['chat']!;
    // One request at a time: TPOT is the step time, which the mode stretches by 1 / 0.282.
    expect(b.tpotS.p50 / a.tpotS.p50).toBeCloseTo(1 / 0.282, 1);
  });
});

describe('thermal throttling', () => {
  const p: DeviceThermal = {
    ambientC: 25,
    throttleC: 80,
    criticalC: 85,
    minClockRatio: 0.625,
    cooling: {},
    source: 't',
    coolingKind: 'none',
    rKPerW: 6,
    tauS: 60,
  };
  it('clock › linear between throttle and critical', () => {
    expect(ThermalModel.clockAt(p, 79)).toBe(1);
    expect(ThermalModel.clockAt(p, 82.5)).toBeCloseTo(0.8125, 12);
    expect(ThermalModel.clockAt(p, 90)).toBe(0.625);
  });
  it('cooling › unknown for the type › error names the missing thermal model', () => {
    expect(issues(nano('MAXN_SUPER').replace('power_mode: MAXN_SUPER', 'cooling: none'))).toMatch(
      /no thermal model in the catalog/,
    );
  });
  it('cooling › Pi 5 closed loop › no cooling serves less than active, and the note and clock timeline say so', () => {
    const none = simulate(load(pi5Scenario('none')));
    const active = simulate(load(pi5Scenario('active')));
    const plain = simulate(load(pi5Scenario(null)));
    const served = (r: typeof none): number => r.services['assistant']!.ok + r.services['assistant']!.late;
    expect(served(none)).toBeLessThan(served(active) * 0.85);
    expect(none.notes.some((n) => /thermal: pi5 \(cooling none\) throttled/.test(n))).toBe(true);
    expect(Math.min(...none.devices['pi5']!.clockTimeline!)).toBeLessThan(0.7);
    expect(active.devices['pi5']!.clockTimeline!.every((c) => c === 1)).toBe(true);
    // A model that never throttles leaves the run exactly as without one.
    expect(active.services).toEqual(plain.services);
  });
  it('thermal › steady state › busy all the time settles at ambient + R·P (active cooler, no throttling)', () => {
    const sc = load(pi5Scenario('active', 2000));
    const t = new ThermalModel(sc);
    t.addBusy(0, 0, 2000, 1);
    t.timeScale(0, 1999);
    const f = t.finish(['pi5'])[0]!;
    const peak = Number(/peak ([\d.]+)/.exec(f.note)![1]);
    expect(peak).toBeCloseTo(25 + 2.59 * 13.9, 0);
  });
});

describe('energy per request', () => {
  it('energy › split by busy share; idle-only devices belong to no service', () => {
    const e = serviceEnergyJ([100, 50, null], [Float64Array.from([3, 0, 1]), Float64Array.from([1, 0, 1])]);
    expect(e[0]).toBeCloseTo(75, 12);
    expect(e[1]).toBeCloseTo(25, 12);
    expect(serviceEnergyJ([10], [Float64Array.from([0])])[0]).toBeNull();
  });
  it('energy › every service result carries energyPerRequestJ; LLMs energyPerOutputTokenJ; sums match device energy', () => {
    const r = simulate(load(pi5Scenario(null, 300)));
    const s = r.services['assistant']!;
    expect(s.energyJ).toBeCloseTo(r.devices['pi5']!.energyJ!, 6);
    expect(s.energyPerRequestJ).toBeCloseTo(s.energyJ! / (s.ok + s.late), 9);
    expect(s.energyPerOutputTokenJ).toBeGreaterThan(0);
  });
});

describe('plan', () => {
  const base = parse(`name: p
seed: 1
horizon_s: 60
switches: [lan]
devices: [{ id: x, type: rtx-4090 }]
links: [{ a: x, b: lan, type: 10gbe }]
services:
  - { name: cams, kind: segmentation, model: yolo11n-seg, ingress: lan, slo: { deadline_s: 0.3 }, arrivals: { process: periodic, streams: 4, fps: 5 } }
`) as Record<string, unknown>;
  const sim = (obj: Record<string, unknown>, seed: number) => simulate(load(JSON.stringify(obj)), { seed });
  it('plan › Pi 5 vs Orin Nano › integer smallest counts; one fewer misses the target', () => {
    const p = planDevices(
      base,
      {
        service: 'cams',
        candidates: ['raspberry-pi-5-8gb', 'jetson-orin-nano-super-8gb'],
        target: 0.99,
        maxCount: 16,
        seeds: [1],
        link: '1gbe',
      },
      sim,
    );
    const pi = p.answers[0]!;
    expect(Number.isInteger(pi.count)).toBe(true);
    expect(pi.count!).toBeGreaterThanOrEqual(2); // 20 frames/s × 94 ms = 1.9 busy Pis
    const below = pi.probes.find((q) => q.count === pi.count! - 1);
    if (below !== undefined) expect(below.attainment!).toBeLessThan(0.99);
    expect(p.answers[1]!.count).toBe(1);
    expect(pi.energyPerRequestJ).toBeGreaterThan(p.answers[1]!.energyPerRequestJ!);
  });
  it('plan › planScenario › keeps only the service and the candidate fleet', () => {
    const o = planScenario(base, 'cams', [{ type: 'raspberry-pi-5-8gb', count: 3 }], '1gbe');
    expect(o['devices']).toEqual([{ id: 'plan0', type: 'raspberry-pi-5-8gb', count: 3 }]);
    expect(o['switches']).toEqual(['lan']);
  });
});

describe('memory pressure', () => {
  const oom = (prompt: number, output = 4000): string => `name: oom
horizon_s: 600
switches: [lan]
devices:
  - { id: pi5, type: raspberry-pi-5-8gb, memory_pressure: true }
links:
  - { a: pi5, b: lan, type: 1gbe }
services:
  - name: chat
    kind: llm
    model: llama-3.1-8b-q4
    ingress: lan
    slo: { ttft_s: 1000, tpot_s: 50 }
    arrivals: { process: poisson, rate_per_s: 0.05 }
    prompt_tokens: { dist: fixed, value: ${prompt} }
    output_tokens: { dist: fixed, value: ${output} }
`;
  it('memory › OS reserve › policies see the pool without it', () => {
    const d = load(oom(100)).devices[0]!;
    expect(d.spec.memoryBytesPerGpu).toBeCloseTo(7.2e9, 0);
  });
  it('memory › context beyond the free unified memory › OOM kill, requests fail with reason oom', () => {
    const r = simulate(load(oom(16000)));
    expect(r.services['chat']!.dropReasons['oom']).toBeGreaterThanOrEqual(1);
    expect(r.placementChanges.some((c) => c.action === 'failed')).toBe(true);
    expect(r.notes.some((n) => n.startsWith('oom: chat killed on pi5'))).toBe(true);
  });
  it('memory › without memory_pressure › the whole 8 GB and no OOM rule', () => {
    const text = oom(16000).replace(', memory_pressure: true', '');
    expect(load(text).devices[0]!.spec.memoryBytesPerGpu).toBe(8e9);
    expect(simulate(load(text)).services['chat']!.dropReasons['oom']).toBeUndefined();
  });
  it('memory › memory_pressure on a type without a reserve › located error', () => {
    expect(
      issues(
        nano('MAXN_SUPER').replace(
          'type: jetson-orin-nano-super-8gb, power_mode: MAXN_SUPER',
          'type: rtx-4090, memory_pressure: true',
        ),
      ),
    ).toMatch(/devices\[0\]\.memory_pressure: device type "rtx-4090" declares no os_reserve_gb/);
  });
  it('memory › context that fits › no OOM', () => {
    const r = simulate(load(oom(100, 8)));
    expect(r.services['chat']!.dropReasons['oom']).toBeUndefined();
    expect(r.placementChanges.some((c) => c.action === 'failed')).toBe(false);
  });
});
