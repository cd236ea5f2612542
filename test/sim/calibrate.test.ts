/**
 * `calibrate` and tensor parallelism across devices: the table parser's located errors, the
 * report's shape, the sync cost against its formula computed by hand, and scaling that
 * saturates or reverses on slow links as published.
 */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { builtinCatalog, formatIssues, parseScenario } from '../../scenarios/index.js';
import { ROOT } from '../cli-paths.js';
import { calibrate, parseCalibrationRows, simulate } from '../../sim/index.js';
import { syncS } from '../../sim/parallel/tensor-parallel.js';

const C = builtinCatalog();
const HEAD =
  'device_key,model_key,nodes,parallelism,link_key,batch,prompt_tokens,output_tokens,prefill_tok_s,decode_tok_s,notes';

describe('calibrate › table', () => {
  it('calibrate › bad rows › every problem located by line and column, did-you-mean on keys', () => {
    const text = [
      HEAD,
      'raspberry-pi-5-8gb,llama-2-7b-q4,2,,1gbe,1,,,,2.0,x',
      'rasberry-pi-5-8gb,llama-2-7b-q4,1,,,1,,,,2.0,x',
      'raspberry-pi-5-8gb,llama-2-7b-q4,4,tp,,0,,,,-1,x',
      '',
    ].join('\n');
    const r = parseCalibrationRows(text, 'T.csv', C);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(formatIssues(r.issues).split('\n')).toEqual([
        'T.csv:2:4: parallelism: nodes is 2 but parallelism is empty; set tp or pp',
        'T.csv:3:1: device_key: unknown device "rasberry-pi-5-8gb"; did you mean "raspberry-pi-5-8gb"?',
        'T.csv:4:5: link_key: nodes is 4 but link_key is empty; the link joining each node to the switch',
        'T.csv:4:6: batch: expected an integer ≥ 1, got "0"',
        'T.csv:4:10: decode_tok_s: expected a positive tok/s figure, got "-1"',
      ]);
    }
  });

  it('calibrate › report › rows, medians and unexpressible rows with their reason', () => {
    const text = [
      HEAD,
      'rtx-3090,llama-2-7b-q4,1,none,,1,512,128,2601.81,120.6,one',
      'raspberry-pi-5-8gb,llama-2-70b-q4,1,,,1,,,,1.0,too big',
      '',
    ].join('\n');
    const rows = parseCalibrationRows(text, 'T.csv', C);
    if (!rows.ok) throw new Error(formatIssues(rows.issues));
    const rep = calibrate(rows.value, C, 'T.csv');
    expect(rep.rows.map((r) => [r.line, r.metric])).toEqual([
      [2, 'prefill_tok_s'],
      [2, 'decode_tok_s'],
    ]);
    for (const r of rep.rows) {
      expect(r.simulated).toBeGreaterThan(0);
      expect(r.relError).toBeCloseTo((r.simulated - r.published) / r.published, 3);
    }
    const errs = rep.rows.map((r) => Math.abs(r.relError)).sort((a, b) => a - b);
    expect(rep.medianAbsRelError).toBeCloseTo((errs[0]! + errs[1]!) / 2, 3);
    expect(rep.worstAbsRelError).toBeCloseTo(errs[1]!, 3);
    expect(rep.unexpressible).toHaveLength(1);
    expect(rep.unexpressible[0]!.line).toBe(3);
    expect(rep.unexpressible[0]!.reason).toContain('no device can hold service bench');
  });
});

describe('tensor parallel › across devices', () => {
  const model = C.models['llama-2-7b-q4']!;
  const link = (latencyS: number, bandwidthBps: number, kind: 'ethernet' | 'wifi' = 'ethernet') => ({
    id: 'l',
    a: 'x',
    b: 'sw',
    spec: { ...C.links['1gbe']!, kind },
    bandwidthBps,
    latencyS,
    lossRate: 0,
  });

  it('tensor parallel › sync › 2·path latency + (n−1)·(bytes/bandwidth + per message) + per sync (TCP)', () => {
    const l = link(100e-6, 928e6);
    const n = 4;
    const tokens = 3;
    const bytes = tokens * 4096 * 2;
    const expected = 2 * 200e-6 + (n - 1) * ((bytes * 8) / 928e6 + 90e-6) + 110e-6;
    expect(syncS(model, n, [l, l, l, l], false, tokens)).toBeCloseTo(expected, 12);
    expect(syncS(model, 1, [l], false, tokens)).toBe(0);
  });

  /** Decode tok/s of the 7B on n Pi 5 over `linkKey`, through calibrate. */
  function decode(n: number, linkKey: string): number {
    const row =
      n === 1
        ? 'raspberry-pi-5-8gb,llama-2-7b-q4,1,none,,1,16,32,,1,x'
        : `raspberry-pi-5-8gb,llama-2-7b-q4,${n},tp,${linkKey},1,16,32,,1,x`;
    const rows = parseCalibrationRows(`${HEAD}\n${row}\n`, 'T.csv', C);
    if (!rows.ok) throw new Error(formatIssues(rows.issues));
    const rep = calibrate(rows.value, C, 'T.csv');
    if (rep.rows.length === 0) throw new Error(JSON.stringify(rep.unexpressible));
    return rep.rows[0]!.simulated;
  }

  it('tensor parallel › scaling › speeds up over Ethernet, saturates over Wi-Fi, reverses over Bluetooth LE', () => {
    const one = decode(1, '1gbe');
    const gbe = [2, 4].map((n) => decode(n, '1gbe'));
    expect(gbe[0]!).toBeGreaterThan(one);
    expect(gbe[1]!).toBeGreaterThan(gbe[0]!);
    expect(gbe[1]! / one).toBeLessThan(4); // syncs and their contention keep it below linear
    const wifi = [2, 4].map((n) => decode(n, 'wifi5'));
    expect(wifi[1]! / wifi[0]!).toBeLessThan(1.15); // per-layer latency dominates: doubling the nodes buys little
    const ble = [2, 4].map((n) => decode(n, 'ble-2m'));
    expect(ble[1]!).toBeLessThan(ble[0]!); // the root's link serialises n − 1 messages per sync
  });
});

describe('tensor parallel › accounting', () => {
  it('tensor parallel › four Pis › every member is as busy as the root', () => {
    const file = path.join(ROOT, 'scenarios', 'pi-cluster-tp.yaml');
    const r = parseScenario(fs.readFileSync(file, 'utf8').replace('horizon_s: 600', 'horizon_s: 120'), file);
    if (!r.ok) throw new Error(formatIssues(r.issues));
    const util = Object.values(simulate(r.value).devices).map((d) => d.utilization);
    expect(util).toHaveLength(4);
    expect(util[0]!).toBeGreaterThan(0.1);
    for (const u of util) expect(u).toBeCloseTo(util[0]!, 9);
  });
});

describe('tensor parallel › faults', () => {
  it('tensor parallel › a peer crashes › the group fails and device-group re-places over the survivors', () => {
    const file = path.join(ROOT, 'scenarios', 'pi-cluster-tp.yaml');
    const text = `${fs.readFileSync(file, 'utf8')}faults:\n  - { kind: device-crash, device: pi-2, at_s: 100 }\n`;
    const r = parseScenario(text.replace('horizon_s: 600', 'horizon_s: 300'), file);
    if (!r.ok) throw new Error(formatIssues(r.issues));
    const res = simulate(r.value);
    const changes = res.placementChanges.map((c) => `${c.action} ${c.devices.join('+')}`);
    expect(changes).toContain('load pi-0+pi-1+pi-2+pi-3');
    expect(changes).toContain('failed pi-0+pi-1+pi-2+pi-3');
    expect(changes).toContain('load pi-0+pi-1+pi-3');
  });
});

describe('pipeline › across devices', () => {
  function rate(batch: number): number {
    const rows = parseCalibrationRows(
      `${HEAD}\nraspberry-pi-5-8gb,llama-2-13b-q4,4,pp,1gbe,${batch},64,32,,1,x\n`,
      'T.csv',
      C,
    );
    if (!rows.ok) throw new Error(formatIssues(rows.issues));
    const rep = calibrate(rows.value, C, 'T.csv');
    if (rep.rows.length === 0) throw new Error(JSON.stringify(rep.unexpressible));
    return rep.rows[0]!.simulated;
  }

  it('pipeline › micro-batching › four sequences keep four stages busy at once', () => {
    const one = rate(1);
    const four = rate(4);
    // Sequential stages would give ≈ 1× (a memory-bound step barely grows with the batch);
    // overlapped micro-batches approach 4× less the fill and drain of the pipeline.
    expect(four / one).toBeGreaterThan(1.8);
    expect(four / one).toBeLessThan(4);
  });
});

describe('loader › models larger than one device', () => {
  const text = (policy: string): string =>
    [
      'name: t',
      'horizon_s: 10',
      `policy: { name: ${policy} }`,
      'switches: [lan]',
      'devices:',
      '  - { id: gpu, type: rtx-3090, count: 2 }',
      'links:',
      '  - { a: gpu, b: lan, type: pcie4-x16 }',
      'services:',
      '  - name: big',
      '    kind: llm',
      '    model: llama-2-70b-q4',
      '    ingress: lan',
      '    slo: { ttft_s: 5, tpot_s: 0.5 }',
      '    arrivals: { process: poisson, rate_per_s: 0.1 }',
      '',
    ].join('\n');

  it('loader › a splitting policy › accepts a model the devices hold together', () => {
    const r = parseScenario(text('edgeshard-throughput'), 'F');
    if (!r.ok) throw new Error(formatIssues(r.issues));
  });

  it('loader › a whole-model policy › refuses, naming the policies that can split', () => {
    const r = parseScenario(text('edge-solo'), 'F');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(formatIssues(r.issues)).toMatch(
        /no device can hold service big .*; policy edge-solo places whole models; epara, edgeshard-latency, edgeshard-throughput, cloud-edge-even, cloud-edge-opt, adaptive-split, device-group can split it across devices$/,
      );
    }
  });
});
