/**
 * Requests routed to an instance that is still loading its weights wait in its queue and start
 * when it becomes ready (both serving engines); they are not served by a model that is not there.
 * Weights load at 1 GB/s: the 2 GB toy LLM is ready at t = 2, the 1 MB segmentation model at 0.001.
 */
import { describe, expect, it } from 'vitest';
import type { NodeView, Policy, RequestInfo, RouteDecision, Stage } from '../../policies/index.js';
import type { ServiceConfig } from '../../scenarios/index.js';
import { simulate } from '../../sim/index.js';
import { fixedArrivals, link, modelSpec, recorder, scenario } from './fixtures.js';

/** Places one whole-model instance on gpu0 and routes every request to it, loading or not. */
function eager(layers: number): Policy {
  const stages: Stage[] = [{ device: 'gpu0', firstLayer: 0, endLayer: layers, gpus: 1 }];
  return {
    name: 'eager',
    placementPeriodS: undefined,
    sync: undefined,
    place: (v) => ({ instances: v.services.map((s) => ({ service: s.name, stages })), reason: 'test' }),
    route(req: RequestInfo, view: NodeView): RouteDecision {
      const inst = view.instances.find(
        (i) => i.service === req.service && (i.state === 'loading' || i.state === 'ready'),
      );
      return inst === undefined
        ? { kind: 'drop', reason: 'no-instance' }
        : { kind: 'instance', instanceId: inst.id, reason: 'eager' };
    },
  };
}

describe('loading › requests before ready', () => {
  it('llm › a request at t = 1 on an instance ready at t = 2 › admitted at 2, then served as on a ready instance', () => {
    // The step cost is no longer a profile curve (calibrated, sim/models/llm/step-cost.ts; its
    // timing is pinned by hand in perf.test.ts), so the service time is compared with the same
    // request arriving at t = 5 on the ready instance: waiting for the load must add nothing else.
    const run = (arrivalS: number) => {
      const rec = recorder();
      simulate(scenario({ links: [link('l', 'gpu0', 'sw', 1e12, 0)], horizonS: 10 }), {
        policyImpl: eager(10),
        records: rec.records,
        arrivals: fixedArrivals({ chat: [[arrivalS, 100, 3]] }),
      });
      return rec.byId[0]!;
    };
    const early = run(1);
    const ready = run(5);
    expect(early.startS).toBeCloseTo(2, 9);
    expect(early.outcome).toBe('late'); // TTFT = 1 s of loading + the prefill > the 1 s bound
    expect(ready.outcome).toBe('ok');
    expect(ready.startS).toBeCloseTo(5, 6); // + the prompt's bytes over the 1 Tb/s link (ns)
    expect(ready.finishS - ready.startS).toBeGreaterThan(0);
    expect(early.finishS - early.startS).toBeCloseTo(ready.finishS - ready.startS, 9);
    expect(early.firstTokenS - early.startS).toBeCloseTo(ready.firstTokenS - ready.startS, 9);
  });
  it('segmentation › a frame at t = 0.0005 on an instance ready at t = 0.001 › starts at 0.001', () => {
    const seg: ServiceConfig = {
      name: 'seg',
      kind: 'segmentation',
      maxBatch: 4,
      model: modelSpec({
        key: 's',
        kind: 'segmentation',
        weightBytes: 1e6,
        kvBytesPerToken: 0,
        inputBytes: 0,
        outputBytes: 0,
        profiles: [{ deviceType: 'testbox', batch: 1, itemLatencyS: 0.01, source: 't' }],
      }),
      slo: { kind: 'frame', deadlineS: 1 },
      arrivals: { process: 'periodic', streams: 1, fps: 1 },
      promptTokens: { dist: 'fixed', value: 1 },
      outputTokens: { dist: 'fixed', value: 1 },
      ingress: 'sw',
    };
    const rec = recorder();
    simulate(scenario({ links: [link('l', 'gpu0', 'sw', 1e12, 0)], services: [seg], horizonS: 10 }), {
      policyImpl: eager(10),
      records: rec.records,
      arrivals: fixedArrivals({ seg: [[0.0005, 0, 1]] }),
    });
    expect(rec.byId[0]!.startS).toBeCloseTo(0.001, 9);
    expect(rec.byId[0]!.finishS).toBeCloseTo(0.011, 9);
  });
});
