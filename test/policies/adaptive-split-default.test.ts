/**
 * Issue 19's done-when for adaptive-split, on the shipped default scenario: a model that fits one
 * device is not cut across the WAN. Runs the simulator for 60 simulated seconds (six re-split
 * periods) and reads every instance the policy loaded from the run's placement changes.
 *
 * With the batching engine this failed: chat moved every period, edge-a100 ↔ a split over the two
 * cloud RTX 4090s (same site, 10GbE — not across the WAN, but not justified either). The engine
 * reports the a100 ~100% busy while chat decodes there (a lane is busy through every batched step;
 * the plan's model counts 0.15), and the policy compared that measurement, which contains chat's
 * own load, against idle cloud GPUs. The policy now removes a service's own share of the measured
 * load before comparing (split-latency.ts withoutOwnLoad) — the load moves with it — and chat
 * stays whole on edge-a100. The split was an artefact, so the test keeps "one device each" and
 * pins the absence of oscillation (6 chat loads in 60 s before the fix).
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
    expect(loads.filter((c) => c.service === 'chat').length).toBeLessThanOrEqual(2);
    expect(res.services['cameras']!.sloAttainment).toBeGreaterThan(0.95);
  });
});
