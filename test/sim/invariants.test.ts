/**
 * INV-1 conservation, INV-2 causality, INV-3 determinism, INV-4 stream independence
 * (docs/invariants.md), and device crashes.
 */
import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../policies/index.js';
import { resultToJson, simulate } from '../../sim/index.js';
import { device, link, llmService, recorder, scenario } from './fixtures.js';

function conserved(r: ReturnType<typeof simulate>): void {
  for (const s of [r.totals, ...Object.values(r.services)]) {
    expect(s.ok + s.late + s.dropped + s.failed + s.inflight).toBe(s.offered);
  }
}

function causal(recs: readonly RequestRecord[]): void {
  for (const r of recs) {
    if (!Number.isNaN(r.startS)) expect(r.startS).toBeGreaterThanOrEqual(r.arrivalS);
    if (!Number.isNaN(r.firstTokenS)) expect(r.firstTokenS).toBeGreaterThanOrEqual(r.startS);
    if (!Number.isNaN(r.finishS)) {
      expect(r.finishS).toBeGreaterThanOrEqual(r.arrivalS);
      if (!Number.isNaN(r.firstTokenS)) expect(r.finishS).toBeGreaterThanOrEqual(r.firstTokenS);
    }
    if (r.outcome === 'inflight') expect(r.finishS).toBeNaN();
  }
}

const busy = () =>
  scenario({
    devices: [device('gpu0'), device('gpu1')],
    services: [
      llmService({
        arrivals: { process: 'poisson', ratePerS: 12 },
        outputTokens: { dist: 'lognormal', mean: 40, cv: 1, max: 200 },
      }),
    ],
    horizonS: 60,
  });

describe('invariants › crash', () => {
  const sc = { ...busy(), faults: [{ kind: 'device-crash' as const, device: 'gpu0', atS: 20, recoverAfterS: 10 }] };
  const rec: RequestRecord[] = [];
  const result = simulate(sc, { records: (r) => rec.push(r) });

  it('crash › running device fails › its requests fail with reason device-crash', () => {
    const failed = rec.filter((r) => r.outcome === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((r) => r.reason === 'device-crash' && r.devices.includes('gpu0'))).toBe(true);
    expect(failed.every((r) => r.finishS === 20)).toBe(true);
    expect(result.services.chat!.dropReasons['device-crash']).toBe(failed.length);
  });
  it('crash › every request › exactly one outcome (INV-1) and causal times (INV-2)', () => {
    conserved(result);
    expect(rec.length).toBe(result.totals.offered);
    expect(new Set(rec.map((r) => r.id)).size).toBe(rec.length);
    causal(rec);
  });
  it('crash › recovery › the policy re-places and the device serves again', () => {
    const actions = result.placementChanges
      .filter((c) => c.devices.includes('gpu0'))
      .map((c) => `${c.timeS}:${c.action}`);
    expect(actions).toEqual(['0:load', '2:ready', '20:failed', '30:load', '32:ready']);
    expect(
      rec.some((r) => r.devices.includes('gpu0') && r.startS > 32 && (r.outcome === 'ok' || r.outcome === 'late')),
    ).toBe(true);
  });
});

describe('invariants › horizon', () => {
  it('horizon › overloaded device › unfinished requests are counted inflight, never hidden', () => {
    const sc = scenario({
      services: [
        llmService({ arrivals: { process: 'poisson', ratePerS: 50 }, outputTokens: { dist: 'fixed', value: 200 } }),
      ],
      horizonS: 5,
    });
    const rec = recorder();
    const r = simulate(sc, rec);
    expect(r.totals.inflight).toBeGreaterThan(0);
    conserved(r);
    causal(rec.byId);
  });
});

describe('invariants › determinism', () => {
  it('determinism › same seed › identical JSON bytes', () => {
    expect(resultToJson(simulate(busy()))).toBe(resultToJson(simulate(busy())));
  });
  it('determinism › another seed › different JSON', () => {
    expect(resultToJson(simulate(busy(), { seed: 2 }))).not.toBe(resultToJson(simulate(busy())));
  });
  it('determinism › an unrelated device and service added › arrival times of chat unchanged (INV-4)', () => {
    const a = recorder();
    simulate(busy(), a);
    const base = busy();
    const b = recorder();
    simulate(
      {
        ...base,
        devices: [...base.devices, device('pi')],
        links: [...base.links, link('l-pi', 'pi', 'sw', 1e9, 0.001)],
        services: [...base.services, llmService({ name: 'other', ingress: 'sw' })],
      },
      b,
    );
    const chatA = a.byId.filter((r) => r.service === 'chat').map((r) => [r.arrivalS, r.promptTokens, r.outputTokens]);
    const chatB = b.byId.filter((r) => r.service === 'chat').map((r) => [r.arrivalS, r.promptTokens, r.outputTokens]);
    expect(chatB).toEqual(chatA);
    expect(chatA.length).toBeGreaterThan(100);
  });
});
