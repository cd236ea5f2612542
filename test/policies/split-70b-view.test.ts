/**
 * The policy side of scenarios/fair/split-70b.yaml (a 70B model on a site whose largest
 * GPU has 24 GB), with the catalog's real figures. Written before the loader admitted models
 * larger than one device (issue 13): the scenario is loaded with one extra AGX Orin, shown dead
 * in the view — kept, since it also checks that no policy places on a dead device.
 * Every policy must cut the model over the 24-GB GPUs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { ClusterView, DeviceState, PlacementPlan } from '../../policies/index.js';
import { planMemoryByDevice, POLICIES } from '../../policies/index.js';
import { formatIssues, validateScenarioObject } from '../../scenarios/index.js';
import { linkStates, serviceInfos } from '../../sim/host/static-views.js';
import { deviceStates } from '../../host/views.js';
import { testRng } from './view-builder.js';

const FILE = path.resolve(import.meta.dirname, '../../scenarios/fair/split-70b.yaml');

function splitView(): ClusterView {
  const raw = parse(fs.readFileSync(FILE, 'utf8')) as { devices: unknown[]; links: unknown[] };
  raw.devices.push({ id: 'crutch', type: 'jetson-agx-orin-64gb' });
  raw.links.push({ a: 'crutch', b: 'site-sw', type: '1gbe' });
  const r = validateScenarioObject(raw, FILE);
  if (!r.ok) throw new Error(formatIssues(r.issues));
  const sc = r.value;
  // The shared host builder, with the crutch shown dead.
  const devices: DeviceState[] = deviceStates(sc, true).map((d) => ({ ...d, alive: d.id !== 'crutch' }));
  return { now: 0, devices, links: linkStates(sc), services: serviceInfos(sc), instances: [] };
}

describe('policies › split-70b view (catalog figures, no device holds the 70B)', () => {
  const v = splitView();
  const big = v.services.find((s) => s.name === 'assistant-70b')!;

  it("split-70b › the model › exceeds every live device's weight budget", () => {
    for (const d of v.devices.filter((x) => x.alive))
      expect(big.model.weightBytes).toBeGreaterThan(d.gpus * d.memoryBytesPerGpu * 0.9);
  });

  it.each(['edgeshard-latency', 'edgeshard-throughput', 'epara', 'adaptive-split'] as const)(
    'split-70b › %s › the 70B is cut over ≥ 2 live devices, contiguous and complete, within memory',
    (name) => {
      const plan: PlacementPlan = POLICIES[name].create({}).place(v, testRng(1));
      const inst = plan.instances.filter((i) => i.service === 'assistant-70b');
      expect(inst.length, plan.reason).toBeGreaterThan(0);
      for (const i of inst) {
        expect(new Set(i.stages.map((s) => s.device)).size).toBeGreaterThanOrEqual(2);
        expect(i.stages.map((s) => s.device)).not.toContain('crutch');
        expect(i.stages[0]!.firstLayer).toBe(0);
        expect(i.stages[i.stages.length - 1]!.endLayer).toBe(big.model.layers);
        i.stages.forEach((s, k) => {
          if (k > 0) expect(s.firstLayer).toBe(i.stages[k - 1]!.endLayer);
        });
      }
      const used = planMemoryByDevice(v, plan.instances);
      for (const d of v.devices)
        expect(used.get(d.id) ?? 0).toBeLessThanOrEqual(d.gpus * d.memoryBytesPerGpu * 0.9 + 1);
    },
  );
});
