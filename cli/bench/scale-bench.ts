/**
 * `parasim bench --part scale` (issue #15): generated fleets (scenarios/fleet.ts) at 128, 1,024
 * and 10,000 devices under least-loaded and EPARA. Each run is a fresh child process, so its peak
 * RSS is the run's own. Per run: requests, wall seconds, CPU seconds (user + system of the child:
 * on a shared machine the wall clock mostly measures the neighbours), requests per wall and per
 * CPU second, peak RSS and bytes of RSS per request. Repeated runs report the best and the spread.
 * The figure to watch is the per-request cost ratio 1,024 vs 128 devices (CPU µs per request),
 * which should stay ≤ 1.5 when per-request work does not grow with the fleet.
 */
import { spawnSync } from 'node:child_process';
import { fleetScenario } from '../../scenarios/fleet.js';
import { formatIssues, validateScenarioObject } from '../../scenarios/index.js';
import { simulate } from '../../sim/index.js';

export interface ScaleRun {
  readonly devices: number;
  readonly policy: string;
  readonly horizonS: number;
  readonly requests: number;
  readonly wallS: number;
  readonly cpuS: number;
  readonly peakRssMb: number;
}

/** One fleet run in this process (the child side). */
export function scaleRunInProcess(sites: number, policy: string, horizonS: number): ScaleRun {
  const checked = validateScenarioObject(fleetScenario({ sites, policy, horizonS }), `fleet-${sites}`);
  if (!checked.ok) throw new Error(formatIssues(checked.issues));
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const result = simulate(checked.value);
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  return {
    devices: checked.value.devices.length,
    policy,
    horizonS,
    requests: result.totals.offered,
    wallS: Number(wallS.toFixed(3)),
    cpuS: Number(((cpu.user + cpu.system) / 1e6).toFixed(3)),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

function runChild(cliMain: string, sites: number, policy: string, horizonS: number): ScaleRun {
  const child = spawnSync(
    process.execPath,
    [
      cliMain,
      'bench',
      '--part',
      'scale-one',
      '--sites',
      String(sites),
      '--policy',
      policy,
      '--horizon',
      String(horizonS),
    ],
    {
      encoding: 'utf8',
      maxBuffer: 1024 * 1024,
    },
  );
  if (child.status !== 0) throw new Error(`scale bench (${sites} sites, ${policy}) failed: ${child.stderr.trim()}`);
  return JSON.parse(child.stdout) as ScaleRun;
}

export interface ScaleRow {
  readonly devices: number;
  readonly policy: string;
  readonly horizonS: number;
  readonly requests: number;
  readonly runs: number;
  /** Best (least) and worst of the repeats. */
  readonly wallS: readonly [number, number];
  readonly cpuS: readonly [number, number];
  readonly reqPerWallS: number;
  readonly reqPerCpuS: number;
  readonly cpuUsPerRequest: number;
  readonly peakRssMb: number;
  readonly rssBytesPerRequest: number;
}

export interface ScaleCase {
  readonly sites: number;
  readonly horizonS: number;
  readonly repeats: number;
}

/** The default cases: 128 and 1,024 devices for 300 simulated s (the issue's runs), 10,000 for 60 s. */
export const SCALE_CASES: readonly ScaleCase[] = [
  { sites: 16, horizonS: 300, repeats: 3 },
  { sites: 128, horizonS: 300, repeats: 3 },
  { sites: 1250, horizonS: 60, repeats: 1 },
];

export function scaleBench(
  cliMain: string,
  log: (msg: string) => void,
  cases: readonly ScaleCase[] = SCALE_CASES,
  policies = ['least-loaded', 'epara'],
): { rows: ScaleRow[]; costRatio1024v128: Record<string, number> } {
  const rows: ScaleRow[] = [];
  for (const c of cases) {
    for (const policy of policies) {
      const runs: ScaleRun[] = [];
      for (let k = 0; k < c.repeats; k++) {
        log(`scale: ${c.sites * 8} devices, ${policy}, ${c.horizonS} s, run ${k + 1}/${c.repeats}…`);
        runs.push(runChild(cliMain, c.sites, policy, c.horizonS));
      }
      const wall = runs.map((r) => r.wallS),
        cpu = runs.map((r) => r.cpuS);
      const bestWall = Math.min(...wall),
        bestCpu = Math.min(...cpu);
      const requests = runs[0]!.requests;
      const rss = Math.max(...runs.map((r) => r.peakRssMb));
      rows.push({
        devices: runs[0]!.devices,
        policy,
        horizonS: c.horizonS,
        requests,
        runs: runs.length,
        wallS: [bestWall, Math.max(...wall)],
        cpuS: [bestCpu, Math.max(...cpu)],
        reqPerWallS: Math.round(requests / bestWall),
        reqPerCpuS: Math.round(requests / bestCpu),
        cpuUsPerRequest: Number(((bestCpu * 1e6) / requests).toFixed(2)),
        peakRssMb: rss,
        rssBytesPerRequest: Math.round((rss * 1024 * 1024) / requests),
      });
    }
  }
  const costRatio1024v128: Record<string, number> = {};
  for (const policy of policies) {
    const small = rows.find((r) => r.devices === 128 && r.policy === policy);
    const large = rows.find((r) => r.devices === 1024 && r.policy === policy);
    if (small && large) costRatio1024v128[policy] = Number((large.cpuUsPerRequest / small.cpuUsPerRequest).toFixed(2));
  }
  return { rows, costRatio1024v128 };
}

/** The table as Markdown (what docs/performance.md quotes). */
export function scaleTable(rows: readonly ScaleRow[]): string {
  const lines = [
    '| devices | policy | sim s | requests | wall s (best–worst) | CPU s (best–worst) | req/wall s | req/CPU s | CPU µs/req | peak RSS MB | RSS B/req |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.devices} | ${r.policy} | ${r.horizonS} | ${r.requests} | ${r.wallS[0]}–${r.wallS[1]} | ${r.cpuS[0]}–${r.cpuS[1]} | ${r.reqPerWallS} | ${r.reqPerCpuS} | ${r.cpuUsPerRequest} | ${r.peakRssMb} | ${r.rssBytesPerRequest} |`,
    );
  }
  return lines.join('\n');
}
