/**
 * A published serving benchmark, re-run in the simulator: one replica of `model` on one device
 * of type `spec` (all its GPUs unless `gpus` says otherwise), loaded closed-loop by `concurrency`
 * clients with fixed prompt / output lengths, no network between client and server, weights
 * loaded before t = 0. Returns the aggregate output throughput the benchmark tools print
 * (output tokens of the finished requests / the time the last of them finished: the
 * benchmark's duration, which ends when its requests are done) and the run's result.
 * Used by the done-when test (test/sim/engine.test.ts) and scripts/fidelity-report.mjs --done-when.
 */
import type { Policy, RequestRecord, RunResult } from '../../../policies/index.js';
import type { DeviceSpec, ModelSpec, Scenario } from '../../../scenarios/index.js';
import { simulate } from '../../simulate.js';

export interface ClosedLoopBench {
  readonly spec: DeviceSpec;
  readonly model: ModelSpec;
  readonly concurrency: number;
  readonly promptTokens: number;
  readonly outputTokens: number;
  readonly horizonS: number;
  /** Replicas, each on `gpus` GPUs of the one device (default: one replica on all GPUs). */
  readonly replicas?: number;
  readonly gpus?: number;
  readonly maxBatch?: number;
}

export interface ClosedLoopOutcome {
  readonly outputTokPerS: number;
  readonly finished: number;
  readonly result: RunResult;
}

export function closedLoopScenario(b: ClosedLoopBench): Scenario {
  return {
    name: `bench-${b.spec.key}-${b.model.key}-c${b.concurrency}`,
    file: '(in memory)',
    seed: 1,
    horizonS: b.horizonS,
    timelineBucketS: b.horizonS,
    policy: { name: 'round-robin', params: {} },
    devices: [{ id: 'dut', spec: b.spec, site: 'dut', slowdown: 1 }],
    switches: [],
    links: [],
    services: [
      {
        name: 'bench',
        kind: 'llm',
        model: b.model,
        slo: { kind: 'e2e', e2eS: 1e9 },
        arrivals: { process: 'closed', concurrency: b.concurrency, thinkS: 0, thinkDist: 'fixed' },
        promptTokens: { dist: 'fixed', value: b.promptTokens },
        outputTokens: { dist: 'fixed', value: b.outputTokens },
        ingress: 'dut',
        maxBatch: b.maxBatch ?? Math.max(256, b.concurrency),
      },
    ],
    faults: [],
  };
}

/** Fixed placement: `replicas` instances of the service, round-robin routing over them. */
function benchPolicy(b: ClosedLoopBench): Policy {
  const n = b.replicas ?? 1;
  const gpus = b.gpus ?? b.spec.gpus;
  const instances = Array.from({ length: n }, () => ({
    service: 'bench',
    stages: [{ device: 'dut', gpus, firstLayer: 0, endLayer: b.model.layers }],
  }));
  let next = 0;
  return {
    name: 'bench',
    placementPeriodS: undefined,
    sync: undefined,
    // Stryker disable next-line StringLiteral: a policy's reasons go to its own logs, no result records them.
    place: () => ({ instances, reason: 'bench' }),
    // Warm start (runClosedLoop): every replica is ready from t = 0 and nothing fails.
    route(_req, view) {
      const instanceId = view.instances[next++ % view.instances.length]!.id;
      // Stryker disable next-line StringLiteral: as above.
      return { kind: 'instance', instanceId, reason: 'rr' };
    },
  };
}

export function runClosedLoop(b: ClosedLoopBench): ClosedLoopOutcome {
  let tokens = 0;
  let finished = 0;
  let lastS = 0;
  const result = simulate(closedLoopScenario(b), {
    warmStart: true,
    policyImpl: benchPolicy(b),
    records: (r: RequestRecord) => {
      // The bench's SLO never expires: every finished request is ok.
      if (r.outcome === 'ok') {
        tokens += r.outputTokens;
        finished++;
        lastS = Math.max(lastS, r.finishS);
      }
    },
  });
  return { outputTokPerS: lastS > 0 ? tokens / lastS : 0, finished, result };
}
