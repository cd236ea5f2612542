/**
 * From schema-valid catalog entries to the typed specs the simulator uses, and the merge rule of
 * catalogs: a later catalog (built-in → `--catalog FILE` → a scenario's `catalog:` section)
 * replaces earlier entries of the same key and adds new ones; its profile rows for a (device,
 * model) pair replace the earlier rows of that pair, since a new measurement supersedes an old
 * one. Every problem goes through `report`; the caller uses the result only when none was.
 */
import { didYouMean } from '../issues.js';
import type {
  Catalog,
  Cooling,
  CoolingSpec,
  DeviceSpec,
  LinkSpec,
  ModelSpec,
  ProfileRow,
  ThermalSpec,
} from '../types.js';
import type { RawCatalog, RawDevice, RawLink, RawModel, RawProfile } from './schema.js';

export type CatalogReport = (path: readonly PropertyKey[], message: string, hint?: string) => void;

const GB = 1e9;
/** Storage bandwidth when a device entry gives none: 1 GB/s (an SSD/eMMC middle; assumption). */
const DEFAULT_STORAGE_GB_S = 1;

export const EMPTY_CATALOG: Catalog = { devices: {}, models: {}, links: {} };

export function deviceSpec(d: RawDevice, origin: string): DeviceSpec {
  return {
    key: d.key,
    name: d.name,
    deviceClass: d.device_class,
    gpus: d.gpus,
    memoryBytesPerGpu: d.memory_gb_per_gpu * GB,
    flopsPerGpu: d.flops_per_gpu,
    ...(d.flops_fp16_acc_per_gpu !== undefined ? { flopsFp16AccPerGpu: d.flops_fp16_acc_per_gpu } : {}),
    memBandwidthBytesPerS: d.mem_bandwidth_gb_s * GB,
    intraNode: d.intra_node,
    intraNodeBps: d.intra_node_gbps !== undefined ? d.intra_node_gbps * GB : 0,
    storageBytesPerS: (d.storage_gb_s ?? DEFAULT_STORAGE_GB_S) * GB,
    idleW: d.idle_w,
    busyW: d.busy_w,
    ...(d.pipeline_latency_ms !== undefined ? { pipelineLatencyS: d.pipeline_latency_ms / 1000 } : {}),
    ...(d.power_modes !== undefined
      ? {
          powerModes: d.power_modes.map((m) => ({
            name: m.name,
            throughputScale: m.throughput_scale,
            busyW: m.busy_w,
            ...(m.idle_w !== undefined ? { idleW: m.idle_w } : {}),
            source: m.source ?? `declared in ${origin}`,
          })),
        }
      : {}),
    ...(d.default_power_mode !== undefined ? { defaultPowerMode: d.default_power_mode } : {}),
    ...(d.thermal !== undefined ? { thermal: thermalSpec(d.thermal, origin) } : {}),
    ...(d.os_reserve_gb !== undefined ? { osReserveBytes: d.os_reserve_gb * GB } : {}),
    source: d.source ?? `declared in ${origin}`,
  };
}

function thermalSpec(t: NonNullable<RawDevice['thermal']>, origin: string): ThermalSpec {
  const cooling: Partial<Record<Cooling, CoolingSpec>> = {};
  for (const k of ['active', 'passive', 'none'] as const) {
    const c = t.cooling[k];
    if (c !== undefined)
      cooling[k] = { rKPerW: c.r_k_per_w, tauS: c.tau_s, source: c.source ?? `declared in ${origin}` };
  }
  return {
    ambientC: t.ambient_c,
    throttleC: t.throttle_c,
    criticalC: t.critical_c,
    minClockRatio: t.min_clock_ratio,
    cooling,
    source: t.source ?? `declared in ${origin}`,
  };
}

export function linkSpec(l: RawLink, origin: string): LinkSpec {
  const configurable = l.min_baud !== undefined || l.max_baud !== undefined || l.standard_bauds !== undefined;
  return {
    key: l.key,
    name: l.name,
    kind: l.kind,
    nominalBps: l.nominal_bps,
    efficiency: l.efficiency,
    latencyS: l.latency_ms / 1000,
    configurableBaud: configurable,
    ...(l.min_baud !== undefined ? { minBaud: l.min_baud } : {}),
    ...(l.max_baud !== undefined ? { maxBaud: l.max_baud } : {}),
    ...(l.standard_bauds !== undefined ? { standardBauds: l.standard_bauds } : {}),
    source: l.source ?? `declared in ${origin}`,
  };
}

/**
 * Bytes of all experts: with shared parameters S and expert parameters X, params = S + X and
 * active = S + X·k/E, so X = (params − active) / (1 − k/E).
 */
function expertBytes(paramsB: number, activeB: number, fraction: number, bytesPerWeight: number): number {
  return Math.round(((paramsB - activeB) / (1 - fraction)) * 1e9 * bytesPerWeight);
}

/** Derived sizes: docs at the top of scenarios/catalog/models.yaml. */
export function modelSpec(m: RawModel, origin: string, profiles: readonly ProfileRow[]): ModelSpec {
  const common = {
    key: m.key,
    name: m.name,
    paramsB: m.params_b,
    layers: m.layers,
    bytesPerWeight: m.bytes_per_weight,
    weightBytes: Math.round(m.params_b * 1e9 * m.bytes_per_weight),
    profiles,
    source: m.source ?? `declared in ${origin}`,
  };
  if (m.kind === 'llm') {
    const active = m.active_params_b ?? m.params_b;
    return {
      ...common,
      kind: 'llm',
      hidden: m.hidden,
      kvBytesPerToken: 2 * m.layers * m.kv_heads * m.head_dim * 2,
      activationBytesPerToken: m.hidden * 2,
      flopsPerUnit: 2 * active * 1e9,
      inputBytes: 0,
      outputBytes: 0,
      ...(m.active_params_b !== undefined && m.experts !== undefined && m.active_experts !== undefined
        ? {
            moe: {
              experts: m.experts,
              activeExperts: m.active_experts,
              expertBytes: expertBytes(m.params_b, m.active_params_b, m.active_experts / m.experts, m.bytes_per_weight),
            },
          }
        : {}),
    };
  }
  return {
    ...common,
    kind: 'segmentation',
    hidden: 0,
    kvBytesPerToken: 0,
    activationBytesPerToken: m.cut_bytes ?? m.input_bytes,
    flopsPerUnit: m.gflops_per_item * 1e9,
    inputBytes: m.input_bytes,
    outputBytes: m.output_bytes,
  };
}

/**
 * A catalog profile row (issue #13 keys) as the simulator's ProfileRow; `fallbackSource` when the
 * row cites nothing. Also used to read back the CSV `parasim profile` writes.
 */
export function profileRowOf(p: RawProfile, fallbackSource: string): ProfileRow {
  return {
    deviceType: p.device,
    batch: p.batch,
    ...(p.prompt_tokens !== undefined ? { promptTokens: p.prompt_tokens } : {}),
    ...(p.prefill_tok_s !== undefined ? { prefillTokPerS: p.prefill_tok_s } : {}),
    ...(p.decode_tok_s !== undefined ? { decodeTokPerS: p.decode_tok_s } : {}),
    ...(p.latency_ms !== undefined ? { itemLatencyS: p.latency_ms / 1000 } : {}),
    ...(p.output_tokens !== undefined ? { outputTokens: p.output_tokens } : {}),
    ...(p.closed_loop !== undefined ? { closedLoop: p.closed_loop } : {}),
    source: p.source ?? fallbackSource,
  };
}

function claimKeys(entries: readonly { key: string }[], section: string, report: CatalogReport): void {
  const seen = new Map<string, number>();
  entries.forEach((e, i) => {
    const prev = seen.get(e.key);
    if (prev !== undefined)
      report(
        [section, i, 'key'],
        `duplicate ${section.slice(0, -1)} key "${e.key}"`,
        `already declared at ${section}[${prev}]`,
      );
    else seen.set(e.key, i);
  });
}

/**
 * `base` extended by `raw` (whose profile rows, if given as a CSV path, were already read into
 * `rows` with their own located issues). `origin` names the file in default `source` texts.
 */
export function extendCatalog(
  base: Catalog,
  raw: RawCatalog,
  rows: readonly RawProfile[],
  origin: string,
  report: CatalogReport,
): Catalog {
  const devices = { ...base.devices };
  const links = { ...base.links };
  claimKeys(raw.devices ?? [], 'devices', report);
  claimKeys(raw.models ?? [], 'models', report);
  claimKeys(raw.links ?? [], 'links', report);
  (raw.models ?? []).forEach((m, i) => {
    if (m.kind !== 'llm') return;
    const given = [m.active_params_b, m.experts, m.active_experts].filter((x) => x !== undefined).length;
    if (given !== 0 && given !== 3)
      report(['models', i], 'a mixture-of-experts model needs active_params_b, experts and active_experts together');
    else if (m.active_params_b !== undefined && m.active_params_b > m.params_b)
      report(['models', i, 'active_params_b'], `active_params_b ${m.active_params_b} is above params_b ${m.params_b}`);
    else if (m.experts !== undefined && m.active_experts !== undefined && m.active_experts >= m.experts)
      report(['models', i, 'active_experts'], `active_experts ${m.active_experts} must be below experts ${m.experts}`);
  });
  (raw.devices ?? []).forEach((d, i) => {
    const names = (d.power_modes ?? []).map((m) => m.name);
    if (d.default_power_mode !== undefined && !names.includes(d.default_power_mode)) {
      report(
        ['devices', i, 'default_power_mode'],
        `default_power_mode "${d.default_power_mode}" is not one of power_modes (${names.join(', ') || 'none declared'})`,
        didYouMean(d.default_power_mode, names),
      );
    }
    if (d.power_modes !== undefined && d.default_power_mode === undefined)
      report(
        ['devices', i, 'default_power_mode'],
        "power_modes need default_power_mode (the mode the entry's figures were measured in)",
      );
    if (d.thermal !== undefined && !(d.thermal.critical_c > d.thermal.throttle_c))
      report(
        ['devices', i, 'thermal', 'critical_c'],
        `critical_c ${d.thermal.critical_c} must be above throttle_c ${d.thermal.throttle_c}`,
      );
  });
  for (const d of raw.devices ?? []) devices[d.key] = deviceSpec(d, origin);
  for (const l of raw.links ?? []) links[l.key] = linkSpec(l, origin);
  const rawModels = new Map((raw.models ?? []).map((m) => [m.key, m]));
  const kindOf = (k: string): ModelSpec['kind'] | undefined => rawModels.get(k)?.kind ?? base.models[k]?.kind;
  const added = new Map<string, ProfileRow[]>();
  rows.forEach((p, i) => {
    const at = typeof raw.profiles === 'string' ? [] : ['profiles', i];
    const where = typeof raw.profiles === 'string' ? `${raw.profiles} row ${i + 1}: ` : '';
    const kind = kindOf(p.model);
    let ok = true;
    if (devices[p.device] === undefined) {
      ok = false;
      report(
        [...at, 'device'],
        `${where}profile row for unknown device "${p.device}"`,
        didYouMean(p.device, Object.keys(devices)),
      );
    }
    if (kind === undefined) {
      ok = false;
      report(
        [...at, 'model'],
        `${where}profile row for unknown model "${p.model}"`,
        didYouMean(p.model, [...new Set([...Object.keys(base.models), ...rawModels.keys()])]),
      );
    } else if (
      kind === 'llm' &&
      (p.latency_ms !== undefined || (p.prefill_tok_s === undefined && p.decode_tok_s === undefined))
    ) {
      ok = false;
      report(at, `${where}an LLM profile row needs prefill_tok_s and/or decode_tok_s (and no latency_ms)`);
    } else if (
      kind === 'segmentation' &&
      (p.latency_ms === undefined || p.prefill_tok_s !== undefined || p.decode_tok_s !== undefined)
    ) {
      ok = false;
      report(at, `${where}a segmentation profile row needs latency_ms (and no tok/s figures)`);
    }
    if (ok) added.set(p.model, [...(added.get(p.model) ?? []), profileRowOf(p, `declared in ${origin}`)]);
  });
  const models: Record<string, ModelSpec> = { ...base.models };
  const touched = new Set([...rawModels.keys(), ...added.keys()]);
  for (const k of touched) {
    const mine = added.get(k) ?? [];
    const pairs = new Set(mine.map((r) => r.deviceType));
    const kept = (base.models[k]?.profiles ?? []).filter((r) => !pairs.has(r.deviceType));
    const rm = rawModels.get(k);
    models[k] =
      rm !== undefined
        ? modelSpec(rm, origin, [...kept, ...mine])
        : { ...base.models[k]!, profiles: [...kept, ...mine] };
  }
  return { devices, models, links };
}
