/**
 * Closed-loop arrivals (`process: closed`): each client has one request outstanding and sends the
 * next one think_s after its previous one ends. Toy model without profile rows (step times from
 * its cost model); weights load in 2 s; links have no latency. Prompt 100, output 3: one request
 * takes a prefill step and two decode steps.
 */
import { describe, expect, it } from 'vitest';
import { simulate } from '../../sim/index.js';
import { CLOSED_RETRY_S } from '../../traces/index.js';
import type { RequestRecord } from '../../policies/index.js';
import { LlmStagePerf } from '../../sim/index.js';
import { deviceSpec, fixedPlanPolicy, llmService, modelSpec, recorder, scenario } from './fixtures.js';

const model = modelSpec();
const cost = new LlmStagePerf(model, deviceSpec(), 1, 1, 1).cost;
const cycle = cost.stepS(100, 0, 0, 5000) + cost.stepS(0, 1, 101, 0) + cost.stepS(0, 1, 102, 0);

const plan = [{ service: 'chat', stages: [{ device: 'gpu0', gpus: 1, firstLayer: 0, endLayer: 10 }] }];

function run(concurrency: number, thinkS: number, horizonS = 20.05) {
  const sc = scenario({
    horizonS,
    services: [
      llmService({ model, arrivals: { process: 'closed', concurrency, thinkS, thinkDist: 'fixed' }, maxBatch: 8 }),
    ],
  });
  const rec = recorder();
  const result = simulate(sc, { records: rec.records, policyImpl: fixedPlanPolicy(plan) });
  return { result, recs: rec.byId.filter((r): r is RequestRecord => r !== undefined) };
}

/** Most requests outstanding (arrived, not yet ended) at any instant. */
function maxOutstanding(recs: readonly RequestRecord[]): number {
  const ev: [number, number][] = [];
  for (const r of recs) {
    ev.push([r.arrivalS, 1]);
    if (Number.isFinite(r.finishS)) ev.push([r.finishS, -1]);
  }
  ev.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let cur = 0;
  let best = 0;
  for (const [, d] of ev) {
    cur += d;
    best = Math.max(best, cur);
  }
  return best;
}

describe('closed-loop arrivals', () => {
  it('closed loop › one client, no think: the next request leaves when the previous ends', () => {
    const { recs } = run(1, 0);
    // Dropped (no ready instance) until t = 2, retried every CLOSED_RETRY_S; then back to back.
    const served = recs.filter((r) => r.outcome === 'ok' || r.outcome === 'late');
    const first = served[0]!.arrivalS;
    expect(first).toBeGreaterThanOrEqual(2);
    expect(first).toBeLessThan(2 + CLOSED_RETRY_S + 1e-9);
    expect(served.length).toBe(Math.floor((20.05 - first) / cycle));
    for (let i = 1; i < recs.length; i++) {
      const prev = recs[i - 1]!;
      const gap = recs[i]!.arrivalS - prev.finishS;
      expect(gap).toBeCloseTo(prev.outcome === 'dropped' ? CLOSED_RETRY_S : 0, 9);
    }
    expect(maxOutstanding(recs)).toBe(1);
  });

  it('closed loop › think time separates a response from the next request', () => {
    const { recs } = run(1, 0.5);
    const served = recs.filter((r) => r.outcome === 'ok' || r.outcome === 'late');
    for (let i = 1; i < recs.length; i++) {
      const prev = recs[i - 1]!;
      expect(recs[i]!.arrivalS - prev.finishS).toBeCloseTo(
        prev.outcome === 'dropped' ? Math.max(0.5, CLOSED_RETRY_S) : 0.5,
        9,
      );
    }
    // Cycles of service + 0.5 s think after the first ready instant.
    expect(served.length).toBeGreaterThanOrEqual(Math.floor((20 - 2 - CLOSED_RETRY_S) / (cycle + 0.5)));
    expect(served.length).toBeLessThanOrEqual(Math.ceil((20.05 - 2) / (cycle + 0.5)));
  });

  it('closed loop › concurrency N keeps exactly N requests outstanding', () => {
    const { recs, result } = run(4, 0);
    expect(maxOutstanding(recs)).toBe(4);
    // Only 4 are ever inflight at the horizon.
    expect(result.services.chat!.inflight).toBeLessThanOrEqual(4);
    // Batching: 4 clients finish more requests than 1 client in the same time.
    const one = run(1, 0).recs.filter((r) => r.outcome === 'ok' || r.outcome === 'late').length;
    expect(recs.filter((r) => r.outcome === 'ok' || r.outcome === 'late').length).toBeGreaterThan(one);
  });

  it('closed loop › same seed, same records', () => {
    const a = run(3, 0.2);
    const b = run(3, 0.2);
    expect(JSON.stringify(a.recs)).toBe(JSON.stringify(b.recs));
  });
});

describe('closed-loop arrivals in YAML', () => {
  it('closed loop › parses with defaults and rejects a bad concurrency with its location', async () => {
    const { parseScenario, formatIssues } = await import('../../scenarios/index.js');
    const text = (arr: string) =>
      [
        'name: x',
        'horizon_s: 10',
        'devices:',
        '  - {id: a, type: rtx-4090}',
        'services:',
        '  - name: s',
        '    kind: llm',
        '    model: llama-3.1-8b-q4',
        '    ingress: a',
        '    slo: {ttft_s: 2, tpot_s: 0.1}',
        `    arrivals: ${arr}`,
        '',
      ].join('\n');
    const ok = parseScenario(text('{process: closed, concurrency: 8}'), 'x.yaml');
    if (!ok.ok) throw new Error(formatIssues(ok.issues));
    expect(ok.value.services[0]!.arrivals).toEqual({
      process: 'closed',
      concurrency: 8,
      thinkS: 0,
      thinkDist: 'fixed',
    });
    const bad = parseScenario(text('{process: closed, concurrency: 0, think_s: 1}'), 'x.yaml');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(formatIssues(bad.issues)).toMatch(/^x\.yaml:11:\d+: services\[0\]\.arrivals\.concurrency/);
  });
});
