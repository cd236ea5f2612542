/**
 * Host parity: the simulator's host (sim/host: World, Views, applyPlan, markReady, crashDevice,
 * recoverDevice, drain) and the live controller's (runtime/controller: ClusterViews,
 * PlacementRealizer) are driven through the same events — place, load, ready, crash, recover,
 * drain — in-process, and must show every policy the same view and get the same decisions back
 * (plans, refusals, routes), on three shipped scenarios.
 * The agents are the controller's I/O, so they are in-process doubles that accept every deploy;
 * everything the test compares is computed by the two hosts' real code.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { replaceAfterFault, stageMembers } from '../../host/index.js';
import {
  POLICIES,
  POLICY_NAMES,
  stagesKey,
  type ClusterView,
  type NodeView,
  type PlacementPlan,
  type Policy,
  type RequestInfo,
} from '../../policies/index.js';
import { loadScenario, type Scenario } from '../../scenarios/index.js';
import { AgentClient, type CallResult } from '../../runtime/controller/agent-client.js';
import { ClusterViews } from '../../runtime/controller/cluster-views.js';
import { PlacementRealizer } from '../../runtime/controller/placement-realizer.js';
import { Views } from '../../sim/host/views.js';
import { World } from '../../sim/host/world.js';
import { applyPlan, crashDevice, goneIfIdle, markReady, recoverDevice } from '../../sim/host/placement.js';
import { EventKernel, RngStreams, RunSummarizer } from '../../sim/index.js';
import { LinkNetwork } from '../../sim/network/link-network.js';
import { ROOT } from '../cli-paths.js';

/** An agent that accepts every deploy; undeploys wait until `release()` (a drain in progress). */
class InProcessAgent extends AgentClient {
  private held: (() => void)[] = [];
  hold = false;
  constructor() {
    super({ url: 'http://in-process.invalid', token: '' });
  }
  override async deploy(): Promise<CallResult<unknown>> {
    return { ok: true, value: {} };
  }
  override async undeploy(): Promise<CallResult<unknown>> {
    if (this.hold) await new Promise<void>((r) => this.held.push(r));
    return { ok: true, value: {} };
  }
  release(): void {
    for (const r of this.held.splice(0)) r();
  }
}

/** The simulator's host at t = 0 (the kernel is not run: the test is the clock). */
class SimSide {
  readonly w: World;
  readonly views: Views;
  constructor(
    readonly scenario: Scenario,
    syncing: boolean,
  ) {
    const streams = new RngStreams(1);
    const network = new LinkNetwork(scenario, streams.get('links:loss'));
    const summarizer = new RunSummarizer({
      scenario: scenario.name,
      seed: 1,
      policy: 'parity',
      horizonS: scenario.horizonS,
      timelineBucketS: scenario.timelineBucketS,
      services: scenario.services.map((s) => ({ name: s.name, kind: s.kind, slo: s.slo, perfSource: {} })),
      devices: scenario.devices.map((d) => ({ id: d.id, type: d.spec.key, idleW: d.spec.idleW, busyW: d.spec.busyW })),
    });
    this.w = new World(scenario, new EventKernel(64), streams, network, summarizer, undefined);
    this.views = new Views(this.w, syncing);
  }
  view(): ClusterView {
    this.views.beforePlacement();
    return this.views.cluster;
  }
  apply(plan: PlacementPlan): void {
    if (applyPlan(this.w, plan)) this.views.instancesChanged();
  }
  readyAll(): void {
    for (const i of this.w.instances) markReady(this.w, i);
    this.views.instancesChanged();
  }
  crash(d: number): void {
    crashDevice(this.w, d);
    this.views.instancesChanged();
  }
  recover(d: number): void {
    recoverDevice(this.w, d);
    this.views.instancesChanged();
  }
  nodeView(service: number): NodeView {
    return this.views.nodeView(this.w.ingressNode[service]!);
  }
}

/** The live controller's host with in-process agents, every device answering. */
class LiveSide {
  readonly views: ClusterViews;
  readonly agents: InProcessAgent[];
  readonly realizer: PlacementRealizer;
  constructor(readonly scenario: Scenario) {
    this.views = new ClusterViews(scenario);
    this.agents = scenario.devices.map(() => new InProcessAgent());
    this.realizer = new PlacementRealizer(
      scenario,
      this.views,
      this.agents,
      (s) => scenario.services[s]!.model.key,
      () => 0,
      0,
    );
    scenario.devices.forEach((_, d) => this.realizer.deviceUp(d, false));
  }
  view(): ClusterView {
    this.views.beforePlacement(0);
    return this.views.cluster;
  }
  async apply(plan: PlacementPlan): Promise<void> {
    await this.realizer.apply(plan);
  }
  readyAll(): void {
    for (const inst of [...this.views.instances.values()])
      for (const d of inst.deviceIdx) this.realizer.observe(inst, d, 'ready');
  }
  crash(d: number): void {
    this.realizer.deviceDown(d);
  }
  recover(d: number): void {
    this.realizer.deviceUp(d, false);
  }
  nodeView(service: number): NodeView {
    this.views.refreshQueues();
    return this.views.nodeView(this.scenario.services[service]!.ingress, 0);
  }
}

/** What the host rules decide, without host-specific ids or clocks. */
function normalized(v: ClusterView): unknown {
  return {
    devices: v.devices.map((d) => ({
      id: d.id,
      alive: d.alive,
      free: d.freeMemoryBytes,
      gpus: d.gpus,
      mem: d.memoryBytesPerGpu,
      flops: d.flopsPerGpu,
      bw: d.memBandwidthBytesPerS,
    })),
    services: v.services.map((s) => ({ name: s.name, demand: s.demandRps })),
    instances: v.instances.map((i) => `${i.service}|${stagesKey(i.stages)}|${i.state}`).sort(),
  };
}

function request(scenario: Scenario, s: number): RequestInfo {
  const svc = scenario.services[s]!;
  return { id: s, service: svc.name, arrivalS: 0, promptTokens: 64, outputTokens: 16, ingress: svc.ingress };
}

/** A route decision with the instance named by its key (ids differ between the hosts). */
function routeKey(d: ReturnType<Policy['route']>, view: NodeView): string {
  if (d.kind === 'drop') return `drop:${d.reason}`;
  const inst = view.instances.find((i) => i.id === d.instanceId);
  return inst === undefined ? `unknown:${d.instanceId}` : `${inst.service}|${stagesKey(inst.stages)}`;
}

/** The main scenario, one with tensor-parallel groups across devices, one with a 70B pipeline split. */
const SCENARIOS = ['scenarios/default.yaml', 'scenarios/pi-cluster-tp.yaml', 'scenarios/two-gpu-70b.yaml'].map(
  (file) => {
    const loaded = loadScenario(path.join(ROOT, file));
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
    return { file, scenario: loaded.value };
  },
);

describe('host parity (simulator vs live controller)', () => {
  for (const { file, scenario: SCENARIO } of SCENARIOS)
    for (const name of POLICY_NAMES) {
      it(`parity › ${file} › ${name} › place, load, ready, crash, recover, drain: equal views and decisions`, async () => {
        const make = (): Policy => POLICIES[name].create(name === SCENARIO.policy.name ? SCENARIO.policy.params : {});
        const simPolicy = make();
        const livePolicy = make();
        const sim = new SimSide(SCENARIO, simPolicy.sync !== undefined);
        const live = new LiveSide(SCENARIO);
        const simRng = new RngStreams(7).get(`policy:${name}`);
        const liveRng = new RngStreams(7).get(`policy:${name}`);
        const expectSameViews = (step: string): void => {
          expect(normalized(live.views.cluster), step).toEqual(normalized(sim.views.cluster));
        };
        /** place: both policies decide on their host's view; the plans must be equal, then both apply. */
        const place = async (step: string): Promise<PlacementPlan> => {
          const simPlan = simPolicy.place(sim.view(), simRng);
          const livePlan = livePolicy.place(live.view(), liveRng);
          expect(livePlan, `${step}: plan`).toEqual(simPlan);
          sim.apply(simPlan);
          await live.apply(livePlan);
          expectSameViews(`${step}: after apply`);
          expect(
            [...live.views.notes].filter((n) => n.startsWith('refused') || n.startsWith('plan names')).sort(),
            `${step}: refusals`,
          ).toEqual([...sim.w.notes].filter((n) => n.startsWith('refused') || n.startsWith('plan names')).sort());
          return simPlan;
        };
        const routes = (step: string): void => {
          if (simPolicy.sync !== undefined) return; // sync policies route on a peer's stale view by design (sim/host/sync.ts)
          SCENARIO.services.forEach((_, s) => {
            const sv = sim.nodeView(s);
            const lv = live.nodeView(s);
            expect(routeKey(livePolicy.route(request(SCENARIO, s), lv, liveRng), lv), `${step}: route ${s}`).toBe(
              routeKey(simPolicy.route(request(SCENARIO, s), sv, simRng), sv),
            );
          });
        };

        // place + load: instances loading on both, the same weights counted on the same devices.
        expectSameViews('start');
        const first = await place('place');
        expect(sim.w.instances.some((i) => i.state === 'loading')).toBe(first.instances.length > 0);
        // ready
        sim.readyAll();
        live.readyAll();
        expectSameViews('ready');
        routes('ready');

        // crash the device holding the most instances: they fail and stay visible as failed.
        const count = SCENARIO.devices.map(
          (d) =>
            sim.w.instances.filter((i) => i.state === 'ready' && i.stages.some((st) => stageMembers(st).includes(d.id)))
              .length,
        );
        const victim = count.indexOf(Math.max(...count));
        sim.crash(victim);
        live.crash(victim);
        expectSameViews('crash');
        if (count[victim]! > 0) expect(sim.views.cluster.instances.some((i) => i.state === 'failed')).toBe(true);
        expect(replaceAfterFault(livePolicy)).toBe(replaceAfterFault(simPolicy));
        await place('re-place after crash');
        sim.readyAll();
        live.readyAll();
        routes('after crash');

        // recover, then a placement whose drains are held open on the live side (work in flight):
        // draining instances and their freed memory look the same on both hosts.
        sim.recover(victim);
        live.recover(victim);
        expectSameViews('recover');
        for (const a of live.agents) a.hold = true;
        for (const i of sim.w.instances) if (i.state === 'ready') i.inTransit++; // a request on its way to each
        const simPlan = simPolicy.place(sim.view(), simRng);
        const livePlan = livePolicy.place(live.view(), liveRng);
        expect(livePlan, 'after recover: plan').toEqual(simPlan);
        sim.apply(simPlan);
        const applying = live.apply(livePlan);
        await new Promise((r) => setImmediate(r));
        expectSameViews('drain: in flight');
        // drain: the in-flight work ends, drained instances are gone; fresh ones load.
        for (const i of sim.w.instances)
          if (i.inTransit > 0) {
            i.inTransit--;
            goneIfIdle(sim.w, i);
          }
        sim.views.instancesChanged();
        for (const a of live.agents) {
          a.hold = false;
          a.release();
        }
        await applying;
        expectSameViews('drain: gone');
        sim.readyAll();
        live.readyAll();
        expectSameViews('ready again');
        routes('after recover');
        await place('steady');

        // crash a device that holds only a tensor-parallel peer of an instance (when there is one):
        // the instance fails on both hosts, not only when its stage root goes.
        const roots = new Set(
          sim.w.instances.filter((i) => i.state === 'ready').flatMap((i) => i.stages.map((st) => st.device)),
        );
        const peer = sim.w.instances
          .filter((i) => i.state === 'ready')
          .flatMap((i) => i.stages.flatMap((st) => st.peers ?? []))
          .find((id) => !roots.has(id));
        if (peer !== undefined) {
          const d = SCENARIO.devices.findIndex((x) => x.id === peer);
          sim.crash(d);
          live.crash(d);
          expectSameViews('crash of a peer');
          expect(
            sim.views.cluster.instances.some(
              (i) => i.state === 'failed' && i.stages.some((st) => st.peers?.includes(peer)),
            ),
          ).toBe(true);
        }
      });
    }
});
