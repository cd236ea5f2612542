/**
 * The default efficiencies of the step cost (sim/models/llm/calibrate.ts DEFAULT_EFFICIENCY),
 * fitted on the mapped calibration tables — the same rows, read by the same parser, that
 * `parasim calibrate` compares — and checked out of sample by holding devices back.
 *
 * A fit point is a one-device row whose (device, model) pair has no profile rows in the catalog
 * (those pairs are calibrated on their own rows and say nothing about the defaults), predicted by
 * the step cost the way the row was measured (predictRow: S_PP, S_TG or closed-loop output
 * throughput — what the engine does under the row's load, without running it). The loss is the
 * median relative error (least median of squares, Rousseeuw 1984): the headline figure itself,
 * which a minority of rows from odd builds cannot drag.
 */
import type { Catalog, ProfileRow } from '../../scenarios/index.js';
import { calibrate as pairCalibration, fitEfficiency, predictRow, type FitPoint } from '../models/llm/calibrate.js';
import { StepCost, stageFigures, type Efficiency } from '../models/llm/step-cost.js';
import { median } from './calibrate.js';
import type { CalibrationRow } from './rows.js';

/** A fit point and the row it came from (device key, for hold-out by device). */
export interface DefaultsPoint extends FitPoint {
  readonly device: string;
  readonly source: CalibrationRow;
}

/** The points of `rows`: one-device LLM rows of pairs without catalog profile rows. */
export function defaultsPoints(rows: readonly CalibrationRow[], catalog: Catalog): DefaultsPoint[] {
  const out: DefaultsPoint[] = [];
  for (const r of rows) {
    if (r.nodes !== 1) continue;
    const model = catalog.models[r.modelKey];
    const spec = catalog.devices[r.devices[0]!];
    if (model === undefined || spec === undefined || model.kind !== 'llm') continue;
    if (pairCalibration(model, spec).source === 'profile') continue;
    const row: ProfileRow = {
      deviceType: spec.key, batch: r.batch, promptTokens: r.promptTokens, outputTokens: r.outputTokens, source: `line ${r.line}`,
      ...(r.closedLoop ? { closedLoop: true } : {}),
    };
    if (r.prefillTokPerS !== null) out.push({ row, measure: 'prefill', value: r.prefillTokPerS, model, spec, device: spec.key, source: r });
    if (r.decodeTokPerS !== null) {
      out.push({ row, measure: r.closedLoop ? 'closed-loop' : 'decode', value: r.decodeTokPerS, model, spec, device: spec.key, source: r });
    }
  }
  return out;
}

/** |predicted / published − 1| of each point with efficiency `e`. */
export function pointErrors(points: readonly FitPoint[], e: Efficiency): number[] {
  return points.map((p) => Math.abs(predictRow(new StepCost(stageFigures(p.model, p.spec, 1, 1, 1), e), p.row, p.measure) / p.value - 1));
}

/** Least-median fit of (ηbw, ηp, ηd, τ) on `points`, starting from `base`; efficiencies ≤ 1. */
export function fitDefaults(points: readonly FitPoint[], base: Efficiency): { efficiency: Efficiency; medianError: number } {
  const efficiency = fitEfficiency(points, base, null, true, 1);
  return { efficiency, medianError: median(pointErrors(points, efficiency)) ?? NaN };
}

export interface HoldOut {
  /** The two halves of the devices (sorted keys, alternating: no choice by error). */
  readonly halves: readonly [readonly string[], readonly string[]];
  /** Median |error| of each half with the efficiencies fitted on the other half. */
  readonly outOfSample: readonly [number, number];
  /** Median |error| of all points, each predicted by the fit that did not see its device. */
  readonly outOfSampleAll: number;
  /** Median |error| of all points with the fit on all of them (in sample). */
  readonly inSample: number;
}

/**
 * Two-fold hold-out by device: the devices are split into two halves; the defaults fitted on one
 * half predict the other. A model that generalises keeps its error on devices it never saw.
 */
export function holdOutByDevice(points: readonly DefaultsPoint[], base: Efficiency): HoldOut {
  const devices = [...new Set(points.map((p) => p.device))].sort();
  const halves: [string[], string[]] = [devices.filter((_, i) => i % 2 === 0), devices.filter((_, i) => i % 2 === 1)];
  const side = (k: 0 | 1): DefaultsPoint[] => points.filter((p) => halves[k].includes(p.device));
  const fitA = fitDefaults(side(0), base).efficiency;
  const fitB = fitDefaults(side(1), base).efficiency;
  const errA = pointErrors(side(0), fitB);
  const errB = pointErrors(side(1), fitA);
  return {
    halves,
    outOfSample: [median(errA) ?? NaN, median(errB) ?? NaN],
    outOfSampleAll: median([...errA, ...errB]) ?? NaN,
    inSample: fitDefaults(points, base).medianError,
  };
}
