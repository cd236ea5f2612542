/**
 * `replay(scenario, testbed, opts)` — the live controller. Runs the scenario's registered policy
 * on the wall clock against device agents, with EPARA's three granularities:
 *   - request handling: every arrival is routed by `policy.route` on a fresh NodeView and sent
 *     to the chosen instance's agent;
 *   - information sync: each agent is polled (GET /v1/state) every `policy.sync.periodS`
 *     (default 1 s), which sets liveness, utilization and `asOfS` of its DeviceState;
 *   - service placement: `policy.place` at start, every `placementPeriodS`, and — for a policy
 *     without a period — after a device died or came back (the fault rule shared with the
 *     simulator, host/faults.ts); plans are realized by deploy / undeploy calls.
 * Arrivals come from the same `openArrivals` with the same named streams (`arrivals:<service>`,
 * `tokens:<service>`) as the simulator, so both see the same requests. Time scaling: an arrival
 * at scenario time t is sent at run time t / timeScale; the horizon is H / timeScale; records
 * and the result are in run (wall) seconds.
 *
 * Failures: a device whose heartbeat fails is marked dead; requests in flight on it are aborted
 * and end `failed` (reason `device-crash`) — they are NOT re-routed, matching the simulator,
 * where a crash fails the requests on the device. New requests are routed by the policy on the
 * updated view. Every offered request ends ok, late, dropped or failed (conservation is checked
 * by the summarizer).
 */
import { replaceAfterFault } from '../../host/index.js';
import {
  POLICIES,
  isPolicyName,
  type Policy,
  type RequestInfo,
  type RequestRecord,
  type RunResult,
} from '../../policies/index.js';
import type { PolicyChoice, Scenario } from '../../scenarios/index.js';
import { RngStreams, RunSummarizer, devicePerf } from '../../sim/index.js';
import { openArrivals, type ArrivalSource, type MutableArrival } from '../../traces/index.js';
import { WallClock, sleepMs, type HostClock } from '../clock/index.js';
import { AgentClient, DEFAULT_TIMEOUTS, type CallTimeouts } from './agent-client.js';
import { AgentMonitor, type MonitorEvent } from './agent-monitor.js';
import { ClusterViews } from './cluster-views.js';
import { PlacementRealizer } from './placement-realizer.js';
import { execute } from './request-runner.js';
import type { Testbed } from './testbed.js';

/**
 * Options of `replay` — a stable interface (runtime/validate and the CLI build on it): fields
 * are only ever added, optional, with the defaults stated here.
 */
export interface ReplayOptions {
  /** Root seed of the arrival/token/policy streams (default: the scenario's). */
  readonly seed?: number;
  /** Policy to run (default: the scenario's `policy`). */
  readonly policy?: PolicyChoice;
  /** Scenario seconds per wall second (2 = twice as fast). Default 1. */
  readonly timeScale?: number;
  /** Heartbeat period, wall seconds (default: the policy's sync period, else 1 s). */
  readonly heartbeatPeriodS?: number;
  /** Deadlines of agent calls (default DEFAULT_TIMEOUTS: control 2 s, request 60 s). */
  readonly timeouts?: CallTimeouts;
  /** After the last arrival, how long to wait for requests still running, seconds (default 30); the rest end `failed`. */
  readonly drainS?: number;
  /** Host clock (default a new WallClock); `start()` is called when the run begins (t = 0). */
  readonly clock?: HostClock & { start?(): void };
  /** Called once per request as it ends (ok, late, dropped or failed). */
  readonly records?: (r: RequestRecord) => void;
  /** Liveness events (for logs and tests). */
  readonly onDeviceEvent?: (e: DeviceEvent) => void;
  /** Called once at t = 0, after the warm-up placement is ready (tests inject faults from here). */
  readonly onStart?: () => void;
  /** Progress and liveness lines (default: none). */
  readonly log?: (line: string) => void;
  /** Called once per served request with its round trip beyond the agent's queue and compute. */
  readonly roundTrips?: (s: RoundTripSample) => void;
}

/** One request's round trip measured during a replay (runtime/controller/request-runner.ts). */
export interface RoundTripSample {
  /** Scenario device the request's agent realizes. */
  readonly device: string;
  readonly kind: 'llm' | 'segmentation';
  /** Seconds beyond the agent-reported queue and compute. */
  readonly overheadS: number;
  /** Other requests in flight on the same agent when this one was sent. */
  readonly othersInFlight: number;
  /** Seconds since a request was last sent to or ended on the agent (0 when others are in flight; ∞ for its first). */
  readonly idleS: number;
  /** Requests in flight on the other agents when this one was sent (the controller's and host's other work). */
  readonly elsewhereInFlight: number;
}

export interface DeviceEvent {
  readonly device: string;
  readonly kind: 'dead' | 'alive';
  /** Run time (HostClock.nowS) when the controller noticed. */
  readonly atS: number;
  readonly restarted: boolean;
}

export interface ReplayOutput {
  /** Same schema as the simulator's (`parasim run`); times in run (wall) seconds. */
  readonly result: RunResult;
  /**
   * Wall seconds of each routing decision, in request order: the view refresh plus the
   * `policy.route` call (the controller's per-request overhead; not in `result`, which carries
   * no wall-clock figure).
   */
  readonly routeDecisionS: Float64Array;
  readonly deviceEvents: readonly DeviceEvent[];
}

/** p50/p99/max of the decision times in milliseconds (exact order statistics). */
export function decisionStats(routeDecisionS: Float64Array): {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
} {
  const v = Float64Array.from(routeDecisionS).sort();
  const q = (p: number): number =>
    v.length === 0 ? NaN : v[Math.min(v.length - 1, Math.ceil(p * v.length) - 1)]! * 1000;
  return { count: v.length, p50Ms: q(0.5), p99Ms: q(0.99), maxMs: v.length === 0 ? NaN : v[v.length - 1]! * 1000 };
}

export function createPolicy(choice: PolicyChoice): Policy {
  if (!isPolicyName(choice.name)) throw new Error(`unknown policy ${choice.name}`);
  return POLICIES[choice.name].create(choice.params);
}

export async function replay(scenario: Scenario, testbed: Testbed, opts: ReplayOptions = {}): Promise<ReplayOutput> {
  const seed = opts.seed ?? scenario.seed;
  const policy = createPolicy(opts.policy ?? scenario.policy);
  const scale = opts.timeScale ?? 1;
  const horizonS = scenario.horizonS / scale;
  const periodS = opts.heartbeatPeriodS ?? policy.sync?.periodS ?? 1;
  const timeouts = opts.timeouts ?? DEFAULT_TIMEOUTS;
  const clock = opts.clock ?? new WallClock();
  const log = opts.log ?? (() => {});
  const streams = new RngStreams(seed);
  const policyRng = streams.get(`policy:${policy.name}`);
  const views = new ClusterViews(scenario);
  const notes: string[] = [];

  // Agents per scenario device.
  const byDevice = new Map(testbed.agents.map((a) => [a.device, a]));
  for (const a of testbed.agents)
    if (!views.deviceIndex.has(a.device))
      throw new Error(`${testbed.file}: agent ${a.name} realizes unknown device ${a.device}`);
  const agents = scenario.devices.map((d) => {
    const a = byDevice.get(d.id);
    return a !== undefined ? new AgentClient({ url: a.url, token: a.token }, timeouts) : null;
  });
  scenario.devices.forEach((d, i) => {
    if (agents[i] === null) notes.push(`device ${d.id} has no agent in the testbed: treated as down`);
  });
  const modelFor = (s: number): string => {
    const svc = scenario.services[s]!;
    return testbed.models[svc.name] ?? testbed.models[svc.model.key] ?? svc.model.key;
  };
  const realizer = new PlacementRealizer(scenario, views, agents, modelFor, () => clock.nowS(), clock.epochMs());
  const types = [...new Map(scenario.devices.map((d) => [d.spec.key, d.spec])).values()];
  const summarizer = new RunSummarizer({
    clock: 'live',
    scenario: scenario.name,
    seed,
    policy: policy.name,
    horizonS,
    timelineBucketS: scenario.timelineBucketS / scale,
    services: scenario.services.map((s) => ({
      name: s.name,
      kind: s.kind,
      slo: s.slo,
      perfSource: Object.fromEntries(types.map((t) => [t.key, devicePerf(s, t).source])),
    })),
    devices: scenario.devices.map((d) => ({ id: d.id, type: d.spec.key, idleW: d.spec.idleW, busyW: d.spec.busyW })),
  });

  // Liveness: per-device abort controller for in-flight requests.
  const inflightAbort = scenario.devices.map(() => new AbortController());
  const deviceEvents: DeviceEvent[] = [];
  let placementWanted = false;
  // After a death or revival: re-place at once only for a policy without a period (host/faults.ts).
  const rePlaceOnFault = replaceAfterFault(policy);
  const lastBeatS = new Float64Array(scenario.devices.length);
  const hbTimeouts: CallTimeouts = {
    controlMs: Math.max(50, Math.min(timeouts.controlMs, periodS * 900)),
    requestMs: timeouts.requestMs,
  };
  const onMonitor =
    (d: number) =>
    (e: MonitorEvent): void => {
      const dev = views.devices[d]!;
      if (e.kind === 'dead') {
        realizer.deviceDown(d);
        dev.asOfS = e.atS;
        inflightAbort[d]!.abort('device-crash');
        inflightAbort[d] = new AbortController();
        if (rePlaceOnFault) placementWanted = true;
        const ev = { device: dev.id, kind: 'dead' as const, atS: e.atS, restarted: false };
        deviceEvents.push(ev);
        opts.onDeviceEvent?.(ev);
        log(`device ${dev.id} dead at ${e.atS.toFixed(2)} s (${e.error})`);
        return;
      }
      if (e.kind === 'alive') {
        const wasKnown = deviceEvents.some((x) => x.device === dev.id) || e.restarted;
        realizer.deviceUp(d, e.restarted);
        if (wasKnown) {
          if (rePlaceOnFault) placementWanted = true;
          const ev = { device: dev.id, kind: 'alive' as const, atS: e.atS, restarted: e.restarted };
          deviceEvents.push(ev);
          opts.onDeviceEvent?.(ev);
          log(`device ${dev.id} alive again at ${e.atS.toFixed(2)} s${e.restarted ? ' (restarted)' : ''}`);
        }
      }
      dev.asOfS = e.atS;
      dev.utilization = e.state.utilization;
      const dt = lastBeatS[d]! > 0 ? e.atS - lastBeatS[d]! : 0;
      if (dt > 0) summarizer.addBusy(d, e.atS - dt * e.state.utilization, e.atS);
      lastBeatS[d] = e.atS;
      for (const info of e.state.instances) {
        const inst = views.instances.get(info.instanceId);
        if (inst !== undefined) realizer.observe(inst, d, info.state);
      }
    };
  const monitors = agents.map((a, d) =>
    a === null ? null : new AgentMonitor(new AgentClient(a.endpoint, hbTimeouts), clock, periodS, onMonitor(d)),
  );

  // Before t = 0: register every agent, place, and wait until the placement is ready (warm start).
  monitors.forEach((m) => {
    if (m !== null) m.lenient = true;
  });
  await Promise.all(monitors.map((m) => m?.poll()));
  const down = scenario.devices.filter((_, i) => agents[i] !== null && !views.devices[i]!.alive).map((d) => d.id);
  if (down.length > 0) notes.push(`agents not answering at start: ${down.join(', ')}`);
  const place = async (): Promise<void> => {
    views.beforePlacement(clock.nowS());
    const plan = policy.place(views.cluster, policyRng);
    await realizer.apply(plan);
  };
  await place();
  const warmDeadline = clock.nowS() + 60;
  while ([...views.instances.values()].some((i) => i.view.state === 'loading') && clock.nowS() < warmDeadline) {
    await sleepMs(50);
    await Promise.all(monitors.map((m) => m?.poll()));
  }
  // The warm-up's changes happened before t = 0; the run starts with the warm placement loaded
  // and ready at t = 0, logged as the simulator's warm start logs it (load, ready), so the
  // result's ready-time figures (sim/metrics/ready-time.ts) count it.
  realizer.changes.length = 0;
  clock.start?.();
  for (const inst of views.instances.values())
    if (inst.view.state === 'ready') {
      realizer.change(inst, 'load');
      realizer.change(inst, 'ready');
    }
  views.demand.restart();
  opts.onStart?.();
  for (const d of views.devices) d.asOfS = 0;
  monitors.forEach((m) => {
    if (m !== null) {
      m.lenient = false;
      m.start();
    }
  });

  // Placement loop: periodic and on demand (after deaths / revivals).
  let running = true;
  const placementLoop = (async () => {
    let nextPeriodic = policy.placementPeriodS !== undefined ? policy.placementPeriodS / scale : Infinity;
    while (running) {
      await sleepMs(20);
      const now = clock.nowS();
      if (!placementWanted && now < nextPeriodic) continue;
      if (now >= nextPeriodic) nextPeriodic += policy.placementPeriodS! / scale;
      placementWanted = false;
      await place();
    }
  })();

  // Arrivals: one pending arrival per service, merged by time.
  const sources: ArrivalSource[] = scenario.services.map((svc) =>
    openArrivals(svc.arrivals, {
      promptTokens: svc.promptTokens,
      outputTokens: svc.outputTokens,
      arrivalRng: streams.get(`arrivals:${svc.name}`),
      tokenRng: streams.get(`tokens:${svc.name}`),
      horizonS: scenario.horizonS,
    }),
  );
  const heads: (MutableArrival | null)[] = sources.map((src) => {
    const a: MutableArrival = { timeS: 0, promptTokens: 0, outputTokens: 0 };
    return src.next(a) ? a : null;
  });
  const routeTimes: number[] = [];
  const inflight = new Set<Promise<void>>();
  /** Per agent (device index): requests sent and not yet ended. */
  const agentInFlight = new Int32Array(agents.length);
  /** Per agent: run time a request was last sent to it or ended on it. */
  const agentActiveS = new Float64Array(agents.length).fill(-Infinity);
  let nextId = 0;
  const finish = (rec: RequestRecord): void => {
    summarizer.addRecord(rec);
    opts.records?.(rec);
  };
  const info = { id: 0, service: '', arrivalS: 0, promptTokens: 0, outputTokens: 0, ingress: '' } satisfies RequestInfo;

  for (;;) {
    let s = -1;
    heads.forEach((h, i) => {
      if (h !== null && (s < 0 || h.timeS < heads[s]!.timeS)) s = i;
    });
    if (s < 0) break;
    const head = heads[s]!;
    const atS = head.timeS / scale;
    if (atS > clock.nowS() + 0.0005) await clock.sleepUntil(atS);
    const svc = scenario.services[s]!;
    const id = nextId++;
    const arrivalS = clock.nowS();
    const prompt = Math.max(0, head.promptTokens);
    const output = Math.max(1, head.outputTokens);
    if (!sources[s]!.next(head)) heads[s] = null;
    views.arrivalsSincePlace[s] = views.arrivalsSincePlace[s]! + 1;
    info.id = id;
    info.service = svc.name;
    info.arrivalS = arrivalS;
    info.promptTokens = prompt;
    info.outputTokens = output;
    info.ingress = svc.ingress;
    const t0 = clock.preciseS();
    views.refreshQueues();
    const d = policy.route(info, views.nodeView(svc.ingress, arrivalS), policyRng);
    routeTimes.push(clock.preciseS() - t0);
    const base = {
      id,
      service: svc.name,
      arrivalS,
      startS: NaN,
      firstTokenS: NaN,
      promptTokens: prompt,
      outputTokens: output,
    };
    if (d.kind === 'drop') {
      finish({ ...base, finishS: arrivalS, devices: [], outcome: 'dropped', reason: d.reason });
      continue;
    }
    const inst = views.instances.get(d.instanceId);
    const agent = inst !== undefined ? (agents[inst.deviceIdx[0]!] ?? null) : null;
    if (inst === undefined || inst.view.state !== 'ready' || agent === null) {
      finish({
        ...base,
        finishS: arrivalS,
        devices: [],
        outcome: 'failed',
        reason: inst === undefined ? 'unknown-instance' : 'instance-not-ready',
      });
      continue;
    }
    inst.view.queued++;
    let started = false;
    const agentIdx = inst.deviceIdx[0]!;
    let elsewhereInFlight = 0;
    for (let k = 0; k < agentInFlight.length; k++) if (k !== agentIdx) elsewhereInFlight += agentInFlight[k]!;
    const othersInFlight = agentInFlight[agentIdx]!++;
    const idleS = othersInFlight > 0 ? 0 : clock.nowS() - agentActiveS[agentIdx]!;
    agentActiveS[agentIdx] = clock.nowS();
    const device = inst.stages[0]!.device;
    const p = execute(
      { id, service: svc, arrivalS, promptTokens: prompt, outputTokens: output },
      {
        agent,
        instanceId: inst.id,
        devices: inst.stages.map((x) => x.device),
        now: () => clock.nowS(),
        signal: inflightAbort[agentIdx]!.signal,
        frame: testbed.segment,
        ...(opts.roundTrips !== undefined
          ? {
              onRoundTrip: (overheadS: number) =>
                opts.roundTrips!({ device, kind: svc.kind, overheadS, othersInFlight, idleS, elsewhereInFlight }),
            }
          : {}),
        onStart: () => {
          if (!started) {
            started = true;
            inst.view.queued--;
            inst.view.running++;
          }
        },
      },
    ).then((rec) => {
      agentInFlight[agentIdx]!--;
      agentActiveS[agentIdx] = clock.nowS();
      if (started) inst.view.running--;
      else inst.view.queued--;
      finish(rec);
    });
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
  }
  for (const src of sources) src.close();
  log(`all ${nextId} arrivals sent; waiting for ${inflight.size} in flight`);
  const drainTimer = new AbortController();
  await Promise.race([Promise.all([...inflight]), sleepMs((opts.drainS ?? 30) * 1000, drainTimer.signal)]);
  drainTimer.abort();
  if (inflight.size > 0) notes.push(`${inflight.size} requests still running after the drain window were aborted`);
  for (const a of inflightAbort) a.abort('drain-timeout');
  await Promise.all([...inflight]);
  running = false;
  await placementLoop;
  await Promise.all(monitors.map((m) => m?.stop()));
  await realizer.teardown();
  if (scale !== 1) notes.push(`replayed at time scale ${scale}: times are wall seconds, horizon ${horizonS} s`);
  notes.push(`live replay on testbed ${testbed.file}; heartbeat period ${periodS} s`);
  notes.push(...[...views.notes].sort());
  const result = summarizer.finish(realizer.changes, notes);
  return { result, routeDecisionS: Float64Array.from(routeTimes), deviceEvents };
}
