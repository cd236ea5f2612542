import { describe, expect, it } from 'vitest';
import { simulate } from '../../sim/index.js';
import { scenario } from './fixtures.js';

describe('simulate › smoke', () => {
  it('simulate › one device, poisson chat › every request has an outcome', () => {
    const r = simulate(scenario({ horizonS: 100 }));
    const t = r.totals;
    expect(t.offered).toBeGreaterThan(50);
    expect(t.ok + t.late + t.dropped + t.failed + t.inflight).toBe(t.offered);
  });
});
