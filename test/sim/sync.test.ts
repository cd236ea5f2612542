/** Sync mode: routers see peers as of their last sync message; a silent peer times out. */
import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../policies/index.js';
import { simulate } from '../../sim/index.js';
import { device, fixedPlanPolicy, llmService, scenario } from './fixtures.js';

describe('sync › stale peer views', () => {
  // Ingress is the switch, so every device is a peer. Sync every 1 s; gpu1 crashes at t=20 and
  // stays down. Its last message left at t=19, so routers keep using it until the round at
  // t=23 finds it silent for 3 periods.
  const whole = (d: string) => ({ service: 'chat', stages: [{ device: d, firstLayer: 0, endLayer: 10, gpus: 1 }] });
  const sc = scenario({
    devices: [device('gpu0'), device('gpu1')],
    services: [llmService({ arrivals: { process: 'poisson', ratePerS: 5 } })],
    faults: [{ kind: 'device-crash', device: 'gpu1', atS: 20, recoverAfterS: null }],
    horizonS: 40,
  });
  // Simulated on first use inside a test, not in the describe body (mutation testing: code a
  // describe body runs counts as "static" and makes every mutant in it run the whole test set).
  let ran: { recs: RequestRecord[]; result: ReturnType<typeof simulate> } | undefined;
  const run = () => {
    if (ran !== undefined) return ran;
    const recs: RequestRecord[] = [];
    const result = simulate(sc, {
      policyImpl: fixedPlanPolicy([whole('gpu0'), whole('gpu1')], { periodS: 1, messageBytes: 1000 }),
      records: (r) => recs.push(r),
    });
    ran = { recs, result };
    return ran;
  };

  it('sync › before the first sync › no instance is known ready, requests are dropped', () => {
    const { recs } = run();
    const early = recs.filter((r) => r.arrivalS < 1);
    expect(early.length).toBeGreaterThan(0);
    expect(early.every((r) => r.outcome === 'dropped' && r.reason === 'no-instance')).toBe(true);
    expect(recs.some((r) => r.arrivalS > 2.1 && r.arrivalS < 20 && r.outcome === 'ok')).toBe(true);
  });
  it('sync › crashed peer › requests fail until its silence times out', () => {
    const { recs, result } = run();
    const failedAfter = recs.filter((r) => r.outcome === 'failed' && r.arrivalS > 20);
    expect(failedAfter.length).toBeGreaterThan(0);
    expect(failedAfter.every((r) => r.arrivalS <= 23.01)).toBe(true);
    expect(recs.filter((r) => r.arrivalS > 23.01).every((r) => r.outcome !== 'failed')).toBe(true);
    const t = result.totals;
    expect(t.ok + t.late + t.dropped + t.failed + t.inflight).toBe(t.offered);
  });
});
