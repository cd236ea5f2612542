/**
 * Synthetic RunResults with plausible shapes (goodput saturating with load, attainment falling
 * past a policy-specific knee, latency growing with load) for report tests — no simulator needed.
 */
import type { LatencySummary, PlacementChange, RunResult, ServiceResult } from '../../policies/index.js';

/** Small deterministic PRNG (mulberry32) so fixtures are the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function latency(median: number, spread: number, count: number): LatencySummary {
  // log-normal-ish quantiles: q(p) = median * exp(spread * z(p)), z approximated by a logit.
  const cdf = Array.from({ length: 21 }, (_, i) => {
    const p = Math.min(0.999, Math.max(0.001, i / 20));
    return median * Math.exp(spread * 0.6 * Math.log(p / (1 - p)));
  });
  return { count, mean: median * 1.1, p50: cdf[10]!, p90: cdf[18]!, p99: cdf[20]! * 0.95, cdf };
}

/** The same population with `dropped` +∞ samples added (null in JSON): upper quantiles become +∞. */
function withDrops(l: LatencySummary, dropped: number): LatencySummary {
  const n = l.count + dropped;
  const cut = n > 0 ? l.count / n : 1;
  const q = (p: number, v: number): number => (p > cut ? Infinity : v);
  return {
    count: n,
    mean: dropped > 0 ? Infinity : l.mean,
    p50: q(0.5, l.p50),
    p90: q(0.9, l.p90),
    p99: q(0.99, l.p99),
    cdf: l.cdf.map((v, i) => q(i / 20, v)),
  };
}

export const KNEE: Record<string, number> = { epara: 3.2, edgeshard: 2.1, 'round-robin': 1.4, 'least-loaded': 1.7 };
const DEVICES = ['gpu-0', 'gpu-1', 'jetson-0', 'jetson-1', 'pi-0', 'fpga-0'];

export function fakeResult(policy: string, load: number, seed: number, services = ['chat', 'seg']): RunResult {
  const r = rng(seed * 7919 + Math.round(load * 100) + policy.length * 131);
  const knee = KNEE[policy] ?? 1.5;
  const horizonS = 600;
  const bucket = 30;
  const svc: Record<string, ServiceResult> = {};
  let offeredAll = 0;
  let okAll = 0;
  for (const name of services) {
    // Chat is ~20× rarer than frames, as in the default scenario.
    const offered = Math.round(load * (name === 'chat' ? 60 : 1200) * (0.95 + 0.1 * r()));
    // `starves-chat` serves cameras perfectly and never a chat request: the case a pooled total hides.
    const att =
      policy === 'starves-chat'
        ? name === 'chat'
          ? 0
          : 1
        : Math.max(0.02, Math.min(1, 1 / (1 + Math.exp(3 * (load - knee))) + 0.04 * (r() - 0.5) + 0.05));
    const ok = Math.round(offered * Math.min(1, att));
    const dropped = Math.round((offered - ok) * 0.3);
    const late = offered - ok - dropped;
    offeredAll += offered;
    okAll += ok;
    const slow = 1 + Math.max(0, load - knee) * 2;
    const ttft = latency(0.12 * slow * (1 + 0.1 * r()), 0.5, offered - dropped);
    const tpot = latency(0.03 * slow, 0.3, offered - dropped);
    const e2e = latency(1.5 * slow * (1 + 0.1 * r()), 0.4, offered - dropped);
    svc[name] = {
      offered,
      ok,
      late,
      dropped,
      failed: 0,
      inflight: 0,
      kind: name === 'chat' ? 'llm' : 'segmentation',
      slo: name === 'chat' ? { kind: 'token', ttftS: 1, tpotS: 0.1 } : { kind: 'frame', deadlineS: 0.1 },
      offeredRps: offered / horizonS,
      goodputRps: ok / horizonS,
      sloAttainment: ok / offered,
      ttftS: ttft,
      tpotS: tpot,
      e2eS: e2e,
      ttftInclDropsS: withDrops(ttft, dropped),
      tpotInclDropsS: withDrops(tpot, dropped),
      e2eInclDropsS: withDrops(e2e, dropped),
      ...(name === 'chat' ? { outputTokPerS: (ok * 100) / horizonS } : {}),
      noReadyFraction: 0,
      inflightTimeline: Array.from({ length: horizonS / bucket }, () => 0),
      dropReasons: dropped ? { 'queue-full': dropped } : {},
      perfSource: { 'gpu-a100': 'profile', 'jetson-orin': 'roofline' },
    };
  }
  const devices: RunResult['devices'] = Object.fromEntries(
    DEVICES.map((d, i) => {
      const base = Math.min(0.98, (load / (knee + 1)) * (1 - i * 0.12) + 0.05 * r());
      const timeline = Array.from({ length: horizonS / bucket }, (_, k) =>
        Math.max(0, Math.min(1, base * (0.7 + 0.3 * Math.sin(k / 3 + i)) + 0.05 * r())),
      );
      return [
        d,
        {
          type: d.replace(/-\d+$/, ''),
          utilization: base,
          energyJ: d.startsWith('fpga') ? null : 1000 * base,
          utilizationTimeline: timeline,
        },
      ];
    }),
  );
  const placementChanges: PlacementChange[] = [];
  let t = 0;
  for (let k = 0; k < 4 + Math.floor(r() * 4); k++) {
    t += 40 + r() * 90;
    if (t > horizonS) break;
    placementChanges.push({
      timeS: t,
      service: services[k % services.length]!,
      action: k % 2 ? 'ready' : 'load',
      instance: `i${k}`,
      devices: [DEVICES[k % DEVICES.length]!],
    });
  }
  return {
    schema: 'parasim.result/1',
    clock: 'simulated',
    scenario: 'synthetic',
    seed,
    policy,
    horizonS,
    timelineBucketS: bucket,
    totals: {
      offered: offeredAll,
      ok: okAll,
      late: 0,
      dropped: offeredAll - okAll,
      failed: 0,
      inflight: 0,
      goodputRps: okAll / horizonS,
      sloAttainment: okAll / offeredAll,
      minServiceAttainment: Math.min(...Object.values(svc).map((x) => x.sloAttainment)),
      meanServiceAttainment: Object.values(svc).reduce((a, x) => a + x.sloAttainment, 0) / services.length,
    },
    services: svc,
    devices,
    links: { wan: { type: 'wan-edge-cloud', utilization: Math.min(1, load / 4) } },
    goodputTimeline: Array.from({ length: horizonS / bucket }, () => okAll / horizonS),
    placementChanges,
    notes: [],
  };
}

export interface SweepLine {
  key: string;
  cell: { policy: string; load: number; seed: number; sweep: string; coords: Record<string, unknown> };
  result?: RunResult;
  error?: { message: string };
}

/**
 * Sweep JSONL text: policies × loads × seeds (× any extra grid axes, e.g. a device count),
 * optionally with one failed cell. Coordinates are keyed as the sweep runner keys them.
 */
export function fakeSweep(
  policies: readonly string[],
  loads: readonly number[],
  seeds: readonly number[],
  withFailure = false,
  axes: Readonly<Record<string, readonly unknown[]>> = {},
  sweep = 'sweep-a',
): string {
  let points: Record<string, unknown>[] = [{}];
  for (const [name, values] of Object.entries(axes))
    points = points.flatMap((p) => values.map((v) => ({ ...p, [name]: v })));
  const lines: SweepLine[] = [];
  for (const policy of policies) {
    for (const point of points) {
      for (const load of loads) {
        for (const seed of seeds) {
          const cell = { policy, load, seed, sweep, coords: { 'policy.name': policy, ...point, load } };
          const salt = Object.values(point)
            .map((v) => Number(v) || 0)
            .reduce((a, b) => a + b, 0);
          lines.push({
            key: `${policy}-${JSON.stringify(point)}-${load}-${seed}`,
            cell,
            result: fakeResult(policy, load * (1 + salt / 10), seed),
          });
        }
      }
    }
  }
  if (withFailure)
    lines.push({
      key: 'broken',
      cell: {
        policy: policies[0]!,
        load: loads[0]!,
        seed: 99,
        sweep,
        coords: { 'policy.name': policies[0]!, load: loads[0]! },
      },
      error: { message: 'worker crashed' },
    });
  return lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
}
