/**
 * `simulate(scenario)` — the single entry point of the simulator (sweeps, CLI and bench call it).
 * Pure of I/O: the scenario in, a RunResult out, records through an optional callback.
 *
 * Event flow per request (each an integer-payload kernel event, INV-2 causality by
 * construction): arrival at the ingress → policy.route → input transfer over the network →
 * queue at the instance → batched service (sim/models) → response transfer → deliver, judged
 * against the SLO. Requests still without an outcome at the horizon are `inflight` (INV-1).
 * Randomness: streams `arrivals:<service>`, `tokens:<service>`, `faults`, `policy:<name>`,
 * `links:loss`, `sync` (INV-3, INV-4).
 */
import { replaceAfterFault } from '../host/index.js';
import {
  POLICIES,
  isPolicyName,
  linksChanged,
  manageLinks,
  type Policy,
  type RequestInfo,
  type RequestRecord,
  type RunResult,
} from '../policies/index.js';
import type { PolicyChoice, Scenario, ServiceConfig } from '../scenarios/index.js';
import { openArrivals, type ArrivalOptions, type ArrivalSource, type MutableArrival } from '../traces/index.js';
import { FaultSchedule } from './faults/faults.js';
import { ClosedLoop } from './host/closed-loop.js';
import { engineStats } from './host/engine-stats.js';
import type { Timeline } from './host/timeline.js';
import { applyPlan, crashDevice, failInstance, goneIfIdle, markReady, recoverDevice } from './host/placement.js';
import { SyncChannel } from './host/sync.js';
import { HostLoadIndex } from './host/load-index.js';
import { Views } from './host/views.js';
import { LLM_BYTES_PER_TOKEN, World } from './host/world.js';
import { EventKernel, RngStreams } from './kernel/index.js';
import { RunSummarizer } from './metrics/index.js';
import { stageReady } from './models/llm/llm-engine.js';
import { contextTokens } from './devices/memory-pressure.js';
import { devicePerf } from './models/perf.js';
import { LinkNetwork } from './network/link-network.js';
import { PRIORITY } from './priorities.js';

export interface SimulateOptions {
  /** Root seed; defaults to the scenario's. */
  readonly seed?: number;
  /** Policy override; defaults to the scenario's. */
  readonly policy?: PolicyChoice;
  /** Called once per request when its outcome is known (inflight ones at the end). */
  readonly records?: (r: RequestRecord) => void;
  /** Called with the fraction of simulated time done, about 100 times per run. */
  readonly progress?: (fractionDone: number) => void;
  /** A ready-made policy object instead of the registry's (tests, what-if studies). */
  readonly policyImpl?: Policy;
  /** Replaces the arrival source of each service (tests with hand-placed arrivals, replays). */
  readonly arrivals?: (service: ServiceConfig, opts: ArrivalOptions) => ArrivalSource;
  /** The placement made at t = 0 is ready at t = 0 (no weight loading), as in a live replay. */
  readonly warmStart?: boolean;
  /**
   * Replica r (> 0) of the run: the draws from measured request overheads
   * (DeviceConfig.requestOverheadS…) use the streams `overhead:<device>/r<r>`, every other stream
   * stays as in replica 0 (same arrivals, same tokens). Validation pools replicas so one lucky
   * or unlucky tail draw does not decide a p99 (runtime/validate/validate.ts).
   */
  readonly overheadReplica?: number;
  /** Collects engine steps, requests and transfers for a Perfetto trace (`run --timeline`). */
  readonly timeline?: Timeline;
}

/** The stream of a closed-loop service: its requests come from `ClosedLoop` instead. */
const EMPTY_SOURCE: ArrivalSource = { next: () => false, close: () => undefined };

/** Refresh period of the fresh view (utilization, links) when the policy does not sync. */
const VIEW_TICK_S = 1;

export function simulate(scenario: Scenario, opts: SimulateOptions = {}): RunResult {
  const seed = opts.seed ?? scenario.seed;
  const choice = opts.policy ?? scenario.policy;
  let policy: Policy;
  if (opts.policyImpl !== undefined) policy = opts.policyImpl;
  else if (choice.module !== undefined)
    throw new Error(
      `policy module ${choice.module} is loaded asynchronously: create it first (createPolicy) and pass it as policyImpl`,
    );
  else if (isPolicyName(choice.name)) policy = POLICIES[choice.name].create(choice.params);
  else throw new Error(`unknown policy ${choice.name}`);
  const streams = new RngStreams(seed);
  const kernel = new EventKernel(4096);
  const network = new LinkNetwork(scenario, streams.get('links:loss'));
  // Which perf source serves each (service, device type): reported in the result and notes.
  const types = [...new Map(scenario.devices.map((d) => [d.spec.key, d.spec])).values()];
  const perfSource = scenario.services.map((s) =>
    Object.fromEntries(types.map((t) => [t.key, devicePerf(s, t).source])),
  );
  const summarizer = new RunSummarizer({
    scenario: scenario.name,
    seed,
    policy: policy.name,
    horizonS: scenario.horizonS,
    timelineBucketS: scenario.timelineBucketS,
    services: scenario.services.map((s, i) => ({ name: s.name, kind: s.kind, slo: s.slo, perfSource: perfSource[i]! })),
    devices: scenario.devices.map((d) => ({ id: d.id, type: d.spec.key, idleW: d.spec.idleW, busyW: d.spec.busyW })),
    links: scenario.links.map((l) => ({ id: l.id, type: l.spec.key })),
  });
  const w = new World(scenario, kernel, streams, network, summarizer, opts.records);
  const views = new Views(w, policy.sync !== undefined);
  // Views.tick is the only writer of these links: each tick below is followed by linksChanged.
  manageLinks(views.links);
  if (policy.sync === undefined) {
    // Fresh views share the host's live instance objects: a load index can answer for them.
    const index = new HostLoadIndex(() => w.topology);
    w.loadIndex = index;
    views.cluster.loadIndex = index;
    for (const p of views.nodes.values()) p.view.loadIndex = index;
  }
  w.interruptRun = (inst) => inst.engine.interrupt(w, inst);
  w.warmStart = opts.warmStart === true;
  if ((opts.overheadReplica ?? 0) > 0) w.useOverheadReplica(opts.overheadReplica!);
  w.timeline = opts.timeline ?? null;
  perfSource.forEach((src, i) => {
    for (const [type, how] of Object.entries(src)) {
      if (how === 'roofline')
        w.note(`perf: ${scenario.services[i]!.name} on ${type} uses the roofline (no profile rows)`);
    }
  });
  const sync = policy.sync !== undefined ? new SyncChannel(w, views, policy.sync) : null;
  const policyRng = streams.get(`policy:${policy.name}`);

  // Arrivals: one pending arrival per service, pulled lazily.
  const sources: ArrivalSource[] = [];
  const nextPrompt = new Int32Array(scenario.services.length);
  const nextOutput = new Int32Array(scenario.services.length);
  const buf: MutableArrival = { timeS: 0, promptTokens: 0, outputTokens: 0 };
  const info = { id: 0, service: '', arrivalS: 0, promptTokens: 0, outputTokens: 0, ingress: '' } satisfies RequestInfo;
  const pull = (s: number): void => {
    if (!sources[s]!.next(buf)) return;
    nextPrompt[s] = buf.promptTokens;
    nextOutput[s] = buf.outputTokens;
    kernel.scheduleAt(buf.timeS, w.handlers.arrival, s, PRIORITY.arrival);
  };

  const place = (): void => {
    views.beforePlacement();
    linksChanged(views.links);
    const plan = policy.place(views.cluster, policyRng);
    if (applyPlan(w, plan)) views.instancesChanged();
  };

  const h = w.handlers;
  const closed = new ClosedLoop(scenario, streams, kernel, scenario.horizonS);
  w.closedLoop = closed;
  /** A request of service `s` reaches its ingress now (`client` −1 for open arrivals). */
  const arrive = (s: number, prompt: number, output: number, client: number): void => {
    const r = w.requests;
    const svc = scenario.services[s]!;
    const req = r.add(s, kernel.now, Math.max(0, prompt), Math.max(1, output));
    r.client[req] = client;
    views.arrivalsSincePlace[s] = views.arrivalsSincePlace[s]! + 1;
    info.id = req;
    info.service = svc.name;
    info.arrivalS = kernel.now;
    info.promptTokens = r.prompt[req]!;
    info.outputTokens = r.output[req]!;
    info.ingress = svc.ingress;
    const ingress = w.ingressNode[s]!;
    const d = policy.route(info, views.nodeView(ingress), policyRng);
    if (d.kind === 'drop') {
      w.endUnserved(req, 'dropped', d.reason);
      return;
    }
    const inst = w.instanceById.get(d.instanceId);
    if (inst === undefined || !inst.serving) {
      w.endUnserved(
        req,
        'failed',
        inst === undefined
          ? 'unknown-instance'
          : inst.state === 'failed'
            ? inst.oom
              ? 'oom'
              : 'device-crash'
            : 'instance-gone',
      );
      return;
    }
    r.instance[req] = inst.index;
    const bytes = svc.kind === 'llm' ? r.prompt[req]! * LLM_BYTES_PER_TOKEN : svc.model.inputBytes;
    const arrived = network.transfer(ingress, inst.stageDevices[0]!, bytes, kernel.now);
    if (arrived === Infinity) {
      w.endUnserved(req, 'failed', 'no-route');
      return;
    }
    const at = arrived + w.requestOverhead(req, inst.stageDevices[0]!, arrived);
    if (w.timeline !== null) w.traceTransfer(ingress, inst.stageDevices[0]!, kernel.now, arrived, bytes);
    inst.inTransit++;
    w.enterInstance(inst);
    kernel.scheduleAt(at, h.atInstance, req, PRIORITY.delivery);
  };
  h.arrival = kernel.register((s) => {
    const prompt = nextPrompt[s]!;
    const output = nextOutput[s]!;
    pull(s);
    arrive(s, prompt, output, -1);
  });
  h.clientArrival = kernel.register((c) => arrive(closed.service[c]!, closed.prompt[c]!, closed.output[c]!, c));
  closed.handler = h.clientArrival;
  h.atInstance = kernel.register((req) => {
    const inst = w.instances[w.requests.instance[req]!]!;
    inst.inTransit--;
    if (!inst.serving) {
      w.leaveInstance(inst);
      w.endUnserved(req, 'failed', inst.state === 'failed' ? (inst.oom ? 'oom' : 'device-crash') : 'instance-gone');
      return;
    }
    if (inst.oom) {
      // The runtime allocates its context on the first request (Ollama-style lazy load): killed.
      w.leaveInstance(inst);
      w.endUnserved(req, 'failed', 'oom');
      failInstance(w, inst, 'oom');
      w.note(
        `oom: ${inst.serviceName} killed on ${inst.deviceIds.join('+')} at its first request (weights + KV for one ${contextTokens(scenario.services[inst.service]!)}-token context exceed the free unified memory)`,
      );
      return;
    }
    inst.engine.enqueue(w, inst, req);
    goneIfIdle(w, inst);
  });
  h.kick = kernel.register((i) => {
    const inst = w.instances[i]!;
    inst.kickPending = false;
    if (!inst.busy && (inst.state === 'ready' || inst.state === 'draining')) inst.engine.start(w, inst);
  });
  h.stageReady = kernel.register((i) => stageReady(w, w.instances[i]!));
  h.iterationEnd = kernel.register((i) => {
    const inst = w.instances[i]!;
    inst.engine.stepEnd(w, inst);
    goneIfIdle(w, inst);
  });
  h.deliver = kernel.register((req) => w.onDelivered(req));
  h.ready = kernel.register((i) => markReady(w, w.instances[i]!));
  h.place = kernel.register((periodic) => {
    place();
    if (periodic === 1 && policy.placementPeriodS !== undefined)
      kernel.schedule(policy.placementPeriodS, h.place, 1, PRIORITY.placement);
  });
  h.fault = kernel.register((k) => {
    const a = faults.actions[k]!;
    const d = a.device;
    if (a.kind === 'crash') crashDevice(w, d);
    else recoverDevice(w, d);
    faults.rearm(a);
    if (replaceAfterFault(policy)) kernel.schedule(0, h.place, 0, PRIORITY.placement);
  });
  h.viewTick = kernel.register(() => {
    views.tick();
    linksChanged(views.links);
    kernel.schedule(VIEW_TICK_S, h.viewTick, 0, PRIORITY.sync);
  });
  h.syncSend = kernel.register(() => {
    sync!.send();
    kernel.schedule(sync!.spec.periodS, h.syncSend, 0, PRIORITY.sync);
  });
  h.syncRecv = kernel.register((p) => sync!.receive(p));
  const faults = new FaultSchedule(kernel, h.fault, streams.get('faults'));

  // t = 0: placement first, then faults, view refresh / sync and the first arrivals.
  kernel.scheduleAt(0, h.place, 1, PRIORITY.placement);
  faults.arm(scenario, network.nodeIndex);
  if (sync !== null) kernel.scheduleAt(sync.spec.periodS, h.syncSend, 0, PRIORITY.sync);
  else kernel.scheduleAt(VIEW_TICK_S, h.viewTick, 0, PRIORITY.sync);
  scenario.services.forEach((svc, s) => {
    if (closed.isClosed(s)) {
      sources.push(EMPTY_SOURCE);
      return;
    }
    const ao: ArrivalOptions = {
      promptTokens: svc.promptTokens,
      outputTokens: svc.outputTokens,
      arrivalRng: streams.get(`arrivals:${svc.name}`),
      tokenRng: streams.get(`tokens:${svc.name}`),
      horizonS: scenario.horizonS,
    };
    sources.push(opts.arrivals !== undefined ? opts.arrivals(svc, ao) : openArrivals(svc.arrivals, ao));
    pull(s);
  });
  closed.start();

  try {
    if (opts.progress === undefined) kernel.runUntil(scenario.horizonS);
    else {
      for (let k = 1; k <= 100; k++) {
        kernel.runUntil((scenario.horizonS * k) / 100);
        opts.progress(k / 100);
      }
    }
  } finally {
    for (const s of sources) s.close();
  }
  w.settleInflight();
  if (w.thermal !== null) {
    for (const t of w.thermal.finish(scenario.devices.map((d) => d.id))) {
      summarizer.setClockTimeline(t.d, t.clockTimeline);
      w.note(t.note);
    }
  }
  scenario.links.forEach((_, l) => summarizer.setLinkBusy(l, network.busiestDirectionS(l)));
  return { ...summarizer.finish(w.changes, [...w.notes].sort()), engine: engineStats(w) };
}
