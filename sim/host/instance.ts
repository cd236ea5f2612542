/**
 * One placed replica of a service: its stages, lifecycle, queue, running batch and KV budget.
 * `view` is the live InstanceState object handed to policies (mutated in place by the host).
 */
import type { InstanceState, Lifecycle, Stage } from '../../policies/index.js';
import type { ItemPerf, LlmStagePerf } from '../models/perf.js';
import { IndexQueue } from './requests.js';
import type { World } from './world.js';

/**
 * A serving engine: one per service kind (LLM iteration-level batching, per-item batching),
 * chosen at placement and called by the simulator's handlers without knowing the kind.
 */
export interface ServingEngine {
  /** A request's input reached the instance. */
  enqueue(w: World, inst: Instance, req: number): void;
  /** Starts the next step if the instance is idle and has work (after becoming ready). */
  start(w: World, inst: Instance): void;
  /** The instance's step (or batch) ended now. */
  stepEnd(w: World, inst: Instance): void;
  /** Another instance needs one of this one's lanes: shorten a multi-step run (or nothing). */
  interrupt(w: World, inst: Instance): void;
}

export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * `iterHandle` when no iteration event is pending. A double, not −1: kernel handles outgrow
 * V8's small integers mid-run, and a field that switches from small-integer to double storage
 * changes the hidden class of every Instance and throws away the optimized hot paths. The same
 * reason makes the decode-run fields start as NaN (they are written before they are read).
 */
export const NO_EVENT = -Infinity;

const NO_PEERS = new Int32Array(0);

export class Instance {
  readonly view: Mutable<InstanceState>;
  readonly waiting = new IndexQueue();
  /** Running requests (LLM: the batch; segmentation: the batch in service). */
  readonly running: Int32Array;
  runCount = 0;
  /** Requests routed here whose input is still on the network. */
  inTransit = 0;
  /**
   * Requests routed here and not finished (in transit, waiting or running) — what a router that
   * sent them counts; the view shows it as queued (= inFlight − runCount) + running.
   */
  inFlight = 0;
  /** Paged KV: capacity and blocks held by the running sequences (llm-engine). */
  kvCapacityBlocks = Infinity;
  /** Killed by the OOM killer when it loads (sim/devices/memory-pressure.ts): its requests fail with `oom`. */
  oom = false;
  kvUsedBlocks = 0;
  /** Per running slot: prompt tokens prefilled in the current step (0 = decoding). */
  readonly stepPrefill: Int32Array;
  /** Largest prompt tokens per step (vLLM max_num_batched_tokens); Infinity = no limit. */
  maxStepTokens = Infinity;
  /** Split a prompt over steps when it exceeds the step's token budget (chunked prefill). */
  chunkedPrefill = false;
  /** Preemption by swapping KV to host memory instead of recompute; KV bytes per token; swap time owed. */
  swapPreemption = false;
  kvBytesPerToken = 0;
  pendingSwapS = 0;
  /** Time-slice sharing: prompt tokens per step that keep a step within one quantum. */
  sliceTokens = Infinity;
  /** Engine statistics: busy seconds, Σ batch·dt, Σ (KV used / capacity)·dt, preemptions. */
  statBusyS = 0;
  statBatchS = 0;
  statKvS = 0;
  preemptions = 0;
  /** The current step (or run): start time, batch, KV fraction at its start. */
  stepStartS = 0;
  stepBatch = 0;
  stepKv = 0;
  /** Timeline: when the step started on its lanes, its prefill tokens and decodes. */
  laneStartS = 0;
  stepPrefillTokens = 0;
  stepDecodes = 0;
  /** The step's KV tokens and prefill attention pairs; the pipeline stage it has reached. */
  stepKvTokens = 0;
  stepPairs = 0;
  pipeStage = 0;
  busy = false;
  /** A kick (start of a step) is scheduled at the current instant. */
  kickPending = false;
  iterHandle = NO_EVENT;
  /**
   * Decode run (see llm-engine): `runSteps` decode iterations scheduled as one event; step i
   * (0-based) lasts `runA + i·runB`, the first starting at `runStartS`.
   */
  runSteps = 1;
  runStartS = NaN;
  runA = NaN;
  runB = NaN;
  /** Device ids of the stages, for records. */
  readonly deviceIds: readonly string[];

  constructor(
    readonly index: number,
    readonly id: string,
    readonly service: number,
    readonly serviceName: string,
    readonly key: string,
    readonly stages: readonly Stage[],
    /** Device index per stage. */
    readonly stageDevices: Int32Array,
    /** Weight bytes reserved per stage. */
    readonly stageWeights: Float64Array,
    /** GPU lanes per stage (sim/host/lanes.ts), claimed at placement. */
    readonly stageLanes: readonly Int32Array[],
    /** The serving engine of the service's kind. */
    readonly engine: ServingEngine,
    readonly llm: readonly LlmStagePerf[] | null,
    readonly item: ItemPerf | null,
    readonly maxBatch: number,
  ) {
    this.running = new Int32Array(Math.max(1, maxBatch));
    this.stepPrefill = new Int32Array(Math.max(1, maxBatch));
    this.deviceIds = stages.flatMap((s) => [s.device, ...(s.peers ?? [])]);
    this.view = { id, service: serviceName, stages, state: 'pending', queued: 0, running: 0 };
  }

  get state(): Lifecycle {
    return this.view.state;
  }

  /** Accepting new or in-transit work. */
  get serving(): boolean {
    const s = this.view.state;
    return s === 'loading' || s === 'ready' || s === 'draining' || s === 'pending';
  }

  /**
   * Tensor-parallel peers (Stage.peers), set at placement: device index, stage index and GPU
   * lanes of each. A peer's crash fails the instance; its lanes mirror the root's busy time.
   */
  peerDevices: Int32Array = NO_PEERS;
  peerStage: Int32Array = NO_PEERS;
  peerLanes: readonly Int32Array[] = [];
  /**
   * Most micro-batches a pipeline step is cut into (PlannedInstance.microBatches); 0 = the engine's
   * default, one per stage (sim/parallel/pipeline.ts).
   */
  microBatches = 0;

  /** Last time a request reached this instance (time-slicing: is this co-tenant active?). */
  lastWorkS = -Infinity;

  usesDevice(d: number): boolean {
    for (let k = 0; k < this.stageDevices.length; k++) if (this.stageDevices[k] === d) return true;
    for (let k = 0; k < this.peerDevices.length; k++) if (this.peerDevices[k] === d) return true;
    return false;
  }

  get idle(): boolean {
    return this.inTransit === 0 && this.waiting.length === 0 && this.runCount === 0 && !this.busy;
  }
}
