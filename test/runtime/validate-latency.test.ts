/**
 * The latency side of validation, pure parts: per-service medians over cells, the round-trip fit
 * and how it lands on the simulated links, the catalog-format profile CSV, and the catalog's
 * llama models matching the GGUF files the backend writes. Every expected figure is computed by hand.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODEL_CATALOG, loadScenario } from '../../scenarios/index.js';
import { BUILTIN_LLAMA_MODELS, paramCount, kvBytesPerToken } from '../../runtime/backends/index.js';
import { fitOverhead, parseProfileCsv, profileCsv, type OverheadRow } from '../../runtime/profile/index.js';
import {
  summarizeServices,
  worstServiceMedian,
  withRoundTrip,
  withTestbedFrames,
  type MetricRow,
} from '../../runtime/validate/index.js';
import { ROOT } from '../cli-paths.js';

const r = (scope: string, metric: MetricRow['metric'], relError: number | null): MetricRow => ({
  scope,
  metric,
  sim: 0,
  measured: 0,
  absError: 0,
  relError,
});

describe('validate › per-service medians', () => {
  const cells = [
    {
      rows: [
        r('total', 'goodputRps', 0.9),
        r('chat', 'goodputRps', 0.1),
        r('chat', 'e2eP99S', 0.3),
        r('cam', 'goodputRps', 0),
        r('cam', 'e2eP99S', 0.5),
      ],
    },
    {
      rows: [
        r('chat', 'goodputRps', 0.2),
        r('chat', 'e2eP99S', null),
        r('cam', 'goodputRps', 0.02),
        r('cam', 'e2eP99S', 0.1),
      ],
    },
    {
      rows: [
        r('chat', 'goodputRps', 0.05),
        r('chat', 'e2eP99S', 0.1),
        r('cam', 'goodputRps', 0.04),
        r('cam', 'e2eP99S', 0.2),
      ],
    },
  ];

  it('summarize › three cells › median per service and metric, undefined errors count as infinite, total excluded', () => {
    const s = summarizeServices(cells);
    expect(Object.keys(s)).toEqual(['cam', 'chat']);
    expect(s['chat']).toEqual({ goodputRps: 0.1, e2eP99S: 0.3 }); // [0.05, 0.1, 0.2], [0.1, 0.3, ∞]
    expect(s['cam']).toEqual({ goodputRps: 0.02, e2eP99S: 0.2 });
  });

  it('headline › worst service › max of the per-service medians; NaN when no service has the metric', () => {
    const s = summarizeServices(cells);
    expect(worstServiceMedian(s, 'goodputRps')).toBe(0.1);
    expect(worstServiceMedian(s, 'e2eP99S')).toBe(0.3);
    expect(worstServiceMedian(s, 'ttftP99S')).toBeNaN();
  });
});

const oh = (payloadBytes: number, overheadS: number): OverheadRow => ({
  deviceType: 'x86-vm-core',
  kind: 'llm',
  payloadBytes,
  overheadS,
  source: 't',
});

describe('validate › round trip', () => {
  it('fit › points on a line › recovers intercept and slope, zero residual', () => {
    const f = fitOverhead([oh(0, 0.002), oh(1000, 0.003), oh(3000, 0.005)])!;
    expect(f.interceptS).toBeCloseTo(0.002, 12);
    expect(f.perByteS).toBeCloseTo(1e-6, 15);
    expect(f.maxResidualS).toBeCloseTo(0, 12);
    expect(f.points).toBe(3);
  });

  it('fit › falling overhead › slope clamped at 0, intercept = mean; none › null', () => {
    const f = fitOverhead([oh(100, 0.004), oh(200, 0.002)])!;
    expect(f.perByteS).toBe(0);
    expect(f.interceptS).toBeCloseTo(0.003, 12);
    expect(f.maxResidualS).toBeCloseTo(0.001, 12);
    expect(fitOverhead([])).toBeNull();
  });

  it('states › each device of the type gets its state samples; empty states are left out; links keep their catalog figures', () => {
    const loaded = loadScenario(path.join(ROOT, 'scenarios/testbed/llama-cpu-scenario.yaml'));
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
    const fit = new Map([['x86-vm-core', { interceptS: 0.004, perByteS: 0, maxResidualS: 0, points: 2 }]]);
    const states = new Map([
      [
        'x86-vm-core',
        {
          warm: [0.001],
          afterIdle: [{ idleS: 0.1, samplesS: [0.002] }],
          busy: [0.005],
          busyNeighbourBusy: [],
          neighbourBusy: [],
        },
      ],
    ]);
    const { scenario } = withRoundTrip(loaded.value, fit, states);
    for (const d of scenario.devices) {
      expect(d.requestOverheadS).toEqual([0.001]);
      expect(d.requestOverheadAfterIdle).toEqual([{ idleS: 0.1, samplesS: [0.002] }]);
      expect(d.requestOverheadBusyS).toEqual([0.005]);
      expect(d.requestOverheadNeighbourBusyS).toBeUndefined();
    }
    expect(scenario.links).toEqual(loaded.value.links);
  });

  it('links › device-to-switch links of a fitted type › half the intercept each way, catalog bandwidth kept', () => {
    const loaded = loadScenario(path.join(ROOT, 'scenarios/testbed/llama-cpu-scenario.yaml'));
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
    const before = loaded.value.links;
    const { scenario, notes } = withRoundTrip(
      loaded.value,
      new Map([['x86-vm-core', { interceptS: 0.004, perByteS: 1e-8, maxResidualS: 0, points: 2 }]]),
    );
    expect(scenario.links).toHaveLength(before.length);
    for (const l of scenario.links) {
      expect(l.latencyS).toBeCloseTo(0.002, 12);
      expect(l.bandwidthBps).toBe(before.find((b) => b.id === l.id)!.bandwidthBps); // slope reported, not applied
    }
    expect(notes).toHaveLength(before.length);
    // another device type: nothing changes
    expect(
      withRoundTrip(loaded.value, new Map([['rtx-4090', { interceptS: 1, perByteS: 0, maxResidualS: 0, points: 1 }]]))
        .scenario.links,
    ).toEqual(before);
  });
});

describe('validate › testbed frames', () => {
  it('segmentation services › carry the testbed frame (W×H×3 in, W×H out); LLM services untouched', () => {
    const loaded = loadScenario(path.join(ROOT, 'scenarios/testbed/llama-cpu-scenario.yaml'));
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
    const { scenario, notes } = withTestbedFrames(loaded.value, { width: 32, height: 16 });
    const cams = scenario.services.find((s) => s.name === 'cameras')!;
    expect([cams.model.inputBytes, cams.model.outputBytes]).toEqual([32 * 16 * 3, 32 * 16]);
    expect(scenario.services.find((s) => s.name === 'chat')).toBe(loaded.value.services.find((s) => s.name === 'chat'));
    expect(notes).toEqual([
      'cameras: frames of 32×16 as the testbed sends them (1536 B in, 512 B out; catalog yolo11n-seg: 1228800 B in, 409600 B out)',
    ]);
    expect(MODEL_CATALOG['yolo11n-seg']!.inputBytes).toBe(1228800); // the catalog is not changed
  });
});

describe('profile › catalog-format CSV', () => {
  const rows = [
    { deviceType: 'x86-vm-core', batch: 1, promptTokens: 64, prefillTokPerS: 1200, source: 'measured: a' },
    { deviceType: 'x86-vm-core', batch: 4, promptTokens: 64, decodeTokPerS: 250.5, source: 'measured: "b", c' },
  ];

  it('write › header and rows › device, model, batch, prompt_tokens, prefill_tok_s, decode_tok_s first; reads back the same rows', () => {
    const text = profileCsv('llama-20m', rows);
    expect(text.split('\n')[0]).toBe('device,model,batch,prompt_tokens,prefill_tok_s,decode_tok_s,latency_ms,source');
    expect(text.split('\n')[2]).toBe('x86-vm-core,llama-20m,4,64,,250.5,,"measured: ""b"", c"');
    expect(parseProfileCsv(text, 'p.csv')).toEqual({
      ok: true,
      value: rows.map((r) => ({ model: 'llama-20m', ...r })),
    });
  });

  it("read › model filter › keeps that model's rows", () => {
    const text = `${profileCsv('llama-20m', rows)}x86-vm-core,other,1,16,99,,,x\n`;
    const only = parseProfileCsv(text, 'p.csv', 'llama-20m');
    expect(only.ok && only.value).toHaveLength(2);
    const all = parseProfileCsv(text, 'p.csv');
    expect(all.ok && all.value).toHaveLength(3);
  });

  it('read › bad cells › every issue with file, line and the column', () => {
    const bad = parseProfileCsv('device,model,batch,prompt_tokens,prefill_tok_s\n,m,0,16,-3\n', 'bad.csv');
    expect(bad.ok).toBe(false);
    const text = bad.ok ? '' : bad.issues.join('\n');
    expect(text).toMatch(/bad\.csv:2/);
    expect(text).toMatch(/device/);
    expect(text).toMatch(/batch/);
    expect(text).toMatch(/prefill_tok_s/);
  });
});

describe('catalog › built-in llama models', () => {
  it('catalog entries › same parameters, layers, hidden and KV bytes as the GGUF files the backend writes', () => {
    for (const [key, shape] of Object.entries(BUILTIN_LLAMA_MODELS)) {
      const m = MODEL_CATALOG[key]!;
      expect(m.paramsB * 1e9).toBeCloseTo(paramCount(shape), 0);
      expect(m.layers).toBe(shape.layers);
      expect(m.hidden).toBe(shape.hidden);
      expect(m.kvBytesPerToken).toBe(kvBytesPerToken(shape));
    }
  });

  it('scenario files › both llama testbed files exist and the scenario loads', () => {
    expect(fs.existsSync(path.join(ROOT, 'scenarios/testbed/llama-cpu.yaml'))).toBe(true);
    expect(loadScenario(path.join(ROOT, 'scenarios/testbed/llama-cpu-scenario.yaml')).ok).toBe(true);
  });
});
