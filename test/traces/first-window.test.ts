/** A trace's opening window (cold-start planning): rate and mean request shape, after transforms. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../scenarios/index.js';
import { initialDemand, zeroDemandNotes } from '../../sim/index.js';
import type { ServiceInfo } from '../../policies/index.js';
import { traceFirstWindow, type ArrivalSpec } from '../../traces/index.js';

type TraceSpec = Extract<ArrivalSpec, { process: 'trace' }>;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parasim-first-window-'));
const file = path.join(dir, 'trace.csv');
fs.writeFileSync(file, 't,prompt,out\n0,100,10\n1,200,20\n2,300,30\n5,400,40\n9,500,50\n');
const spec = (extra: Partial<TraceSpec> = {}): TraceSpec => ({
  process: 'trace',
  format: 'csv',
  path: file,
  columns: { time: 't', timeUnit: 's', promptTokens: 'prompt', outputTokens: 'out' },
  ...extra,
});

describe('traces › first window', () => {
  it('first window › 4 s of a hand-written trace › 3 arrivals, their mean tokens', () => {
    expect(traceFirstWindow(spec(), 4)).toEqual({
      windowS: 4,
      arrivals: 3,
      ratePerS: 0.75,
      meanPromptTokens: 200,
      meanOutputTokens: 20,
    });
  });

  it('first window › rate scale 2 and prompt clipping › the transformed stream, as the simulator replays it', () => {
    // times 0, 0.5, 1, 2.5 fall in [0, 4); prompts 100, 200, 300→250, 400→250.
    const w = traceFirstWindow(spec({ transform: { rateScale: 2, maxPromptTokens: 250 } }), 4);
    expect(w.arrivals).toBe(4);
    expect(w.ratePerS).toBe(1);
    expect(w.meanPromptTokens).toBe(200);
    expect(w.meanOutputTokens).toBe(25);
  });

  it('first window › a format without tokens › rate only, no made-up shape', () => {
    const w = traceFirstWindow(spec({ columns: { time: 't', timeUnit: 's' } }), 10);
    expect(w).toMatchObject({ arrivals: 5, ratePerS: 0.5, meanPromptTokens: null, meanOutputTokens: null });
  });

  it('initial demand › default-trace scenario › the chat trace starts at its first-window rate and shape, not 0 and 512/128', () => {
    const loaded = loadScenario(fileURLToPath(new URL('../../scenarios/default-trace.yaml', import.meta.url)));
    if (!loaded.ok) throw new Error('scenario did not load');
    const [chat, tiny] = loaded.value.services;
    const d = initialDemand(chat!, loaded.value.horizonS);
    const w = traceFirstWindow(chat!.arrivals as TraceSpec, 60);
    expect(w.arrivals).toBeGreaterThan(0);
    expect(d.demandRps).toBe(w.ratePerS);
    expect(d.promptTokens).toEqual({ dist: 'fixed', value: w.meanPromptTokens });
    expect(d.outputTokens).toEqual({ dist: 'fixed', value: w.meanOutputTokens });
    expect(d.promptTokens).not.toEqual(chat!.promptTokens);
    // A synthetic service keeps its declared rate and token specs.
    expect(initialDemand(tiny!, 120)).toEqual({
      demandRps: 1,
      promptTokens: tiny!.promptTokens,
      outputTokens: tiny!.outputTokens,
    });
  });

  it('demand-0 note › at t = 0 or after a plan-length window, not after a 1 s health check', () => {
    const svc = (name: string, demandRps: number) => ({ name, demandRps }) as unknown as ServiceInfo;
    const services = [svc('chat', 0), svc('cams', 40)];
    expect(zeroDemandNotes(services, 0, 0)).toEqual(['chat: planned with demand 0 (no demand known at t = 0)']);
    expect(zeroDemandNotes(services, 60, 60)).toEqual([
      'chat: planned with demand 0 (no arrival in the 60 s before a placement)',
    ]);
    expect(zeroDemandNotes(services, 61, 1)).toEqual([]);
  });
});
