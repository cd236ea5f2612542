/**
 * Issue 19's done-when for adaptive-split, on the shipped default scenario: a model that fits one
 * device is not cut across the WAN. Runs the simulator for 60 simulated seconds (six re-split
 * periods) and reads every instance the policy loaded from the run's placement changes.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatIssues, loadScenario } from '../../scenarios/index.js';
import { simulate } from '../../sim/index.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('adaptive-split › scenarios/default.yaml', () => {
  it('adaptive-split › default scenario, 60 s › every camera and chat instance sits on one device', () => {
    const r = loadScenario(path.join(ROOT, 'scenarios/default.yaml'));
    if (!r.ok) throw new Error(formatIssues(r.issues));
    const res = simulate({ ...r.value, horizonS: 60 }, { seed: 1, policy: { name: 'adaptive-split', params: {} } });
    const loads = res.placementChanges.filter((c) => c.action === 'load');
    expect(loads.filter((c) => c.service === 'cameras').length).toBeGreaterThan(0);
    expect(loads.filter((c) => c.service === 'chat').length).toBeGreaterThan(0);
    for (const c of loads) expect(c.devices, `${c.instance} at ${c.timeS} s`).toHaveLength(1);
    expect(res.services['cameras']!.sloAttainment).toBeGreaterThan(0.95);
  });
});
