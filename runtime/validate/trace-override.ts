/**
 * Validation with another trace (`parasim validate --trace FILE [--trace-format F]
 * [--trace-service S] [--trace-start-s T] [--trace-rate R]`): the scenario's trace service replays
 * FILE instead of its own trace, from second T of it (default 0), at a mean rate of R req/s over
 * the validated horizon (default: the rate the scenario's own trace gives there — what the
 * testbed was sized for). The token clipping of the scenario stays (the agents' context fits it).
 * The rate is reached by `rate_scale` (trace times are divided by it): the horizon h must hold
 * K = R·h arrivals, so the scale = W / h for the shortest span W of the trace from T holding K
 * of them (counted with the simulator's trace reader, traces/first-window.ts; a bursty trace
 * makes a ratio of mean rates miss), so one command works on a trace of any format and intensity. The window is left LOAD_ROOM times longer than
 * the horizon needs, so validate's load axis (which multiplies `rate_scale`) still fills it. Works on the plain YAML object, before validation; returns
 * issues (never throws) for a bad file, format or service.
 */
import path from 'node:path';
import { formatIssues, isPlainObject, validateScenarioObject, type Scenario } from '../../scenarios/index.js';
import { traceFirstWindow } from '../../traces/index.js';

/** Loads up to this multiple of the base rate still find arrivals over the whole horizon. */
const LOAD_ROOM = 8;

export interface TraceOverride {
  /** Trace file (relative to the working directory). */
  readonly path: string;
  /** Trace format (default: the scenario's). */
  readonly format?: string;
  /** Service whose arrivals are replaced (default: the scenario's only trace service). */
  readonly service?: string;
  /** Second of the trace the window starts at (default 0). */
  readonly startS?: number;
  /** Mean arrival rate over the horizon, req/s (default: the scenario's own trace's). */
  readonly ratePerS?: number;
}

export type OverrideResult =
  | { readonly ok: true; readonly value: Record<string, unknown>; readonly note: string }
  | { readonly ok: false; readonly issues: readonly string[] };

type TraceSpec = Extract<Scenario['services'][number]['arrivals'], { process: 'trace' }>;

function traceSpecOf(obj: Record<string, unknown>, file: string, service: string): TraceSpec | string {
  const v = validateScenarioObject(obj, file);
  if (!v.ok) return formatIssues(v.issues);
  const svc = v.value.services.find((s) => s.name === service);
  return svc?.arrivals.process === 'trace' ? svc.arrivals : `${file}: service ${service} does not replay a trace`;
}

/** Mean rate of the (transformed) trace over [0, horizonS), req/s; a string on a bad file. */
function meanRate(spec: TraceSpec, horizonS: number): number | string {
  try {
    return traceFirstWindow(spec, horizonS).ratePerS;
  } catch (e) {
    return `${spec.path}: ${e instanceof Error ? e.message : String(e)}`;
  }
}

export function withTraceOverride(
  base: unknown,
  file: string,
  o: TraceOverride,
  horizonS: number | undefined,
): OverrideResult {
  if (!isPlainObject(base)) return { ok: false, issues: [`${file}: a scenario is a YAML mapping`] };
  const services = Array.isArray(base['services']) ? (base['services'] as unknown[]).filter(isPlainObject) : [];
  const traced = services.filter((s) => isPlainObject(s['arrivals']) && s['arrivals']['process'] === 'trace');
  const name = o.service ?? (traced.length === 1 ? String(traced[0]!['name']) : undefined);
  if (name === undefined)
    return {
      ok: false,
      issues: [`${file}: --trace needs --trace-service: the scenario has ${traced.length} trace services`],
    };
  const svc = traced.find((s) => s['name'] === name);
  if (svc === undefined) return { ok: false, issues: [`${file}: no trace service named ${name}`] };
  const h = horizonS ?? Number(base['horizon_s']);
  const own = traceSpecOf(base, file, name);
  if (typeof own === 'string') return { ok: false, issues: [own] };
  const target = o.ratePerS ?? meanRate(own, h);
  if (typeof target === 'string') return { ok: false, issues: [target] };

  const arrivals = svc['arrivals'] as Record<string, unknown>;
  const transform = isPlainObject(arrivals['transform']) ? arrivals['transform'] : {};
  const start = o.startS ?? 0;
  const next = (scale: number): Record<string, unknown> => {
    const obj = structuredClone(base);
    const s = (obj['services'] as Record<string, unknown>[]).find((x) => x['name'] === name)!;
    const a = s['arrivals'] as Record<string, unknown>;
    a['path'] = path.resolve(o.path);
    if (o.format !== undefined) a['format'] = o.format;
    delete a['columns'];
    a['transform'] = {
      ...transform,
      window_s: { start_s: start, end_s: start + LOAD_ROOM * h * scale },
      rate_scale: scale,
    };
    return obj;
  };
  // The horizon must hold K = R·h arrivals: find the shortest span W of the trace (from `start`,
  // at scale 1) holding K of them (a count monotone in W: bisection), then scale = W / h.
  const spec = traceSpecOf(next(1), file, name);
  if (typeof spec === 'string') return { ok: false, issues: [spec] };
  const k = Math.max(1, Math.round(target * h));
  const count = (w: number): number | string => {
    try {
      return traceFirstWindow(
        { ...spec, transform: { ...spec.transform, windowS: { startS: start, endS: start + w } } },
        w,
      ).arrivals;
    } catch (e) {
      return `${spec.path}: ${e instanceof Error ? e.message : String(e)}`;
    }
  };
  const inH = count(h);
  if (typeof inH === 'string') return { ok: false, issues: [inH] };
  let hi = h;
  for (let n = inH; n < k; hi *= 2) {
    if (hi > 1e8)
      return {
        ok: false,
        issues: [`${o.path}: fewer than ${k} arrivals from ${start} s of the trace (--trace-start-s, --trace-rate)`],
      };
    const c = count(hi * 2);
    if (typeof c === 'string') return { ok: false, issues: [c] };
    n = c;
  }
  let lo = 0;
  for (let i = 0; i < 50 && hi - lo > 1e-6 * hi; i++) {
    const mid = (lo + hi) / 2;
    const c = count(mid);
    if (typeof c === 'string') return { ok: false, issues: [c] };
    if (c >= k) hi = mid;
    else lo = mid;
  }
  const scale = hi / h;
  const own0 = inH / h;
  return {
    ok: true,
    value: next(scale),
    note: `${name}: replays ${o.path} from ${start} s at ${target.toFixed(3)} req/s over ${h} s (the trace's own ${own0.toFixed(3)} req/s there; rate_scale ${scale.toPrecision(4)})`,
  };
}
