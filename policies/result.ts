/**
 * Request records and the canonical result: one schema for the simulator and the runtime.
 * The result carries no wall-clock figure, so two results can be compared byte for byte.
 */
import type { DeviceId, ServiceKind, ServiceName, Slo, Stage } from './contract.js';

/** Exactly one per offered request. `inflight` only for requests still running at the horizon. */
export type Outcome = 'ok' | 'late' | 'dropped' | 'failed' | 'inflight';

export interface RequestRecord {
  readonly id: number;
  readonly service: ServiceName;
  readonly arrivalS: number;
  /** When service began (admitted into a batch); NaN if never. */
  readonly startS: number;
  /** First output token (LLM) or NaN. */
  readonly firstTokenS: number;
  /** Completion or failure/drop time; NaN for inflight. */
  readonly finishS: number;
  readonly promptTokens: number;
  readonly outputTokens: number;
  readonly devices: readonly DeviceId[];
  readonly outcome: Outcome;
  /** Drop or failure reason. */
  readonly reason?: string;
}

export interface LatencySummary {
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  /** Values at quantiles 0, 0.05, …, 1 (21 points) for CDF plots. */
  readonly cdf: readonly number[];
}

export interface OutcomeCounts {
  readonly offered: number;
  readonly ok: number;
  readonly late: number;
  readonly dropped: number;
  readonly failed: number;
  readonly inflight: number;
}

export interface ServiceResult extends OutcomeCounts {
  readonly kind: ServiceKind;
  /** Offered requests per second of the run (load 1 = the scenario's nominal rate). */
  readonly offeredRps: number;
  /** Requests finished within SLO per second of the run. */
  readonly goodputRps: number;
  /** ok / offered. */
  readonly sloAttainment: number;
  /** Served-only latencies: finished requests (ok + late). */
  readonly ttftS: LatencySummary;
  readonly tpotS: LatencySummary;
  readonly e2eS: LatencySummary;
  /** The SLO requests were judged against (so a report can state it). */
  readonly slo: Slo;
  /**
   * The same latencies with every request that did not finish (dropped, failed, in flight at the
   * horizon) counted as +∞ (null in JSON), so no policy improves a percentile by dropping. TTFT and
   * TPOT of segmentation services have no such population (count 0).
   */
  readonly ttftInclDropsS: LatencySummary;
  readonly tpotInclDropsS: LatencySummary;
  readonly e2eInclDropsS: LatencySummary;
  /** LLM services: output tokens of finished requests (ok + late) per second of the run. */
  readonly outputTokPerS?: number;
  /** Fraction of the run with no ready instance of this service (from placement changes). */
  readonly noReadyFraction: number;
  /** Requests of this service in the system (arrived, no outcome yet) at the end of each timeline bucket. */
  readonly inflightTimeline: readonly number[];
  readonly dropReasons: Readonly<Record<string, number>>;
  /** Which device types used measured profiles vs the roofline fallback. */
  readonly perfSource: Readonly<Record<string, 'profile' | 'roofline'>>;
  /**
   * Energy this service used, joules: each device's energy split by the service's share of its
   * busy time (sim/metrics/energy.ts); null when no device it ran on has a power figure (or the
   * host does not attribute busy time, as live replays today).
   */
  readonly energyJ?: number | null;
  /** energyJ / finished requests (ok + late); null when unknown or nothing finished. */
  readonly energyPerRequestJ?: number | null;
  /** LLM services: energyJ / output tokens of finished requests. */
  readonly energyPerOutputTokenJ?: number | null;
}

export interface DeviceResult {
  readonly type: string;
  /** Busy fraction of the run. */
  readonly utilization: number;
  /** Energy in joules (idle + busy power), null where the catalog has no power figure. */
  readonly energyJ: number | null;
  /** Busy fraction per timeline bucket. */
  readonly utilizationTimeline: readonly number[];
  /** Devices with a thermal model (`cooling`): mean clock ratio (1 = full clock) per timeline bucket. */
  readonly clockTimeline?: readonly number[];
}

export interface LinkResult {
  readonly type: string;
  /**
   * Busy fraction of the busier direction: serialization time reserved / horizon, capped at 1
   * (transfers queued past the horizon count, so a saturated link reads 1).
   */
  readonly utilization: number;
}

export interface PlacementChange {
  readonly timeS: number;
  readonly service: ServiceName;
  readonly action: 'load' | 'ready' | 'drain' | 'gone' | 'failed';
  readonly instance: string;
  readonly devices: readonly DeviceId[];
  /**
   * On `load` only: the split the policy chose — each stage's device, layer range [first, end),
   * TP degree inside the box, tensor-parallel peers across devices, GPU share — and the pipeline's
   * micro-batches when the plan set them.
   */
  readonly stages?: readonly Stage[];
  readonly microBatches?: number;
}

export interface RunResult {
  readonly schema: 'parasim.result/1';
  /** Which host produced it: the simulator's virtual clock or a live replay. Reports never average the two. */
  readonly clock: 'simulated' | 'live';
  readonly scenario: string;
  readonly seed: number;
  readonly policy: string;
  readonly horizonS: number;
  /** Length of one timeline bucket, seconds. */
  readonly timelineBucketS: number;
  /**
   * Sums over services. `goodputRps`/`sloAttainment` weight every request alike (camera frames
   * outnumber chat requests 20:1), so they are never a headline: compare `minServiceAttainment`
   * (every service must meet its target) or `meanServiceAttainment` (mean of goodput/offered).
   */
  readonly totals: OutcomeCounts & {
    readonly goodputRps: number;
    readonly sloAttainment: number;
    /** Lowest per-service SLO attainment (services with offered > 0); NaN when none. */
    readonly minServiceAttainment: number;
    /** Mean per-service SLO attainment (services with offered > 0); NaN when none. */
    readonly meanServiceAttainment: number;
  };
  readonly services: Readonly<Record<ServiceName, ServiceResult>>;
  readonly devices: Readonly<Record<DeviceId, DeviceResult>>;
  /** Per link id (empty where the host does not measure links, e.g. live replays). */
  readonly links: Readonly<Record<string, LinkResult>>;
  /** Goodput (ok requests/s) per timeline bucket, all services. */
  readonly goodputTimeline: readonly number[];
  readonly placementChanges: readonly PlacementChange[];
  /** Anything the run wants a reader to know (e.g. roofline fallbacks used). */
  readonly notes: readonly string[];
  /** The serving engine's own figures (simulator only; sim/host/engine-stats.ts). */
  readonly engine?: EngineResult;
}

/** Per LLM service, over the busy time of its instances (steps ended within the run). */
export interface EngineServiceResult {
  /** Running sequences per step, weighted by step time. */
  readonly meanRunningBatch: number;
  /** KV blocks held / KV capacity, weighted by step time. */
  readonly kvUtilization: number;
  /** Sequences preempted (by recompute) because KV blocks ran out. */
  readonly preemptions: number;
}

export interface EngineResult {
  readonly services: Readonly<Record<ServiceName, EngineServiceResult>>;
  /** Per device: busy fraction of the run of each GPU lane (one per accelerator). */
  readonly lanes: Readonly<Record<DeviceId, readonly number[]>>;
}
