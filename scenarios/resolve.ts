/**
 * From the schema-valid raw object to the resolved Scenario: catalog lookups, device groups
 * expanded, link endpoints and fault targets checked, sites assigned, trace paths resolved, and
 * the checks that need the whole document (fit, reachability, policy params). Every problem is
 * reported through `report`; the caller returns the Scenario only when nothing was reported.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import type { Slo } from '../policies/index.js';
import { POLICY_NAMES, WEIGHT_MEMORY_FRACTION } from '../policies/index.js';
import type { ArrivalSpec, TokenSpec } from '../traces/index.js';
import { resolveDeviceMode } from './device-modes.js';
import { didYouMean } from './issues.js';
import { checkPolicyParams } from './policy-params.js';
import { policyModuleName } from './policy-module.js';
import { checkTracePath, tracePathFor } from './trace-path.js';
import type { RawArrivals, RawFault, RawScenario, RawService } from './schema.js';
import type {
  Catalog,
  DeviceConfig,
  FaultConfig,
  ModelSpec,
  LinkConfig,
  LinkSpec,
  PolicyChoice,
  Scenario,
  ServiceConfig,
} from './types.js';

export type Report = (path: readonly PropertyKey[], message: string, hint?: string) => void;

const DEFAULT_PROMPT: TokenSpec = { dist: 'lognormal', mean: 512, cv: 1, max: 8192 };
const DEFAULT_OUTPUT: TokenSpec = { dist: 'lognormal', mean: 128, cv: 1, max: 2048 };
/** Frames carry no tokens; the samplers need counts ≥ 1, so segmentation gets a constant 1. */
const ONE_TOKEN: TokenSpec = { dist: 'fixed', value: 1 };
const DEFAULT_MAX_BATCH = { llm: 32, segmentation: 8 } as const;
const GB = 1e9;

interface Expanded {
  readonly devices: DeviceConfig[];
  readonly groups: Map<string, string[]>;
  readonly index: Map<string, number>;
}

export function resolveScenario(raw: RawScenario, file: string, report: Report, catalog: Catalog): Scenario {
  const switches = raw.switches ?? [];
  const nodes = new Map<string, readonly PropertyKey[]>();
  const claim = (name: string, path: readonly PropertyKey[]): void => {
    const prev = nodes.get(name);
    if (prev !== undefined) report(path, `duplicate id "${name}"`, `already used at ${pathText(prev)}`);
    else nodes.set(name, path);
  };
  switches.forEach((s, i) => claim(s, ['switches', i]));
  const exp = expandDevices(raw, catalog, claim, report);
  let linkIssues = 0;
  const links = resolveLinks(raw, catalog, exp, new Set(switches), nodes, (p, m, h) => {
    linkIssues++;
    report(p, m, h);
  });
  const devices = assignSites(exp.devices, links, new Set(switches));
  const policy = resolvePolicyChoice(raw.policy, file, report);
  // `null` = a user's policy module: it may split models, so the fit check trusts it (its plans are checked at run time).
  const policyName = policy.module !== undefined ? null : policy.name;
  const services = raw.services.map((s, i) => resolveService(policyName, s, i, file, catalog, nodes, exp, report));
  // Per-service results are keyed by name: two services with one name would be silently merged.
  raw.services.forEach((s, i) => {
    const first = raw.services.findIndex((o) => o.name === s.name);
    if (first < i)
      report(['services', i, 'name'], `duplicate service name "${s.name}"`, `already used at services[${first}].name`);
  });
  const faults = (raw.faults ?? []).flatMap((f, i) => resolveFault(f, i, exp, links, report));
  // A bad link is dropped, so "not connected" would only echo its issue; so would an unknown ingress.
  if (linkIssues === 0)
    checkReachability(
      raw,
      services.filter((s) => nodes.has(s.ingress)),
      exp,
      links,
      report,
    );
  return {
    name: raw.name,
    file: resolvePath(file),
    seed: raw.seed ?? 1,
    horizonS: raw.horizon_s,
    timelineBucketS: raw.timeline_bucket_s ?? raw.horizon_s / 60,
    policy,
    devices,
    switches,
    links,
    services,
    faults,
    ...(raw.device_sharing !== undefined ? { deviceSharing: raw.device_sharing } : {}),
    ...(raw.router !== undefined ? { router: raw.router } : {}),
  };
}

/**
 * `policy`: a registry name with its params checked now, or a user's module (`module`, relative to
 * the scenario file) whose file must exist; its export and params are checked when it is loaded.
 */
function resolvePolicyChoice(raw: RawScenario['policy'], file: string, report: Report): PolicyChoice {
  if (raw?.module !== undefined) {
    if (raw.name !== undefined) report(['policy', 'name'], 'give either policy.name or policy.module, not both');
    const abs = resolvePath(dirname(file), raw.module);
    if (!existsSync(abs))
      report(
        ['policy', 'module'],
        `policy module "${raw.module}" does not exist (looked for ${abs})`,
        "relative paths start at the scenario file's folder",
      );
    return { name: policyModuleName(abs), params: raw.params ?? {}, module: abs };
  }
  if (raw !== undefined && raw.name === undefined)
    report(
      ['policy'],
      'policy needs a name (a built-in policy) or a module (your own)',
      `built-in: ${POLICY_NAMES.join(', ')}`,
    );
  const name = raw?.name ?? 'round-robin';
  return {
    name,
    params: checkPolicyParams(name, raw?.params ?? {}, (k, m, h) => report(['policy', 'params', ...k], m, h)),
  };
}

function pathText(p: readonly PropertyKey[]): string {
  return p.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? String(s) : `.${String(s)}`)).join('');
}

function expandDevices(
  raw: RawScenario,
  catalog: Catalog,
  claim: (n: string, p: readonly PropertyKey[]) => void,
  report: Report,
): Expanded {
  const devices: DeviceConfig[] = [];
  const groups = new Map<string, string[]>();
  const index = new Map<string, number>();
  raw.devices.forEach((d, i) => {
    const mode = resolveDeviceMode(d, catalog.devices[d.type]!, ['devices', i], report);
    const spec = mode.spec;
    const count = d.count ?? 1;
    claim(d.id, ['devices', i, 'id']);
    const ids = count === 1 ? [d.id] : Array.from({ length: count }, (_, k) => `${d.id}-${k}`);
    if (count > 1) {
      groups.set(d.id, ids);
      for (const m of ids.slice(0)) claim(m, ['devices', i, 'count']);
    }
    for (const id of ids) {
      devices.push({
        id,
        spec,
        site: '',
        slowdown: (d.slowdown ?? 1) * mode.slowdownFactor,
        ...(mode.powerMode !== undefined ? { powerMode: mode.powerMode } : {}),
        ...(mode.thermal !== undefined ? { thermal: mode.thermal } : {}),
      });
      index.set(id, i);
    }
    index.set(d.id, i);
  });
  return { devices, groups, index };
}

function resolveLinks(
  raw: RawScenario,
  catalog: Catalog,
  exp: Expanded,
  switches: ReadonlySet<string>,
  nodes: ReadonlyMap<string, unknown>,
  report: Report,
): LinkConfig[] {
  const out: LinkConfig[] = [];
  const ids = new Set<string>();
  const known = [...nodes.keys()];
  (raw.links ?? []).forEach((l, i) => {
    const spec = catalog.links[l.type]!;
    let ok = true;
    for (const end of ['a', 'b'] as const) {
      if (!nodes.has(l[end])) {
        ok = false;
        report(['links', i, end], `link to a missing device or switch "${l[end]}"`, didYouMean(l[end], known));
      }
    }
    if (l.baud !== undefined) {
      const problem = baudProblem(spec, l.type, l.baud);
      if (problem !== undefined) {
        ok = false;
        report(['links', i, 'baud'], problem.message, problem.hint);
      }
    }
    const aMembers = exp.groups.get(l.a) ?? [l.a];
    const bMembers = exp.groups.get(l.b) ?? [l.b];
    if (aMembers.length > 1 && bMembers.length > 1) {
      ok = false;
      report(
        ['links', i],
        `both ends ("${l.a}", "${l.b}") are device groups; link a group to a switch or to one device`,
      );
    }
    if (l.a === l.b) {
      ok = false;
      report(['links', i, 'b'], `link from "${l.a}" to itself`);
    }
    if (!ok) return;
    const pairs = aMembers.flatMap((a) => bMembers.map((b) => [a, b] as const));
    pairs.forEach(([a, b], k) => {
      const id = l.id !== undefined ? (pairs.length > 1 ? `${l.id}-${k}` : l.id) : `${a}--${b}`;
      if (ids.has(id)) report(['links', i], `duplicate link id "${id}"`, 'give the link an explicit `id`');
      ids.add(id);
      const lineBps =
        l.bandwidth_mbps !== undefined ? l.bandwidth_mbps * 1e6 : (l.baud ?? spec.nominalBps) * spec.efficiency;
      out.push({
        id,
        a,
        b,
        spec,
        bandwidthBps: lineBps,
        latencyS: l.latency_ms !== undefined ? l.latency_ms / 1000 : spec.latencyS,
        lossRate: l.loss_rate ?? 0,
      });
    });
  });
  void switches;
  return out;
}

/** Why `baud` is not valid for this link type (fixed rate, out of range, not in its table), if it is not. */
function baudProblem(spec: LinkSpec, type: string, baud: number): { message: string; hint?: string } | undefined {
  if (!spec.configurableBaud) return { message: `baud can only be set on a serial link; "${type}" has a fixed rate` };
  const table = spec.standardBauds;
  if (table !== undefined && !table.includes(baud)) {
    const nearest = table.reduce((best, b) => (Math.abs(b - baud) < Math.abs(best - baud) ? b : best));
    return {
      message: `baud ${baud} is not a rate "${type}" accepts; expected one of ${table.join(', ')}`,
      hint: `did you mean ${nearest}?`,
    };
  }
  const min = spec.minBaud ?? 0;
  const max = spec.maxBaud ?? Infinity;
  if (baud < min || baud > max)
    return { message: `baud ${baud} is out of range for "${type}"; expected ${min}..${max}` };
  return undefined;
}

/** Site = the switch a device links to directly, else the site of the nearest device it hangs off. */
function assignSites(
  devices: readonly DeviceConfig[],
  links: readonly LinkConfig[],
  switches: ReadonlySet<string>,
): DeviceConfig[] {
  const site = new Map<string, string>();
  const neighbours = adjacency(links);
  for (const d of devices) {
    const direct = (neighbours.get(d.id) ?? []).find((n) => switches.has(n));
    if (direct !== undefined) site.set(d.id, direct);
  }
  // Breadth-first from the devices that have a site, through device-to-device links.
  let frontier = devices.filter((d) => site.has(d.id)).map((d) => d.id);
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const n of neighbours.get(id) ?? []) {
        if (switches.has(n) || site.has(n)) continue;
        site.set(n, site.get(id)!);
        next.push(n);
      }
    }
    frontier = next;
  }
  return devices.map((d) => ({ ...d, site: site.get(d.id) ?? d.id }));
}

function adjacency(links: readonly LinkConfig[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const l of links) {
    m.set(l.a, [...(m.get(l.a) ?? []), l.b]);
    m.set(l.b, [...(m.get(l.b) ?? []), l.a]);
  }
  return m;
}

function resolveSlo(s: RawService, at: readonly PropertyKey[], report: Report): Slo {
  const { ttft_s, tpot_s, e2e_s, deadline_s } = s.slo;
  if (ttft_s !== undefined && tpot_s !== undefined && e2e_s === undefined && deadline_s === undefined) {
    return { kind: 'token', ttftS: ttft_s, tpotS: tpot_s };
  }
  if (e2e_s !== undefined && ttft_s === undefined && tpot_s === undefined && deadline_s === undefined)
    return { kind: 'e2e', e2eS: e2e_s };
  if (deadline_s !== undefined && ttft_s === undefined && tpot_s === undefined && e2e_s === undefined) {
    return { kind: 'frame', deadlineS: deadline_s };
  }
  report([...at, 'slo'], 'slo must be exactly one of {ttft_s, tpot_s}, {e2e_s} or {deadline_s}');
  return { kind: 'e2e', e2eS: 1 };
}

function arrivals(a: RawArrivals, file: string): ArrivalSpec {
  switch (a.process) {
    case 'poisson':
      return { process: 'poisson', ratePerS: a.rate_per_s };
    case 'gamma':
      return { process: 'gamma', ratePerS: a.rate_per_s, cv: a.cv };
    case 'diurnal':
      return { process: 'diurnal', meanRatePerS: a.mean_rate_per_s, amplitude: a.amplitude, periodS: a.period_s };
    case 'onoff':
      return { process: 'onoff', onRatePerS: a.on_rate_per_s, meanOnS: a.mean_on_s, meanOffS: a.mean_off_s };
    case 'periodic':
      return { process: 'periodic', streams: a.streams, fps: a.fps };
    case 'closed':
      return {
        process: 'closed',
        concurrency: a.concurrency,
        thinkS: a.think_s ?? 0,
        thinkDist: a.think_dist ?? 'fixed',
      };
    case 'trace': {
      const t = a.transform;
      return {
        process: 'trace',
        format: a.format,
        path: tracePathFor(file, a.path),
        ...(a.columns !== undefined
          ? {
              columns: {
                time: a.columns.time,
                timeUnit: a.columns.time_unit,
                ...(a.columns.prompt_tokens !== undefined ? { promptTokens: a.columns.prompt_tokens } : {}),
                ...(a.columns.output_tokens !== undefined ? { outputTokens: a.columns.output_tokens } : {}),
              },
            }
          : {}),
        ...(t !== undefined
          ? {
              transform: {
                ...(t.window_s !== undefined
                  ? { windowS: { startS: t.window_s.start_s, endS: t.window_s.end_s } }
                  : {}),
                ...(t.rate_scale !== undefined ? { rateScale: t.rate_scale } : {}),
                ...(t.max_prompt_tokens !== undefined ? { maxPromptTokens: t.max_prompt_tokens } : {}),
                ...(t.max_output_tokens !== undefined ? { maxOutputTokens: t.max_output_tokens } : {}),
              },
            }
          : {}),
        ...(a.skip_bad_rows !== undefined ? { skipBadRows: a.skip_bad_rows } : {}),
      };
    }
  }
}

function resolveService(
  policyName: string | null,
  s: RawService,
  i: number,
  file: string,
  catalog: Catalog,
  nodes: ReadonlyMap<string, unknown>,
  exp: Expanded,
  report: Report,
): ServiceConfig {
  const at = ['services', i] as const;
  const catalogModel = catalog.models[s.model]!;
  // Cameras send encoded frames (JPEG/H.264), not the model's raw input tensor: `frame_bytes`
  // replaces the bytes on the wire; decoding on the device is assumed negligible beside inference.
  if (s.frame_bytes !== undefined && s.kind !== 'segmentation')
    report([...at, 'frame_bytes'], 'frame_bytes applies to segmentation (camera) services only');
  const model =
    s.frame_bytes !== undefined && s.kind === 'segmentation'
      ? { ...catalogModel, inputBytes: s.frame_bytes }
      : catalogModel;
  if (model.kind !== s.kind)
    report([...at, 'model'], `model "${s.model}" is a ${model.kind} model but the service kind is ${s.kind}`);
  if (!nodes.has(s.ingress))
    report([...at, 'ingress'], `unknown ingress "${s.ingress}"`, didYouMean(s.ingress, [...nodes.keys()]));
  if (s.arrivals.process === 'trace') {
    checkTracePath(file, s.arrivals.path, (m, h) => report([...at, 'arrivals', 'path'], m, h));
    if (s.arrivals.format === 'csv' && s.arrivals.columns === undefined) {
      report(
        [...at, 'arrivals', 'format'],
        'format csv needs `columns` (which column holds the time, and its unit)',
        'add columns: { time: <column>, time_unit: s|ms|us|iso }',
      );
    }
  }
  for (const tk of ['prompt_tokens', 'output_tokens'] as const) {
    const t = s[tk];
    if (t?.dist === 'uniform' && t.min > t.max) report([...at, tk, 'min'], `min ${t.min} is above max ${t.max}`);
  }
  checkFits(s, i, model, policyName, exp, report);
  const isLlm = s.kind === 'llm';
  return {
    name: s.name,
    kind: s.kind,
    model: servedModel(model, s),
    slo: resolveSlo(s, at, report),
    arrivals: arrivals(s.arrivals, file),
    promptTokens: s.prompt_tokens ?? (isLlm ? DEFAULT_PROMPT : ONE_TOKEN),
    outputTokens: s.output_tokens ?? (isLlm ? DEFAULT_OUTPUT : ONE_TOKEN),
    ingress: s.ingress,
    ...(s.category !== undefined ? { category: s.category } : {}),
    maxBatch: s.max_batch ?? DEFAULT_MAX_BATCH[s.kind],
    ...(s.max_batched_tokens !== undefined ? { maxBatchedTokens: s.max_batched_tokens } : {}),
    ...(s.chunked_prefill !== undefined ? { chunkedPrefill: s.chunked_prefill } : {}),
    ...(s.preemption !== undefined ? { preemption: s.preemption } : {}),
    ...(s.framework !== undefined ? { framework: s.framework } : {}),
  };
}

/** The model as `s` serves it: with the service's `ubatch` (an engine setting the step cost reads). */
function servedModel(model: ModelSpec, s: { readonly ubatch?: number | undefined }): ModelSpec {
  return s.ubatch !== undefined && model.kind === 'llm' ? { ...model, ubatchTokens: s.ubatch } : model;
}

/**
 * Policies whose plans split one model over several devices (pipeline stages or tensor-parallel
 * groups); with one of them a model no single device holds is accepted when the devices together
 * hold it. Names only (scenarios/ may not import policy code).
 */
export const SPLITTING_POLICIES: readonly string[] = [
  'epara',
  'edgeshard-latency',
  'edgeshard-throughput',
  'cloud-edge-even',
  'cloud-edge-opt',
  'adaptive-split',
  'device-group',
];

function checkFits(
  s: RawService,
  i: number,
  model: ModelSpec,
  policy: string | null,
  exp: Expanded,
  report: Report,
): void {
  const usable = (d: DeviceConfig): number => d.spec.gpus * d.spec.memoryBytesPerGpu * WEIGHT_MEMORY_FRACTION;
  const largest = exp.devices.reduce((best, d) => (usable(d) > best.cap ? { cap: usable(d), d } : best), {
    cap: 0,
    d: undefined as DeviceConfig | undefined,
  });
  if (model.weightBytes <= largest.cap || largest.d === undefined) return;
  const total = exp.devices.reduce((a, d) => a + usable(d), 0);
  const splits = policy === null || SPLITTING_POLICIES.includes(policy);
  if (splits && model.weightBytes <= total) return;
  const hint =
    model.weightBytes > total
      ? `the devices together hold only ${(total / GB).toFixed(2)} GB usable`
      : `policy ${policy ?? 'module'} places whole models; ${SPLITTING_POLICIES.join(', ')} can split it across devices`;
  report(
    ['services', i, 'model'],
    `no device can hold service ${s.name} (needs ${(model.weightBytes / GB).toFixed(2)} GB of weights; ` +
      `largest is ${largest.d.id} (${largest.d.spec.key}) with ${(largest.cap / GB).toFixed(2)} GB usable)`,
    hint,
  );
}

function resolveFault(
  f: RawFault,
  i: number,
  exp: Expanded,
  links: readonly LinkConfig[],
  report: Report,
): FaultConfig[] {
  const at = ['faults', i] as const;
  const deviceIds = exp.devices.map((d) => d.id);
  const linkIds = links.map((l) => l.id);
  const device = (id: string, path: readonly PropertyKey[]): boolean => {
    if (exp.groups.has(id)) {
      report(
        path,
        `"${id}" is a group of ${exp.groups.get(id)!.length}; name one member, e.g. "${exp.groups.get(id)![0]}"`,
      );
      return false;
    }
    if (deviceIds.includes(id)) return true;
    report(path, `fault targets unknown device "${id}"`, didYouMean(id, deviceIds));
    return false;
  };
  const link = (id: string): boolean => {
    if (linkIds.includes(id)) return true;
    report(
      [...at, 'link'],
      `fault targets unknown link "${id}"`,
      didYouMean(id, linkIds) ?? 'link ids are `id:` or "<a>--<b>"',
    );
    return false;
  };
  switch (f.kind) {
    case 'device-crash':
      return device(f.device, [...at, 'device'])
        ? [{ kind: f.kind, device: f.device, atS: f.at_s, recoverAfterS: f.recover_after_s ?? null }]
        : [];
    case 'device-crash-rate': {
      const ids = f.devices.flatMap((d, k) => exp.groups.get(d) ?? (device(d, [...at, 'devices', k]) ? [d] : []));
      return [{ kind: f.kind, devices: ids, mtbfS: f.mtbf_s, mttrS: f.mttr_s }];
    }
    case 'link-outage':
      return link(f.link) ? [{ kind: f.kind, link: f.link, atS: f.at_s, durationS: f.duration_s }] : [];
    case 'link-degrade':
      return link(f.link)
        ? [{ kind: f.kind, link: f.link, atS: f.at_s, durationS: f.duration_s, bandwidthFactor: f.bandwidth_factor }]
        : [];
    case 'sync-loss':
      if (f.to_s <= f.from_s) report([...at, 'to_s'], `to_s ${f.to_s} must be after from_s ${f.from_s}`);
      return [{ kind: f.kind, probability: f.probability, fromS: f.from_s, toS: f.to_s }];
    case 'sync-delay':
      if (f.to_s <= f.from_s) report([...at, 'to_s'], `to_s ${f.to_s} must be after from_s ${f.from_s}`);
      return [{ kind: f.kind, delayS: f.delay_s, fromS: f.from_s, toS: f.to_s }];
  }
}

/** Every device must be reachable from every service's ingress, or it could never serve. */
function checkReachability(
  raw: RawScenario,
  services: readonly ServiceConfig[],
  exp: Expanded,
  links: readonly LinkConfig[],
  report: Report,
): void {
  const neighbours = adjacency(links);
  const reported = new Set<number>();
  services.forEach((s) => {
    const seen = new Set<string>([s.ingress]);
    const queue = [s.ingress];
    while (queue.length > 0) {
      for (const n of neighbours.get(queue.shift()!) ?? [])
        if (!seen.has(n)) {
          seen.add(n);
          queue.push(n);
        }
    }
    for (const d of exp.devices) {
      const rawIndex = exp.index.get(d.id)!;
      if (seen.has(d.id) || reported.has(rawIndex)) continue;
      reported.add(rawIndex);
      const id = raw.devices[rawIndex]!.id;
      report(
        ['devices', rawIndex, 'id'],
        `device "${id}" is not connected to ingress "${s.ingress}" of service ${s.name}`,
        'add a link from it to a switch or device on that network',
      );
    }
  });
}
