/**
 * `--catalog FILE` for sweep and validate (cli/catalog-option.ts): the file's entries are folded
 * into the scenario object's `catalog:` section, so the object validates on its own (as a sweep
 * cell on a worker thread does), the scenario's own entries win, and a bad file is a located error.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withCatalogFile } from '../../cli/catalog-option.js';
import { withSweepCatalog } from '../../cli/commands/sweep.js';
import { CliError } from '../../cli/cli-error.js';
import { readScenarioObject, validateScenarioObject } from '../../scenarios/index.js';
import { expandGrid, loadSweepFile } from '../../sweeps/index.js';
import { ROOT } from '../cli-paths.js';

const FIX = path.join(ROOT, 'test/cli/fixtures');
const SCENARIO = path.join(FIX, 'catalog-scenario.yaml');
const read = (): Record<string, unknown> => {
  const r = readScenarioObject(SCENARIO);
  if (!r.ok) throw new Error('fixture unreadable');
  return r.value as Record<string, unknown>;
};

describe('--catalog folded into a scenario object', () => {
  it('catalog option › a device only the file declares: refused without, accepted with (its profile row kept)', () => {
    expect(validateScenarioObject(read(), SCENARIO).ok).toBe(false);
    const obj = withCatalogFile(read(), SCENARIO, path.join(FIX, 'catalog-extra.yaml'));
    const v = validateScenarioObject(obj, SCENARIO);
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    expect(v.value.devices[0]!.spec.memBandwidthBytesPerS).toBe(900e9);
    const rows = v.value.services[0]!.model.profiles.filter((p) => p.deviceType === 'test-box');
    expect(rows.map((p) => p.decodeTokPerS)).toEqual([300]);
  });

  it("catalog option › the scenario's own catalog entry wins over the file's (run's precedence)", () => {
    const own = read();
    const extra = withCatalogFile({}, SCENARIO, path.join(FIX, 'catalog-extra.yaml'));
    const dev = {
      ...(extra['catalog'] as { devices: Record<string, unknown>[] }).devices[0]!,
      mem_bandwidth_gb_s: 450,
    };
    own['catalog'] = { devices: [dev] };
    const obj = withCatalogFile(own, SCENARIO, path.join(FIX, 'catalog-extra.yaml'));
    const v = validateScenarioObject(obj, SCENARIO);
    expect(v.ok).toBe(true);
    if (v.ok) expect(v.value.devices[0]!.spec.memBandwidthBytesPerS).toBe(450e9);
  });

  it('catalog option › a bad file: CliError naming file, line and field', () => {
    const bad = path.join(FIX, 'catalog-bad.yaml');
    let err: unknown;
    try {
      withCatalogFile(read(), SCENARIO, bad);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CliError);
    expect((err as Error).message).toMatch(
      new RegExp(`${bad.replace(/[.]/g, '\\.')}:6:\\d+: devices\\[0\\]\\.memory_gb_per_gpu`),
    );
  });

  it('catalog option › sweep: every cell carries the catalog; the sweep hash and cell keys change with it', () => {
    const def = loadSweepFile(path.join(FIX, 'catalog-sweep.yaml'));
    expect(def.ok).toBe(true);
    if (!def.ok) return;
    const withCat = withSweepCatalog(def.value, path.join(FIX, 'catalog-extra.yaml'));
    expect(withCat.hash).not.toBe(def.value.hash);
    const before = expandGrid(def.value);
    const after = expandGrid(withCat);
    expect(after.map((c) => c.key)).not.toEqual(before.map((c) => c.key));
    for (const c of after) expect(validateScenarioObject(c.scenario, def.value.baseFile).ok).toBe(true);
    for (const c of before) expect(validateScenarioObject(c.scenario, def.value.baseFile).ok).toBe(false);
  });
});
