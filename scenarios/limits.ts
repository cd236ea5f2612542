/**
 * Size bounds on what a scenario may ask for (docs/limits.md is the table users read). A run whose
 * expected size exceeds a bound stops at load time, before any work, with a message naming the
 * bound and the key that raises it: without them `count: 100000000` hangs `check`, and
 * `rate_per_s: 1e12` grows memory with no progress line. A scenario raises a content bound with
 * its own `limits:` key (the user says so in the file that needs it); file-level bounds, checked
 * before the file is parsed, are raised by environment variables.
 */
import type { RawArrivals, RawScenario } from './schema.js';

/** Content bounds; each is raised by `limits.<key>` in the scenario. */
export const SCENARIO_LIMITS = {
  /** Devices after groups are expanded (`count`). */
  max_devices: 10_000,
  /** Switches. */
  max_switches: 10_000,
  /** Links after group endpoints are expanded (a link to a group of n is n links). */
  max_links: 100_000,
  /** Σ over services of the mean arrival rate × horizon_s (trace replays are finite and not counted). */
  max_expected_requests: 20_000_000,
  /** horizon_s: periodic events (sync, placement, timeline) scale with it whatever the load. */
  max_horizon_s: 10_000_000,
  /** horizon_s / timeline_bucket_s: one timeline row per bucket is kept in memory. */
  max_timeline_buckets: 100_000,
} as const;

export type ScenarioLimitKey = keyof typeof SCENARIO_LIMITS;

/** Largest YAML file (scenario, sweep, testbed) read, bytes; PARASIM_MAX_YAML_BYTES raises it. */
export const DEFAULT_MAX_YAML_BYTES = 8 * 1024 * 1024;
/** `yaml`'s alias-expansion bound (count × size of aliased nodes): an alias bomb stops here; PARASIM_MAX_YAML_ALIASES raises it. */
export const MAX_YAML_ALIAS_COUNT = 1000;

export function maxYamlAliases(): number {
  return envBound('PARASIM_MAX_YAML_ALIASES', MAX_YAML_ALIAS_COUNT);
}

export function maxYamlBytes(): number {
  return envBound('PARASIM_MAX_YAML_BYTES', DEFAULT_MAX_YAML_BYTES);
}

/** A positive integer from the environment, or the default when unset or not a positive integer. */
export function envBound(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isSafeInteger(v) && v > 0 ? v : fallback;
}

/** Mean requests per second of one service's arrivals; 0 for a trace (finite, streamed) or an unknown process. */
export function meanRatePerS(a: RawArrivals | { readonly process: string }): number {
  const x = a as RawArrivals;
  switch (x.process) {
    case 'poisson':
    case 'gamma':
      return x.rate_per_s;
    case 'diurnal':
      return x.mean_rate_per_s;
    case 'onoff':
      return (x.on_rate_per_s * x.mean_on_s) / (x.mean_on_s + x.mean_off_s);
    case 'periodic':
      return x.streams * x.fps;
    default:
      return 0;
  }
}

export type LimitReport = (path: readonly PropertyKey[], message: string, hint?: string) => void;

/**
 * Checks the bounds that can be computed from the raw document (before groups are expanded, so a
 * huge `count` never allocates). Returns false when a bound is exceeded (the caller stops there).
 */
export function checkScenarioLimits(raw: RawScenario, report: LimitReport): boolean {
  const limits = { ...SCENARIO_LIMITS, ...(raw.limits ?? {}) };
  let ok = true;
  const over = (path: readonly PropertyKey[], key: ScenarioLimitKey, what: string, value: number): void => {
    ok = false;
    report(
      path,
      `${what} is ${fmt(value)}, above the bound ${key} = ${fmt(limits[key])}`,
      `raise it with \`limits: { ${key}: N }\` in the scenario if you mean it (docs/limits.md)`,
    );
  };
  const devices = raw.devices.reduce((n, d) => n + (d.count ?? 1), 0);
  if (devices > limits.max_devices) over(['devices'], 'max_devices', 'the device count (groups expanded)', devices);
  const switches = raw.switches?.length ?? 0;
  if (switches > limits.max_switches) over(['switches'], 'max_switches', 'the switch count', switches);
  // A link with a device group at one end stands for one link per member.
  const members = new Map(raw.devices.map((d) => [d.id, d.count ?? 1]));
  const links = (raw.links ?? []).reduce((n, l) => n + (members.get(l.a) ?? 1) * (members.get(l.b) ?? 1), 0);
  if (links > limits.max_links) over(['links'], 'max_links', 'the link count (group endpoints expanded)', links);
  if (raw.horizon_s > limits.max_horizon_s) over(['horizon_s'], 'max_horizon_s', 'horizon_s', raw.horizon_s);
  const bucket = raw.timeline_bucket_s ?? raw.horizon_s / 60;
  if (raw.horizon_s / bucket > limits.max_timeline_buckets) {
    over(
      ['timeline_bucket_s'],
      'max_timeline_buckets',
      'horizon_s / timeline_bucket_s',
      Math.ceil(raw.horizon_s / bucket),
    );
  }
  const expected = raw.services.reduce((n, s) => n + meanRatePerS(s.arrivals) * raw.horizon_s, 0);
  if (expected > limits.max_expected_requests) {
    over(['services'], 'max_expected_requests', 'expected requests (Σ mean rate × horizon_s)', expected);
  }
  return ok;
}

const fmt = (x: number): string => (Number.isSafeInteger(x) ? String(x) : x.toPrecision(3));
