/**
 * The `load` axis: a multiplier m on every service's offered load, applied to the plain scenario
 * object (YAML keys). Rates scale by m (poisson/gamma `rate_per_s`, diurnal `mean_rate_per_s`,
 * onoff `on_rate_per_s`); periodic services scale `fps` by m (the stream count stays an integer,
 * and each stream's frames arrive m times as often); trace services scale
 * `transform.rate_scale` by m (compressing inter-arrival times, as the trace reader does);
 * closed-loop services scale `concurrency` by m (rounded, at least 1).
 */
import { isPlainObject } from './plain-object.js';

const RATE_KEYS = ['rate_per_s', 'mean_rate_per_s', 'on_rate_per_s'] as const;

/** Multiplies offered load in place (callers pass a clone). Unknown shapes are left alone for the validator. */
export function scaleLoad(scenario: Record<string, unknown>, m: number): void {
  const services = scenario['services'];
  if (!Array.isArray(services)) return;
  for (const svc of services) {
    if (!isPlainObject(svc) || !isPlainObject(svc['arrivals'])) continue;
    const a = svc['arrivals'];
    if (a['process'] === 'periodic') {
      if (typeof a['fps'] === 'number') a['fps'] = a['fps'] * m;
      continue;
    }
    if (a['process'] === 'closed') {
      // More clients, each with one request outstanding (at least one client).
      if (typeof a['concurrency'] === 'number') a['concurrency'] = Math.max(1, Math.round(a['concurrency'] * m));
      continue;
    }
    if (a['process'] === 'trace') {
      const t = isPlainObject(a['transform']) ? a['transform'] : {};
      const base = typeof t['rate_scale'] === 'number' ? t['rate_scale'] : 1;
      a['transform'] = { ...t, rate_scale: base * m };
      continue;
    }
    for (const k of RATE_KEYS) if (typeof a[k] === 'number') a[k] = (a[k] as number) * m;
  }
}
