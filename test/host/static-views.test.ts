/**
 * The scenario-built parts of a policy view, shared by both hosts (sim/host/static-views.ts):
 * the rate each arrival process declares, the demand a host plans with before any arrival (a
 * trace's first window), the demand-0 notes, the service descriptions and the link states.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ServiceInfo } from '../../policies/index.js';
import { declaredRate, initialDemand, linkStates, serviceInfos, zeroDemandNotes } from '../../sim/host/static-views.js';
import type { ArrivalSpec } from '../../traces/index.js';
import { GB, device, deviceSpec, link, llmService, modelSpec, scenario } from '../sim/fixtures.js';

type TraceSpec = Extract<ArrivalSpec, { process: 'trace' }>;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parasim-static-views-'));
const file = path.join(dir, 'trace.csv');
// 2 arrivals per second for 100 s, prompts 100 and 300, outputs 10 and 30 alternating.
fs.writeFileSync(
  file,
  't,prompt,out\n' +
    Array.from({ length: 200 }, (_, i) => `${i / 2},${i % 2 === 0 ? 100 : 300},${i % 2 === 0 ? 10 : 30}`).join('\n') +
    '\n',
);
const trace = (columns: TraceSpec['columns']): TraceSpec => ({ process: 'trace', format: 'csv', path: file, columns });
const withTokens = trace({ time: 't', timeUnit: 's', promptTokens: 'prompt', outputTokens: 'out' });

describe('static views › declared rate', () => {
  it('rate › each process’s offered rate, requests/s; traces and closed loops 0 (observed later)', () => {
    expect(declaredRate({ process: 'poisson', ratePerS: 3 })).toBe(3);
    expect(declaredRate({ process: 'gamma', ratePerS: 4, cv: 2 })).toBe(4);
    expect(declaredRate({ process: 'diurnal', meanRatePerS: 5, amplitude: 0.5, periodS: 60 })).toBe(5);
    // On 2 s at 6/s, off 1 s: 6 × 2 / 3 = 4/s.
    expect(declaredRate({ process: 'onoff', onRatePerS: 6, meanOnS: 2, meanOffS: 1 })).toBe(4);
    expect(declaredRate({ process: 'periodic', streams: 3, fps: 10 })).toBe(30);
    expect(declaredRate({ process: 'closed', concurrency: 4, thinkS: 0, thinkDist: 'fixed' })).toBe(0);
    expect(declaredRate(withTokens)).toBe(0);
  });
});

describe('static views › initial demand', () => {
  it('trace › the first 60 s: its rate and mean tokens as fixed specs', () => {
    const d = initialDemand(llmService({ arrivals: withTokens }), 1000);
    expect(d).toEqual({
      demandRps: 2,
      promptTokens: { dist: 'fixed', value: 200 },
      outputTokens: { dist: 'fixed', value: 20 },
    });
  });

  it('trace › a run shorter than 60 s reads only the run', () => {
    // 15 s: 30 arrivals in [0, 15): still 2/s; a 60 s window over a 15 s horizon would count 120 / 60.
    expect(initialDemand(llmService({ arrivals: withTokens }), 15).demandRps).toBe(2);
    const sparse = path.join(dir, 'sparse.csv');
    fs.writeFileSync(sparse, 't\n0\n1\n2\n3\n50\n');
    const d = initialDemand(
      llmService({
        arrivals: { process: 'trace', format: 'csv', path: sparse, columns: { time: 't', timeUnit: 's' } },
      }),
      10,
    );
    expect(d.demandRps).toBe(0.4);
  });

  it('trace › without token columns the service keeps its token specs', () => {
    const svc = llmService({ arrivals: trace({ time: 't', timeUnit: 's' }) });
    const d = initialDemand(svc, 1000);
    expect(d).toEqual({ demandRps: 2, promptTokens: svc.promptTokens, outputTokens: svc.outputTokens });
  });
});

describe('static views › demand-0 notes', () => {
  const svc = (name: string, demandRps: number) => ({ name, demandRps }) as unknown as ServiceInfo;
  const services = [svc('chat', 0), svc('cams', 40), svc('idle', 0)];
  it('notes › at t = 0 whatever the window; later only after a window of at least 10 s', () => {
    expect(zeroDemandNotes(services, 0, 0)).toEqual([
      'chat: planned with demand 0 (no demand known at t = 0)',
      'idle: planned with demand 0 (no demand known at t = 0)',
    ]);
    expect(zeroDemandNotes(services, 20, 10)).toEqual([
      'chat: planned with demand 0 (no arrival in the 10 s before a placement)',
      'idle: planned with demand 0 (no arrival in the 10 s before a placement)',
    ]);
    expect(zeroDemandNotes(services, 20, 9.999)).toEqual([]);
    expect(zeroDemandNotes(services, 40, 29.6)[0]).toBe(
      'chat: planned with demand 0 (no arrival in the 30 s before a placement)',
    );
  });
});

describe('static views › service infos and links', () => {
  it('services › model fields, SLO, demand and mean tokens from the initial demand; one perf entry per device type', () => {
    const other = deviceSpec({ key: 'otherbox', flopsPerGpu: 50e12 });
    const sc = scenario({
      devices: [device('a'), device('b'), device('c', other)],
      services: [
        llmService({ arrivals: withTokens, category: { sensitivity: 'latency', gpus: 'single' } }),
        llmService({
          name: 'batch',
          promptTokens: { dist: 'uniform', min: 10, max: 30 },
          outputTokens: { dist: 'lognormal', mean: 50, cv: 1, max: 40 },
          model: modelSpec({ key: 'm2', weightBytes: 3 * GB }),
        }),
      ],
    });
    const [chat, batch] = serviceInfos(sc);
    expect(chat).toMatchObject({
      name: 'chat',
      kind: 'llm',
      demandRps: 2,
      meanPromptTokens: 200,
      meanOutputTokens: 20,
      ingress: 'sw',
      category: { sensitivity: 'latency', gpus: 'single' },
      slo: { kind: 'token', ttftS: 1, tpotS: 0.2 },
      model: {
        id: 'toy-llm',
        kind: 'llm',
        layers: 10,
        weightBytes: 2 * GB,
        kvBytesPerToken: 100_000,
        activationBytesPerToken: 2000,
        inputBytes: 0,
        outputBytes: 0,
      },
    });
    expect(Object.keys(chat!.perf)).toEqual(['testbox', 'otherbox']);
    expect(batch).toMatchObject({ name: 'batch', demandRps: 1, meanPromptTokens: 20, meanOutputTokens: 40 });
    expect(batch!.model.weightBytes).toBe(3 * GB);
    expect('category' in batch!).toBe(false);
  });

  it('links › one state per scenario link, all up, with its bandwidth and latency', () => {
    const sc = scenario({ devices: [device('a')], links: [link('l1', 'a', 'sw', 5e8, 0.002)] });
    expect(linkStates(sc)).toEqual([
      { id: 'l1', a: 'a', b: 'sw', kind: 'ethernet', bandwidthBps: 5e8, latencyS: 0.002, up: true },
    ]);
  });
});
