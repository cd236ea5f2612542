/**
 * One calibration row → the closed-loop scenario that reproduces its benchmark: `nodes` devices
 * (one switch, each joined to it by `link_key`), one LLM service whose `batch` clients each keep
 * one request of prompt_tokens + output_tokens outstanding (think time 0; a step may prefill
 * every prompt of the round), and the split the row
 * names, placed by a fixed plan: the whole model on the root (`none`), layers split over the
 * nodes in proportion to their memory (`pp`), or one stage tensor-parallel over all nodes (`tp`).
 * The scenario goes through the normal loader, so the catalog and every load-time check apply.
 */
import type {
  ClusterView,
  NodeView,
  PlacementPlan,
  Policy,
  RequestInfo,
  RouteDecision,
  Stage,
} from '../../policies/index.js';
import { type Catalog, type LoadResult, validateScenarioObject } from '../../scenarios/index.js';
import type { CalibrationRow } from './rows.js';

const SERVICE = 'bench';
/**
 * Named in the scenario so the loader accepts a model no single node holds; FixedSplit (below)
 * does the placing.
 */
const SPLITTING_POLICY = 'adaptive-split';

export function nodeIds(row: CalibrationRow): string[] {
  return row.devices.map((_, i) => `node-${i}`);
}

export function rowScenario(row: CalibrationRow, catalog: Catalog, horizonS: number, file: string): LoadResult {
  const ids = nodeIds(row);
  const multi = row.nodes > 1;
  const raw = {
    name: `calibrate-line-${row.line}`,
    seed: 1,
    horizon_s: horizonS,
    policy: { name: SPLITTING_POLICY },
    ...(multi ? { switches: ['sw'] } : {}),
    devices: row.devices.map((type, i) => ({ id: ids[i]!, type })),
    ...(multi ? { links: ids.map((id) => ({ a: id, b: 'sw', type: row.linkKey! })) } : {}),
    services: [
      {
        name: SERVICE,
        kind: 'llm',
        model: row.modelKey,
        ingress: ids[0]!,
        slo: { ttft_s: 1e9, tpot_s: 1e9 },
        arrivals: { process: 'closed', concurrency: row.batch, think_s: 0 },
        prompt_tokens: { dist: 'fixed', value: row.promptTokens },
        output_tokens: { dist: 'fixed', value: row.outputTokens },
        max_batch: row.batch,
        // All prompts of a round in one prefill step, then the batch decodes in lockstep — the
        // benchmarks' shape (llama-batched-bench: PP then TG; vLLM at max-concurrency B). A
        // stated n_ubatch splits that step into evaluations inside the step cost.
        max_batched_tokens: row.batch * row.promptTokens,
        ...(row.ubatch !== null ? { ubatch: row.ubatch } : {}),
        framework: row.framework,
      },
    ],
  };
  return validateScenarioObject(raw, file, { catalog });
}

/** The row's split as planned stages (layers proportional to each node's memory for `pp`). */
export function rowStages(row: CalibrationRow, catalog: Catalog): Stage[] {
  const ids = nodeIds(row);
  const model = catalog.models[row.modelKey]!;
  const spec = (i: number) => catalog.devices[row.devices[i]!]!;
  const all = (i: number) => spec(i).gpus;
  if (row.parallelism === 'tp')
    return [{ device: ids[0]!, peers: ids.slice(1), firstLayer: 0, endLayer: model.layers, gpus: all(0) }];
  if (row.parallelism === 'none') return [{ device: ids[0]!, firstLayer: 0, endLayer: model.layers, gpus: all(0) }];
  const mem = ids.map((_, i) => spec(i).gpus * spec(i).memoryBytesPerGpu);
  const total = mem.reduce((a, b) => a + b, 0);
  const stages: Stage[] = [];
  let first = 0;
  let cum = 0;
  ids.forEach((id, i) => {
    cum += mem[i]!;
    const end = i === ids.length - 1 ? model.layers : Math.max(first + 1, Math.round((model.layers * cum) / total));
    stages.push({ device: id, firstLayer: first, endLayer: end, gpus: all(i) });
    first = end;
  });
  return stages;
}

/** Places the row's split once; routes every request to it. */
export class FixedSplit implements Policy {
  readonly name = 'calibrate-fixed-split';
  readonly placementPeriodS = undefined;
  readonly sync = undefined;

  constructor(private readonly stages: readonly Stage[]) {}

  place(_view: ClusterView): PlacementPlan {
    return { instances: [{ service: SERVICE, stages: this.stages }], reason: 'calibrate: the split the row names' };
  }

  route(req: RequestInfo, view: NodeView): RouteDecision {
    const inst = view.instances.find(
      (i) => i.service === req.service && i.state !== 'gone' && i.state !== 'failed' && i.state !== 'draining',
    );
    return inst !== undefined
      ? { kind: 'instance', instanceId: inst.id, reason: 'the only instance' }
      : { kind: 'drop', reason: 'no-instance' };
  }
}
