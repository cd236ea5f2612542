/**
 * `validateOnTestbed` end to end on a loopback testbed of three real `parasim agent` processes
 * (port 0, own run dir; from the built CLI, kept current by test/global-setup.ts): one policy
 * × one load, a 4 s run with a tiny profile grid. Asserts shape and finiteness, not accuracy
 * (a 4 s run on a loaded machine is noise; the measured figure is in docs/validation.md).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readScenarioObject } from '../../scenarios/index.js';
import {
  parseTestbedSpec,
  testbedDown,
  testbedFromSpec,
  testbedUp,
  type TestbedSpec,
} from '../../runtime/controller/index.js';
import { validateOnTestbed, validationJson } from '../../runtime/validate/index.js';

import { ROOT } from '../cli-paths.js';
import { AGENT_COMMAND, LOOPBACK_TESTBED_YAML } from './loopback-fixture.js';

const COMMAND = AGENT_COMMAND;
const TESTBED = LOOPBACK_TESTBED_YAML('v');
let spec: TestbedSpec;

beforeAll(async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'parasim-validate-'));
  const file = path.join(tmp, 'testbed.yaml');
  fs.writeFileSync(file, TESTBED);
  const s = parseTestbedSpec(TESTBED, file);
  if (!s.ok) throw new Error(JSON.stringify(s.issues));
  spec = s.value;
  const up = await testbedUp(spec, { command: COMMAND, readyTimeoutS: 60 });
  if (!up.ok) throw new Error(up.message);
}, 70_000);

afterAll(async () => {
  if (spec !== undefined) await testbedDown(spec, undefined, 2);
}, 30_000);

describe('validate › loopback testbed', () => {
  it('validate › 1 policy × 1 load, 4 s › a row per metric and a finite goodput error', async () => {
    const read = readScenarioObject(path.join(ROOT, 'scenarios/testbed/loopback-scenario.yaml'));
    if (!read.ok) throw new Error(JSON.stringify(read.issues));
    const r = await validateOnTestbed(read.value, 'loopback-scenario.yaml', testbedFromSpec(spec), {
      policies: ['least-loaded'],
      loads: [1],
      horizonS: 4,
      profileGrid: {
        batches: [1, 2],
        promptTokens: [16, 64],
        outputTokens: 4,
        repeats: 1,
        roundTripIdleGapsMs: [20],
        roundTripIdleSamples: 3,
      },
      replay: { drainS: 5 },
      // A 4-s check of the pipeline: no calibration replay (60 s by default) and no co-location
      // rounds (the llama test and overhead-states.test.ts cover those).
      busyCalibrationS: 0,
      colocation: false,
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const v = r.value;
    expect(v.cells).toHaveLength(1);
    const cell = v.cells[0]!;
    expect(cell.rows.map((x) => `${x.scope}.${x.metric}`)).toEqual([
      'total.goodputRps',
      'total.sloAttainment',
      'chat.goodputRps',
      'chat.sloAttainment',
      'chat.ttftP50S',
      'chat.ttftP99S',
      'chat.tpotP50S',
      'chat.tpotP99S',
      'chat.e2eP50S',
      'chat.e2eP99S',
      'cameras.goodputRps',
      'cameras.sloAttainment',
      'cameras.e2eP50S',
      'cameras.e2eP99S',
    ]);
    // Same arrivals on both sides (same seed and streams), all accounted for live.
    expect(cell.sim.totals.offered).toBe(cell.measured.totals.offered);
    expect(cell.measured.totals.inflight).toBe(0);
    expect(cell.measured.totals.ok).toBeGreaterThan(0);
    expect(Number.isFinite(v.medianAbsGoodputError)).toBe(true);
    expect(v.medianAbsGoodputError).toBe(cell.goodputError);
    // Profiles: 3 device types × (2 prefill + 2 decode LLM rows, 2 segmentation rows).
    expect(v.profiles).toHaveLength(3 * (4 + 2));
    const json = JSON.parse(validationJson(v, 0.5)) as { medianAbsGoodputError: number; cells: unknown[] };
    expect(json.medianAbsGoodputError).toBeCloseTo(v.medianAbsGoodputError, 6);
    process.stderr.write(
      `validate e2e: 4 s run, medianAbsGoodputError ${(v.medianAbsGoodputError * 100).toFixed(1)}%\n`,
    );
  }, 85_000);
});
