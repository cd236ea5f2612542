/**
 * A device's power mode, cooling and memory reserve, resolved against its catalog entry (issue
 * 18). A power mode scales the board's throughput (compute and memory bandwidth together, by the
 * measured tok/s ratio of that mode to the entry's own: the profile rows were measured in the
 * default mode) and replaces its power figures, so it rides on `slowdown` — which scales profile
 * timings and roofline figures alike. Cooling picks the (R, τ) of the entry's thermal model.
 */
import { didYouMean } from './issues.js';
import type { Cooling, DeviceSpec, DeviceThermal } from './types.js';

export type ModeReport = (path: readonly PropertyKey[], message: string, hint?: string) => void;

export interface DeviceModeInput {
  readonly type: string;
  readonly power_mode?: string | undefined;
  readonly cooling?: Cooling | undefined;
  readonly memory_pressure?: boolean | undefined;
}

export interface ResolvedMode {
  readonly spec: DeviceSpec;
  /** Multiplies the device's `slowdown` (1 / throughput scale of the mode). */
  readonly slowdownFactor: number;
  readonly powerMode?: string;
  readonly thermal?: DeviceThermal;
}

/** `at` is the device entry's path (`['devices', i]`); problems go through `report`. */
export function resolveDeviceMode(
  d: DeviceModeInput,
  catalogSpec: DeviceSpec,
  at: readonly PropertyKey[],
  report: ModeReport,
): ResolvedMode {
  // Unified memory (opt-in, the reserves are assumptions): the OS/runtime reserve is not the
  // accelerator's, and what does not fit is OOM-killed (sim/devices/memory-pressure.ts). Without
  // `memory_pressure` the spec carries no reserve, which also turns the OOM rule off.
  const { osReserveBytes, ...plain } = catalogSpec;
  let spec: DeviceSpec = plain;
  if (d.memory_pressure === true) {
    if (osReserveBytes === undefined) {
      report(
        [...at, 'memory_pressure'],
        `device type "${d.type}" declares no os_reserve_gb in the catalog`,
        'add os_reserve_gb to its catalog entry (unified-memory boards), or remove memory_pressure',
      );
    } else {
      spec = {
        ...catalogSpec,
        memoryBytesPerGpu: Math.max(0, catalogSpec.memoryBytesPerGpu - osReserveBytes / catalogSpec.gpus),
      };
    }
  }
  let out: ResolvedMode = { spec, slowdownFactor: 1 };
  const modes = spec.powerModes ?? [];
  const modeName = d.power_mode ?? spec.defaultPowerMode;
  if (d.power_mode !== undefined && modes.length === 0) {
    report(
      [...at, 'power_mode'],
      `device type "${d.type}" has no power modes in the catalog`,
      'add power_modes to its catalog entry, or remove power_mode',
    );
  } else if (modeName !== undefined) {
    const mode = modes.find((m) => m.name === modeName);
    if (mode === undefined) {
      const names = modes.map((m) => m.name);
      report(
        [...at, 'power_mode'],
        `unknown power mode "${modeName}" for device type "${d.type}"; known modes: ${names.join(', ')}`,
        didYouMean(modeName, names),
      );
    } else {
      out = {
        spec: { ...spec, busyW: mode.busyW, idleW: mode.idleW ?? spec.idleW },
        slowdownFactor: 1 / mode.throughputScale,
        powerMode: mode.name,
      };
    }
  }
  if (d.cooling !== undefined) {
    const t = spec.thermal;
    const c = t?.cooling[d.cooling];
    if (t === undefined || c === undefined) {
      const known = t === undefined ? [] : (Object.keys(t.cooling) as Cooling[]);
      report(
        [...at, 'cooling'],
        t === undefined
          ? `device type "${d.type}" has no thermal model in the catalog, so cooling cannot be simulated`
          : `device type "${d.type}" has no thermal figures for cooling "${d.cooling}"; known: ${known.join(', ')}`,
        t === undefined ? 'add `thermal:` to its catalog entry (docs/catalog.md), or remove cooling' : undefined,
      );
    } else {
      out = {
        ...out,
        thermal: {
          ...t,
          coolingKind: d.cooling,
          rKPerW: c.rKPerW,
          tauS: c.tauS,
          source: `${t.source}; ${d.cooling}: ${c.source}`,
        },
      };
    }
  }
  return out;
}
