/**
 * The mutable state of one simulation run and the request-level operations every model shares:
 * device compute FIFO and busy accounting, request outcomes (exactly one each, INV-1), response
 * delivery, records. Models (sim/models/*) call these; the handlers live in sim/simulate.ts.
 */
import type { DeviceState, Lifecycle, PlacementChange, RequestRecord, Outcome } from '../../policies/index.js';
import { deviceStates } from '../../host/index.js';
import type { Scenario } from '../../scenarios/index.js';
import type { EventKernel, RngStreams } from '../kernel/index.js';
import type { RunSummarizer } from '../metrics/index.js';
import { meetsSlo } from '../metrics/index.js';
import type { HostLoadIndex } from './load-index.js';
import type { LinkNetwork } from '../network/link-network.js';
import { ThermalModel } from '../devices/thermal.js';
import { PRIORITY } from '../priorities.js';
import type { ClosedLoop } from './closed-loop.js';
import { NO_EVENT, type Instance, type Mutable } from './instance.js';
import { Lanes } from './lanes.js';
import { ProcessorShare } from './processor-share.js';
import { RequestOverhead } from './request-overhead.js';
import { Colocation } from './colocation.js';
import type { Timeline } from './timeline.js';
import { OUTCOMES, PENDING, RequestTable } from './requests.js';
import { declaredRate } from './static-views.js';

/** Bounds of the request table's initial size (it still grows past the upper one). */
const MIN_TABLE = 4096;
const MAX_TABLE = 1 << 21;

/** Requests the declared rates offer over the horizon (+10%), to size the table once. */
function expectedRequests(scenario: Scenario): number {
  let n = 0;
  for (const s of scenario.services) n += declaredRate(s.arrivals) * scenario.horizonS;
  return Math.min(MAX_TABLE, Math.max(MIN_TABLE, Math.ceil(n * 1.1)));
}

/** Bytes per token of an LLM request or response on the wire (token ids / UTF-8 text ≈ 4 B). */
export const LLM_BYTES_PER_TOKEN = 4;

export interface Handlers {
  arrival: number;
  clientArrival: number;
  atInstance: number;
  kick: number;
  stageReady: number;
  iterationEnd: number;
  deliver: number;
  ready: number;
  place: number;
  fault: number;
  viewTick: number;
  syncSend: number;
  syncRecv: number;
}

export class World {
  readonly requests: RequestTable;
  readonly instances: Instance[] = [];
  readonly instanceById = new Map<string, Instance>();
  readonly changes: PlacementChange[] = [];
  readonly notes = new Set<string>();
  // Stryker disable ObjectLiteral,UnaryOperator: placeholders only — simulate() registers every handler before the kernel runs an event
  readonly handlers: Handlers = {
    arrival: -1,
    clientArrival: -1,
    atInstance: -1,
    kick: -1,
    stageReady: -1,
    iterationEnd: -1,
    deliver: -1,
    ready: -1,
    place: -1,
    fault: -1,
    viewTick: -1,
    syncSend: -1,
    syncRecv: -1,
  };
  // Stryker restore ObjectLiteral,UnaryOperator
  /** Per device (scenario order). */
  readonly alive: Uint8Array;
  /** Busy seconds of the device: the sum over its GPU lanes / its GPU count (mean lane busy). */
  readonly busyTotal: Float64Array;
  readonly weightsReserved: Float64Array;
  readonly memoryBytes: Float64Array;
  /** The device's accelerators: one compute lane per GPU (see lanes.ts). */
  readonly lanes: Lanes;
  /** Set by the LLM engine: shortens a lane's decode run so other work can start (see llm-engine). */
  interruptRun: (inst: Instance) => void = () => undefined;
  /**
   * Instances placed at t = 0 are ready at once instead of loading weights: how the live
   * controller starts (it places and waits until ready before t = 0), for sim-vs-live validation.
   */
  warmStart = false;
  /** Closed-loop clients: told when one of their requests settles (set by the simulator). */
  closedLoop: ClosedLoop | null = null;
  /** Co-located instances time-slice a shared GPU (scenario `device_sharing`: time-slice, the default, or priority). */
  readonly timeSlice: boolean;
  /** Devices with `cooling`: temperature and clock (sim/devices/thermal.ts); null when none has. */
  readonly thermal: ThermalModel | null;
  /**
   * `device_sharing: processor-sharing`: per device, its engines' work runs at once, each at its
   * share of the cores (processor-share.ts); null under the lane FIFOs (the other disciplines).
   */
  readonly share: ProcessorShare[] | null;
  /** `device_sharing: priority`: only an instance with a higher-priority active co-tenant yields. */
  readonly priorityShare: boolean;
  /** Per service: its priority on a shared GPU (frame deadline 2 > token SLO 1 > end-to-end 0). */
  readonly sharePriority: Int8Array;
  /** `parasim run --timeline`: steps, requests and transfers for a Perfetto trace, or null. */
  timeline: Timeline | null = null;
  /** Start time of the work placed by the last `runOnLanes` (after the lanes' earlier work). */
  lastStartS = 0;
  readonly deviceViews: Mutable<DeviceState>[];
  /** Ingress node index per service. */
  readonly ingressNode: Int32Array;
  /**
   * Bumped on every change policies may cache on (instance list, lifecycle state, device
   * `alive`, in any view); the views hand it out as `ClusterView.version`. Change those fields
   * only through `setLifecycle` / `setAlive` / `topologyChanged`, or cached routes go stale.
   */
  topology = 0;
  /** Least-loaded index told of every queued/running change (issue #15); null when unused. */
  loadIndex: HostLoadIndex | null = null;

  constructor(
    readonly scenario: Scenario,
    readonly kernel: EventKernel,
    readonly streams: RngStreams,
    readonly network: LinkNetwork,
    readonly summarizer: RunSummarizer,
    private readonly onRecord: ((r: RequestRecord) => void) | undefined,
  ) {
    const n = scenario.devices.length;
    this.requests = new RequestTable(expectedRequests(scenario));
    this.alive = new Uint8Array(n).fill(1);
    this.busyTotal = new Float64Array(n);
    this.weightsReserved = new Float64Array(n);
    const sharing = scenario.deviceSharing ?? 'time-slice';
    this.timeSlice = sharing === 'time-slice' || sharing === 'priority';
    this.priorityShare = scenario.deviceSharing === 'priority';
    this.sharePriority = Int8Array.from(scenario.services, (s) =>
      s.slo.kind === 'frame' ? 2 : s.slo.kind === 'token' ? 1 : 0,
    );
    this.lanes = new Lanes(
      scenario.devices.map((d) => ({ gpus: d.spec.gpus, memoryBytesPerGpu: d.spec.memoryBytesPerGpu })),
    );
    this.memoryBytes = Float64Array.from(scenario.devices, (d) => d.spec.gpus * d.spec.memoryBytesPerGpu);
    this.share =
      sharing === 'processor-sharing' ? scenario.devices.map((_, d) => new ProcessorShare(this.lanes.count[d]!)) : null;
    this.deviceViews = deviceStates(scenario, true);
    this.ingressNode = Int32Array.from(scenario.services, (s) => network.nodeIndex.get(s.ingress) ?? -1);
    this.overhead = new RequestOverhead(scenario.devices, streams);
    const thermal = new ThermalModel(scenario);
    this.thermal = thermal.any ? thermal : null;
    const colocation = new Colocation(scenario, this.lanes, this.share);
    this.colocation = colocation.any ? colocation : null;
  }

  /** Devices sharing a host (DeviceConfig.colocated), or null when none. */
  private readonly colocation: Colocation | null;
  /** Per device: the measured request overhead of its server, and its wake-up after idle. */
  private overhead: RequestOverhead;

  /** Draws request overheads from replica `r`'s streams (SimulateOptions.overheadReplica); call before the run. */
  useOverheadReplica(r: number): void {
    this.overhead = new RequestOverhead(this.scenario.devices, this.streams, r);
  }

  /**
   * Seconds request `req`, reaching device `d` at `atS`, waits for its server's own handling
   * (request-overhead.ts: a draw from the device's measured samples; 0 without). The request
   * counts as in flight on `d` until it settles.
   */
  requestOverhead(req: number, d: number, atS: number): number {
    this.requests.overheadDevice[req] = d;
    return this.overhead.draw(d, atS);
  }

  /** Multiplier on the duration of work device `d` starts now: 1 / its clock ratio (thermal throttling). */
  timeScale(d: number): number {
    const thermal = this.thermal === null ? 1 : this.thermal.timeScale(d, this.kernel.now);
    return this.colocation === null ? thermal : thermal * this.colocation.timeScale(d, this.kernel.now);
  }

  get now(): number {
    return this.kernel.now;
  }

  topologyChanged(): void {
    this.topology++;
  }

  /** Sets an instance's lifecycle state (as seen by policies). */
  setLifecycle(inst: Instance, state: Lifecycle): void {
    if (inst.view.state === state) return;
    inst.view.state = state;
    this.topology++;
  }

  /** Marks device `d` up or down, in the host state and the fresh device view. */
  setAlive(d: number, alive: boolean): void {
    this.alive[d] = alive ? 1 : 0;
    if (this.deviceViews[d]!.alive !== alive) {
      this.deviceViews[d]!.alive = alive;
      this.topology++;
    }
  }

  note(text: string): void {
    this.notes.add(text);
  }

  /**
   * Runs `durS` of work on the GPU lanes `lanes` of device `d`, no earlier than `readyS` and
   * after the earlier work of every one of those lanes (each lane is a FIFO; instances on
   * disjoint lanes run concurrently); returns the end time. A decode run owned by another
   * instance on one of the lanes is cut first.
   */
  runOnLanes(d: number, lanes: Int32Array, readyS: number, durS: number, owner: number): number {
    if (this.sharedStep(d, owner)) return this.runShared(d, lanes, readyS, durS, owner);
    const L = this.lanes;
    let start = readyS;
    for (let k = 0; k < lanes.length; k++) {
      const l = lanes[k]!;
      const o = L.owner[l]!;
      if (o >= 0 && o !== owner) this.interruptRun(this.instances[o]!);
      if (L.busyUntil[l]! > start) start = L.busyUntil[l]!;
    }
    const end = start + durS;
    this.account(d, lanes, start, end, durS, owner);
    return end;
  }

  /**
   * True when `owner`'s work on device `d` is processor-shared: the scenario says so and the
   * instance runs on that device alone (one stage, no tensor-parallel peers). Pipeline and TP
   * stages keep the lane FIFO (their steps span devices; an assumption of this model).
   */
  private sharedStep(d: number, owner: number): boolean {
    if (this.share === null || owner < 0) return false;
    const inst = this.instances[owner]!;
    return inst.stageDevices.length === 1 && inst.peerDevices.length === 0 && inst.stageDevices[0] === d;
  }

  /**
   * Processor sharing (processor-share.ts): the work starts at `readyS` beside the device's other
   * running work; every co-running job's end moves (its end event is re-scheduled) and the new
   * one's end is returned. A decode run of another instance is cut at its next step boundary
   * first, so only one step of it is stretched. Work of pipeline or TP stages on the same device
   * (lane FIFO) is not shared with it: the lanes' busy-until is the shared work's (an
   * approximation for that mix).
   */
  private runShared(d: number, lanes: Int32Array, readyS: number, durS: number, owner: number): number {
    const L = this.lanes;
    // Every decode run on the device, not only on these lanes: the cores are shared device-wide,
    // and a run's step boundaries (llm-engine cutRun) assume the speed it started at.
    for (let k = 0; k < L.count[d]!; k++) {
      const o = L.owner[L.base[d]! + k]!;
      if (o >= 0 && o !== owner) this.interruptRun(this.instances[o]!);
    }
    const ps = this.share![d]!;
    ps.add(readyS, owner, durS, lanes.length);
    this.moveSharedEnds(d, owner);
    this.sharedBusyUntil(d);
    this.account(d, lanes, readyS, readyS + durS, durS, owner, false);
    return ps.endOf(owner);
  }

  /**
   * After any change of device `d`'s processor-shared jobs (an arrival, a cut): re-schedules the
   * end event of every co-runner whose predicted end moved. `owner`'s own event is its caller's
   * (the engine schedules it at the end `runShared` returns, or at the cut's step boundary).
   */
  private moveSharedEnds(d: number, owner: number): void {
    const ps = this.share![d]!;
    for (let i = 0; i < ps.active; i++) {
      if (!ps.endMovedAt(i)) continue;
      const o = ps.ownerAt(i);
      if (o !== owner) this.moveEnd(this.instances[o]!, ps.endAt(i));
      ps.markScheduled(i);
    }
  }

  /** Re-schedules the pending end event of `inst`'s step at `t` (its processor share changed). */
  private moveEnd(inst: Instance, t: number): void {
    if (inst.iterHandle === NO_EVENT || !this.kernel.cancel(inst.iterHandle)) return;
    inst.iterHandle = this.kernel.scheduleAt(t, this.handlers.iterationEnd, inst.index, PRIORITY.completion);
  }

  /** A processor-shared device is busy until its last job ends (lanesFree, FIFO work after it). */
  private sharedBusyUntil(d: number): void {
    const L = this.lanes;
    const until = Math.max(this.now, this.share![d]!.busyUntil);
    for (let k = 0; k < L.count[d]!; k++) L.busyUntil[L.base[d]! + k] = until;
  }

  /** Busy accounting of `durS` of work on `lanes` of `d` over [start, end). */
  private account(
    d: number,
    lanes: Int32Array,
    start: number,
    end: number,
    durS: number,
    owner: number,
    setBusyUntil = true,
  ): void {
    const L = this.lanes;
    this.lastStartS = start;
    const h = this.scenario.horizonS;
    const inRun = (end < h ? end : h) - (start < h ? start : h);
    for (let k = 0; k < lanes.length; k++) {
      const l = lanes[k]!;
      if (setBusyUntil) L.busyUntil[l] = end;
      L.busy[l] = L.busy[l]! + durS;
      L.busyInRun[l] = L.busyInRun[l]! + inRun;
    }
    const frac = lanes.length / L.count[d]!;
    this.busyTotal[d] = this.busyTotal[d]! + durS * frac;
    this.summarizer.addBusy(d, start, end, frac);
    if (owner >= 0) this.summarizer.addServiceBusy(this.instances[owner]!.service, d, inRun * frac);
    if (this.thermal !== null) this.thermal.addBusy(d, start, end, frac);
  }

  /** Takes back busy time reserved on `lanes` of `d` for [fromS, toS) (a decode run cut short). */
  releaseLanes(d: number, lanes: Int32Array, fromS: number, toS: number, owner = -1): void {
    const L = this.lanes;
    const h = this.scenario.horizonS;
    const shared = this.sharedStep(d, owner);
    if (shared) {
      // The co-runners speed up at once: their end events move now, not at the next arrival.
      this.share![d]!.shorten(this.now, owner, toS - fromS);
      this.moveSharedEnds(d, owner);
    }
    const inRun = (toS < h ? toS : h) - (fromS < h ? fromS : h);
    for (let k = 0; k < lanes.length; k++) {
      const l = lanes[k]!;
      if (!shared) L.busyUntil[l] = fromS;
      L.busy[l] = L.busy[l]! - (toS - fromS);
      L.busyInRun[l] = L.busyInRun[l]! - inRun;
    }
    const frac = lanes.length / L.count[d]!;
    this.busyTotal[d] = this.busyTotal[d]! - (toS - fromS) * frac;
    this.summarizer.addBusy(d, fromS, toS, -frac);
    if (owner >= 0) this.summarizer.addServiceBusy(this.instances[owner]!.service, d, -inRun * frac);
    if (this.thermal !== null) this.thermal.addBusy(d, fromS, toS, -frac);
    if (shared) this.sharedBusyUntil(d);
  }

  /** Device `d` crashed: its lanes (and processor-shared work) stop. */
  crashLanes(d: number): void {
    this.lanes.crash(d, this.now);
    this.share?.[d]!.clear(this.now);
  }

  /** True when every lane in `lanes` is free at `t`. */
  lanesFree(lanes: Int32Array, t: number): boolean {
    const L = this.lanes;
    for (let k = 0; k < lanes.length; k++) if (L.busyUntil[lanes[k]!]! > t) return false;
    return true;
  }

  /**
   * An idle, ready instance got work: its engine starts a step once everything else at this
   * instant has happened (PRIORITY.kick), so requests arriving together are batched together —
   * the engine loop of a server sees every request that reached it before it schedules.
   */
  kick(inst: Instance): void {
    if (inst.kickPending || inst.busy) return;
    if (inst.state === 'loading' || inst.state === 'pending') return;
    inst.kickPending = true;
    this.kernel.scheduleAt(this.kernel.now, this.handlers.kick, inst.index, PRIORITY.kick);
  }

  /** Timeline only: a transfer between nodes `from` and `to` (network indices). */
  traceTransfer(from: number, to: number, startS: number, endS: number, bytes: number): void {
    const ids = this.network.nodeIds;
    this.timeline!.transfer(ids[from]!, ids[to]!, startS, endS, bytes);
  }

  /** Counts a request routed to `inst` (in flight until it leaves) at `inst` and on its devices (views). */
  enterInstance(inst: Instance): void {
    inst.inFlight++;
    this.countsChanged(inst);
    const sd = inst.stageDevices;
    for (let k = 0; k < sd.length; k++) this.deviceViews[sd[k]!]!.queuedRequests++;
  }

  /** A request left `inst` (finished, dropped or failed); take it out of `runCount` first if it ran. */
  leaveInstance(inst: Instance): void {
    inst.inFlight--;
    this.countsChanged(inst);
    const sd = inst.stageDevices;
    for (let k = 0; k < sd.length; k++) this.deviceViews[sd[k]!]!.queuedRequests--;
  }

  /**
   * The view's counts after `inFlight` or `runCount` changed: running = the engine's batch,
   * queued = the rest in flight (in transit or waiting) — the split the live controller reports
   * (runtime/controller), so `queued + running` is the requests in flight on both sides.
   */
  countsChanged(inst: Instance): void {
    inst.view.running = inst.runCount;
    inst.view.queued = inst.inFlight - inst.runCount;
    this.loadIndex?.changed(inst.view);
  }

  /** Final outcome without service (dropped or failed) at the current time. */
  endUnserved(req: number, outcome: 'dropped' | 'failed', reason: string): void {
    const r = this.requests;
    r.finish[req] = this.now;
    r.reason[req] = r.reasonId(reason);
    this.settle(req, outcome);
  }

  /** The response of a finished request leaves device `d` at `readyS` towards its ingress. */
  sendResponse(req: number, d: number, readyS: number, bytes: number): void {
    const r = this.requests;
    const to = this.ingressNode[r.service[req]!]!;
    const at = this.network.transfer(d, to, bytes, readyS);
    if (this.timeline !== null && at !== Infinity) this.traceTransfer(d, to, readyS, at, bytes);
    if (at === Infinity) {
      r.finish[req] = readyS;
      r.reason[req] = r.reasonId('no-route');
      this.settle(req, 'failed');
      return;
    }
    this.kernel.scheduleAt(at, this.handlers.deliver, req, PRIORITY.completion);
  }

  /** DELIVER: the response reached the ingress; judge it against the SLO (INV-5). */
  onDelivered(req: number): void {
    const r = this.requests;
    if (r.outcome[req] !== PENDING) return;
    r.finish[req] = this.now;
    const s = r.service[req]!;
    const ok = meetsSlo(this.scenario.services[s]!.slo, r.arrival[req]!, r.firstToken[req]!, this.now, r.output[req]!);
    this.settle(req, ok ? 'ok' : 'late');
  }

  /** Requests without an outcome at the horizon become `inflight` (counted, never hidden). */
  settleInflight(): void {
    const r = this.requests;
    for (let i = 0; i < r.size; i++) {
      if (r.outcome[i] === PENDING) {
        r.finish[i] = NaN;
        this.settle(i, 'inflight');
      }
    }
  }

  private settle(req: number, outcome: Outcome): void {
    const r = this.requests;
    // INV-1: exactly one outcome per request.
    if (r.outcome[req] !== PENDING) throw new Error(`INV-1: request ${req} settled twice`);
    r.outcome[req] = OUTCOMES.indexOf(outcome);
    if (r.overheadDevice[req]! >= 0) this.overhead.settled(r.overheadDevice[req]!, this.now);
    if (this.timeline !== null) this.timeline.request(r.service[req]!, req, r.arrival[req]!, r.finish[req]!, outcome);
    const c = r.client[req]!;
    if (c >= 0 && outcome !== 'inflight') this.closedLoop!.ended(c, this.now, outcome === 'ok' || outcome === 'late');
    const reason = r.reason[req]! >= 0 ? r.reasons[r.reason[req]!] : undefined;
    const ft = r.firstToken[req]!;
    this.summarizer.add(r.service[req]!, outcome, r.arrival[req]!, ft, r.finish[req]!, r.output[req]!, reason);
    if (this.onRecord !== undefined) {
      const inst = r.instance[req]! >= 0 ? this.instances[r.instance[req]!] : undefined;
      const rec: RequestRecord = {
        id: req,
        service: this.scenario.services[r.service[req]!]!.name,
        arrivalS: r.arrival[req]!,
        startS: r.start[req]!,
        firstTokenS: ft,
        finishS: r.finish[req]!,
        promptTokens: r.prompt[req]!,
        outputTokens: r.output[req]!,
        devices: inst?.deviceIds ?? [],
        outcome,
        ...(reason !== undefined ? { reason } : {}),
      };
      this.onRecord(rec);
    }
  }

  recordChange(action: PlacementChange['action'], inst: Instance): void {
    this.changes.push(
      action === 'load'
        ? {
            timeS: this.now,
            service: inst.serviceName,
            action,
            instance: inst.id,
            devices: inst.deviceIds,
            stages: inst.stages,
            ...(inst.microBatches > 0 ? { microBatches: inst.microBatches } : {}),
          }
        : { timeS: this.now, service: inst.serviceName, action, instance: inst.id, devices: inst.deviceIds },
    );
  }
}
