/**
 * One placed replica of a service: its stages, lifecycle, queue, running batch and KV budget.
 * `view` is the live InstanceState object handed to policies (mutated in place by the host).
 */
import type { InstanceState, Lifecycle, Stage } from '../../policies/index.js';
import type { ItemPerf, LlmStagePerf } from '../models/perf.js';
import { IndexQueue } from './requests.js';

export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * `iterHandle` when no iteration event is pending. A double, not −1: kernel handles outgrow
 * V8's small integers mid-run, and a field that switches from small-integer to double storage
 * changes the hidden class of every Instance and throws away the optimized hot paths. The same
 * reason makes the decode-run fields start as NaN (they are written before they are read).
 */
export const NO_EVENT = -Infinity;

export class Instance {
  readonly view: Mutable<InstanceState>;
  readonly waiting = new IndexQueue();
  /** Running requests (LLM: the batch; segmentation: the batch in service). */
  readonly running: Int32Array;
  runCount = 0;
  /** Requests routed here whose input is still on the network. */
  inTransit = 0;
  /** KV budget and reservation in tokens (prompt + output reserved at admission). */
  kvCapacity = Infinity;
  kvReserved = 0;
  /** Context tokens held by running sequences (drives the roofline KV read). */
  kvLive = 0;
  busy = false;
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
    readonly llm: readonly LlmStagePerf[] | null,
    readonly item: ItemPerf | null,
    readonly maxBatch: number,
  ) {
    this.running = new Int32Array(Math.max(1, maxBatch));
    this.deviceIds = stages.map((s) => s.device);
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

  usesDevice(d: number): boolean {
    for (let k = 0; k < this.stageDevices.length; k++) if (this.stageDevices[k] === d) return true;
    return false;
  }

  get idle(): boolean {
    return this.inTransit === 0 && this.waiting.length === 0 && this.runCount === 0 && !this.busy;
  }
}
