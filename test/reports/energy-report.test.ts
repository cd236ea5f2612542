/**
 * Issue 18: the report shows energy per request per service for every policy — built from real
 * simulations of the default scenario (short horizon), not fixtures, so the figure's numbers are
 * the simulator's per-service energy fields.
 */
import { describe, expect, it } from 'vitest';
import { buildReport, groupEntries } from '../../reports/index.js';
import { energyFigure } from '../../reports/figures-energy.js';
import { policyColors } from '../../reports/colors.js';
import { planFigure } from '../../reports/plan.js';
import { loadScenario } from '../../scenarios/index.js';
import { simulate } from '../../sim/index.js';

const PLOTLY_STUB = 'window.Plotly={newPlot(){}};';

describe('energy in the report', () => {
  it('report › default scenario, two policies › an energy-per-request figure per service with a series per policy', () => {
    const loaded = loadScenario('scenarios/default.yaml');
    if (!loaded.ok) throw new Error('default scenario does not load');
    const sc = { ...loaded.value, horizonS: 30, timelineBucketS: 10 };
    const entries = ['round-robin', 'least-loaded'].map((policy) => {
      const result = simulate(sc, { policy: { name: policy, params: {} } });
      return { source: 's', key: policy, policy, load: 1, seed: sc.seed, coords: {}, result };
    });
    for (const e of entries)
      for (const s of Object.values(e.result.services)) expect(typeof s.energyPerRequestJ).toBe('number');
    const g = groupEntries(entries);
    const fig = energyFigure(g, 'cameras', policyColors(g.policies))!;
    const lines = fig.data.filter((t) => t['mode'] === 'lines+markers');
    expect(lines.map((t) => t['name'])).toEqual(['least-loaded', 'round-robin']);
    const y = lines.map((t) => (t['y'] as number[])[0]!);
    expect(y[1]).toBeCloseTo(entries[0]!.result.services['cameras']!.energyPerRequestJ!, 3);
    const html = buildReport({ entries, plotlySource: PLOTLY_STUB });
    expect(html).toContain('cameras: energy per request vs');
    expect(html).toContain('chat: energy per request vs');
    expect(html).toContain('energy J per request per service');
  });
  it('plan figure › bars are the counts, none for an unmet type', () => {
    const f = planFigure({
      service: 'cams',
      target: 0.99,
      link: '1gbe',
      answers: [
        { deviceType: 'a', count: 4, attainment: 1, energyPerRequestJ: 1.3, probes: [] },
        { deviceType: 'b', count: null, attainment: 0.5, energyPerRequestJ: null, probes: [] },
      ],
    });
    expect(f.data[0]!['y']).toEqual([4, null]);
    expect(f.data[0]!['text']).toEqual(['4', 'none']);
  });
});
