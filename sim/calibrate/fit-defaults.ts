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
import {
  type Catalog,
  FP16_ACCUMULATE_FRAMEWORKS,
  type ProfileRow,
  SERVING_FRAMEWORKS,
  type ServingFramework,
} from '../../scenarios/index.js';
import {
  calibrate as pairCalibration,
  fitEfficiency,
  pointEfficiency,
  predictRow,
  type FitPoint,
  type FittedKey,
} from '../models/llm/calibrate.js';
import { StepCost, stageFigures, type Efficiency } from '../models/llm/step-cost.js';
import { median } from './calibrate.js';
import type { CalibrationRow } from './rows.js';

/** A fit point and the row it came from (device key, for hold-out by device; framework). */
export interface DefaultsPoint extends FitPoint {
  readonly device: string;
  readonly framework: ServingFramework;
  readonly source: CalibrationRow;
}

/** Default efficiencies per serving framework (FRAMEWORK_EFFICIENCY's shape). */
export type FrameworkDefaults = Readonly<Record<ServingFramework, Efficiency>>;

/**
 * What a framework changes: its prefill kernels (ηp) and its fixed cost per step (τ: launches,
 * scheduling, sampling). Bandwidth and decode compute stay the device's generic ones — a
 * framework fitted on all four took its DGX Spark rows' ηd to CPUs (docs/fidelity.md).
 */
export const FRAMEWORK_KEYS = ['etaPrefill', 'overheadS'] as const;

/** Most coordinate-descent passes of one fit. */
const FIT_PASSES = 6;

/** Fewest fit points a framework needs for its own defaults (else it keeps the generic ones). */
export const MIN_FRAMEWORK_POINTS = 12;

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
      deviceType: spec.key,
      batch: r.batch,
      promptTokens: r.promptTokens,
      outputTokens: r.outputTokens,
      source: `line ${r.line}`,
      ...(r.closedLoop ? { closedLoop: true } : {}),
    };
    // The row's n_ubatch is an engine setting the step cost reads off the served model (as a
    // scenario service's `ubatch` does).
    const base = {
      row,
      model: r.ubatch !== null ? { ...model, ubatchTokens: r.ubatch } : model,
      spec,
      device: spec.key,
      framework: r.framework,
      source: r,
      fp16Accumulate: FP16_ACCUMULATE_FRAMEWORKS.includes(r.framework),
    };
    if (r.prefillTokPerS !== null) out.push({ ...base, measure: 'prefill', value: r.prefillTokPerS });
    if (r.decodeTokPerS !== null)
      out.push({ ...base, measure: r.closedLoop ? 'closed-loop' : 'decode', value: r.decodeTokPerS });
  }
  return out;
}

/** |predicted / published − 1| of each point with efficiency `e` (or its framework's in `e`). */
export function pointErrors(points: readonly FitPoint[], e: Efficiency | FrameworkDefaults): number[] {
  const pick = (p: FitPoint): Efficiency => ('etaBw' in e ? e : (e[(p as DefaultsPoint).framework] as Efficiency));
  return points.map((p) =>
    Math.abs(
      predictRow(new StepCost(stageFigures(p.model, p.spec, 1, 1, 1), pointEfficiency(pick(p), p)), p.row, p.measure) /
        p.value -
        1,
    ),
  );
}

/** Least-median fit of (ηbw, ηp, ηd, τ) on `points`, starting from `base`; efficiencies ≤ 1. */
export function fitDefaults(
  points: readonly DefaultsPoint[],
  base: Efficiency,
  keys?: readonly FittedKey[],
): { efficiency: Efficiency; medianError: number } {
  // The median loss is flat in places, so one coordinate-descent pass stops where its start
  // leads; passes restart from the best point until one no longer improves it (at most FIT_PASSES).
  let efficiency = base;
  let err = median(pointErrors(points, base)) ?? NaN;
  for (let pass = 0; pass < FIT_PASSES; pass++) {
    const next = fitEfficiency(points, efficiency, null, true, 1, keys);
    const e = median(pointErrors(points, next)) ?? NaN;
    if (!(e < err - 1e-6)) break;
    efficiency = next;
    err = e;
  }
  return { efficiency, medianError: err };
}

/**
 * The generic defaults fitted on every point, then each framework's on its own points starting
 * from the generic ones (a framework with fewer than MIN_FRAMEWORK_POINTS keeps them).
 */
export function fitFrameworkDefaults(points: readonly DefaultsPoint[], base: Efficiency): FrameworkDefaults {
  // From a few starts (bandwidth 100 / 95 / 90 % of base, ηd base or 2.5×): the median loss has
  // local minima a single start stops in; the set with the lowest median over all points is kept.
  let best: FrameworkDefaults | null = null;
  let bestErr = Infinity;
  for (const bw of [1, 0.95, 0.9]) {
    for (const d of [1, 2.5]) {
      const sets = frameworkSets(
        points,
        fitDefaults(points, { ...base, etaBw: bw * base.etaBw, etaDecode: d * base.etaDecode }).efficiency,
      );
      const err = median(pointErrors(points, sets)) ?? NaN;
      if (err < bestErr - 1e-6) {
        bestErr = err;
        best = sets;
      }
    }
  }
  return best ?? frameworkSets(points, base);
}

/** Each framework's (ηp, τ) fitted on its own points around `generic`. */
function frameworkSets(points: readonly DefaultsPoint[], generic: Efficiency): FrameworkDefaults {
  const out = Object.fromEntries(SERVING_FRAMEWORKS.map((f) => [f, generic])) as Record<ServingFramework, Efficiency>;
  for (const f of SERVING_FRAMEWORKS) {
    if (f === 'generic') continue;
    const own = points.filter((p) => p.framework === f);
    // The framework's FP16-accumulate property is declared, not fitted (scenarios/frameworks.ts).
    const base = FP16_ACCUMULATE_FRAMEWORKS.includes(f) ? { ...generic, fp16Accumulate: true } : generic;
    out[f] = own.length >= MIN_FRAMEWORK_POINTS ? fitDefaults(own, base, FRAMEWORK_KEYS).efficiency : base;
  }
  return out;
}

export interface HoldOut {
  /** The two halves of the devices (sorted keys, alternating: no choice by error). */
  readonly halves: readonly [readonly string[], readonly string[]];
  /** Median |error| of each half with the defaults fitted on the other half. */
  readonly outOfSample: readonly [number, number];
  /** Median |error| of all points, each predicted by the fit that did not see its device. */
  readonly outOfSampleAll: number;
  /** Median |error| of all points with the fit on all of them (in sample). */
  readonly inSample: number;
}

/**
 * Two-fold hold-out by device: the devices are split into two halves; the defaults (generic and
 * per framework) fitted on one half predict the other. A model that generalises keeps its error
 * on devices it never saw.
 */
export function holdOutByDevice(points: readonly DefaultsPoint[], base: Efficiency): HoldOut {
  const devices = [...new Set(points.map((p) => p.device))].sort();
  const halves: [string[], string[]] = [devices.filter((_, i) => i % 2 === 0), devices.filter((_, i) => i % 2 === 1)];
  const side = (k: 0 | 1): DefaultsPoint[] => points.filter((p) => halves[k].includes(p.device));
  const fitA = fitFrameworkDefaults(side(0), base);
  const fitB = fitFrameworkDefaults(side(1), base);
  const errA = pointErrors(side(0), fitB);
  const errB = pointErrors(side(1), fitA);
  return {
    halves,
    outOfSample: [median(errA) ?? NaN, median(errB) ?? NaN],
    outOfSampleAll: median([...errA, ...errB]) ?? NaN,
    inSample: median(pointErrors(points, fitFrameworkDefaults(points, base))) ?? NaN,
  };
}

/**
 * Leave-one-device-out (each device predicted by the defaults fitted on all the others): what the
 * shipped defaults — fitted on every device we have — do on one more device the catalog does not
 * profile. Less pessimistic than `holdOutByDevice`, whose fits see half the devices.
 */
export function holdOutEachDevice(
  points: readonly DefaultsPoint[],
  base: Efficiency,
): { readonly byDevice: Readonly<Record<string, number>>; readonly outOfSampleAll: number } {
  const devices = [...new Set(points.map((p) => p.device))].sort();
  const all: number[] = [];
  const byDevice: Record<string, number> = {};
  for (const d of devices) {
    const fit = fitFrameworkDefaults(
      points.filter((p) => p.device !== d),
      base,
    );
    const errs = pointErrors(
      points.filter((p) => p.device === d),
      fit,
    );
    byDevice[d] = median(errs) ?? NaN;
    all.push(...errs);
  }
  return { byDevice, outOfSampleAll: median(all) ?? NaN };
}
