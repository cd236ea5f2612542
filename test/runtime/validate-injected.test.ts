/**
 * validate against a known injected difference, in process (the live side is stood in for by the
 * simulator itself, so both sides are exact): the simulated side of a validation cell
 * (sim-window.ts, measured like the live replay) runs the same cameras at 1.55× their frame rate,
 * so its goodput is exactly 55% above the "measured" one, and validate must report 55% — in the
 * cell's goodput error, the per-service row, the median and the printed table. A bias on the
 * simulated side (a scaled goodput, a lost drain) changes the hand-computed goodputs below.
 */
import { describe, expect, it } from 'vitest';
import type { ServiceConfig } from '../../scenarios/index.js';
import {
  compareCell,
  medianAbsGoodputError,
  summarizeServices,
  validationJson,
  validationText,
  worstServiceMedian,
  type ValidationReport,
} from '../../runtime/validate/index.js';
import { simulateLikeReplay } from '../../runtime/validate/sim-window.js';
import { modelSpec, scenario } from '../sim/fixtures.js';

/** A camera service: 0.01 s per frame on the test box, a 100 ms deadline — never late at these rates. */
function cameras(fps: number): ServiceConfig {
  return {
    name: 'cams',
    kind: 'segmentation',
    model: modelSpec({
      key: 'toy-seg',
      kind: 'segmentation',
      weightBytes: 1e6,
      kvBytesPerToken: 0,
      flopsPerUnit: 1e9,
      inputBytes: 96,
      outputBytes: 48,
      profiles: [{ deviceType: 'testbox', batch: 1, itemLatencyS: 0.01, source: 'test' }],
    }),
    slo: { kind: 'frame', deadlineS: 0.1 },
    arrivals: { process: 'periodic', streams: 2, fps },
    promptTokens: { dist: 'fixed', value: 1 },
    outputTokens: { dist: 'fixed', value: 1 },
    ingress: 'sw',
    maxBatch: 8,
  };
}

const POLICY = { name: 'round-robin', params: {} };
const H = 20;
const at = (fps: number) => simulateLikeReplay(scenario({ services: [cameras(fps)], horizonS: H }), 1, POLICY, 5);

describe('validate › injected 55% goodput difference', () => {
  // 2 streams, phases in [0, 1/fps): at 5 fps each stream sends frames k = 0..99 before 20 s
  // (200 frames, 10 ok/s); at 7.75 fps frames k = 0..154 (310 frames, 15.5 ok/s).
  const measured = at(5);
  const sim = at(7.75);

  it('sim window › 2 cameras at 5 fps for 20 s › 200 frames, all ok, goodput ok / 20 s = 10/s', () => {
    expect(measured.totals.offered).toBe(200);
    expect(measured.totals.ok).toBe(200);
    expect(measured.totals.goodputRps).toBe(10);
    expect(measured.horizonS).toBe(H);
  });

  it('sim window › the same cameras at 7.75 fps › 310 frames, goodput 15.5/s', () => {
    expect(sim.totals.ok).toBe(310);
    expect(sim.services.cams!.goodputRps).toBeCloseTo(15.5, 12);
  });

  it('compare › sim 55% above measured › goodput error 0.55 for the cell, the service and the median', () => {
    const cell = compareCell('round-robin', 1, sim, measured);
    expect(cell.goodputError).toBeCloseTo(0.55, 12);
    const row = cell.rows.find((r) => r.scope === 'cams' && r.metric === 'goodputRps')!;
    expect(row.relError).toBeCloseTo(0.55, 12);
    expect(row.absError).toBeCloseTo(5.5, 12);
    expect(medianAbsGoodputError([cell])).toBeCloseTo(0.55, 12);
  });

  it('report › the injected difference › printed as 55.0% and failing a 10% threshold', () => {
    const cell = compareCell('round-robin', 1, sim, measured);
    // Assembled as validate.ts assembles it (per-service medians from the same rows).
    const services = summarizeServices([cell]);
    const report: ValidationReport = {
      schema: 'parasim.validation/1',
      scenario: 'test',
      testbed: 'inline',
      seed: 1,
      policies: ['round-robin'],
      loads: [1],
      liveRuns: 1,
      profiles: [],
      cells: [{ ...cell, sim, measured, twinProfiles: {}, twinOverhead: [0, 0], roundTrips: [] }],
      medianAbsGoodputError: medianAbsGoodputError([cell]),
      services,
      medianAbsServiceGoodputError: worstServiceMedian(services, 'goodputRps'),
      medianAbsE2eP50Error: worstServiceMedian(services, 'e2eP50S'),
      medianAbsE2eP99Error: worstServiceMedian(services, 'e2eP99S'),
      medianAbsTtftP99Error: worstServiceMedian(services, 'ttftP99S'),
      overhead: [],
      twinInputs: {
        roundTrip: false,
        calibrationS: 0,
        speedups: {},
        idle: {},
        replayed: {},
        horizonS: 20,
        drainS: 30,
        twinReplicas: 1,
      },
      roundTripFits: {},
      notes: [],
    };
    expect(report.medianAbsServiceGoodputError).toBeCloseTo(0.55, 12);
    const text = validationText(report, 0.1);
    expect(text).toContain('medianAbsGoodputError 55.0%  (> 10.0%: FAIL)');
    expect(text).toMatch(/round-robin\s+1\s+cams\s+goodputRps\s+15\.5\s+10\.0\s+55\.0%/);
    expect(JSON.parse(validationJson(report, 0.1))).toMatchObject({ pass: false, medianAbsGoodputError: 0.55 });
  });
});
