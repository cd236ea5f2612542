/**
 * sim/calibrate — `parasim calibrate`: published figures (rows.ts) → one closed-loop scenario per
 * row (row-scenario.ts) → simulated and compared (measure.ts, calibrate.ts).
 */
export { parseCalibrationRows, CALIBRATE_COLUMNS, type CalibrationRow, type Parallelism } from './rows.js';
export { calibrate, median, type CalibrationReport, type ComparedRow, type Metric } from './calibrate.js';
export {
  FRAMEWORK_KEYS,
  MIN_FRAMEWORK_POINTS,
  defaultsPoints,
  fitDefaults,
  fitFrameworkDefaults,
  holdOutByDevice,
  holdOutEachDevice,
  pointErrors,
  type DefaultsPoint,
  type FrameworkDefaults,
  type HoldOut,
} from './fit-defaults.js';
