/**
 * The engine block of a run's result: per LLM service the time-weighted mean running batch and
 * KV utilisation and the preemption count over its instances, and per device the busy fraction
 * of each GPU lane. Kept apart from the per-service summarizer (sim/metrics): these are facts of
 * the simulated server, which a live run does not observe.
 */
import type { EngineResult, EngineServiceResult } from '../../policies/index.js';
import type { World } from './world.js';

export function engineStats(w: World): EngineResult {
  const sc = w.scenario;
  const services: Record<string, EngineServiceResult> = {};
  sc.services.forEach((s, i) => {
    if (s.kind !== 'llm') return;
    let busy = 0;
    let batch = 0;
    let kv = 0;
    let pre = 0;
    for (const inst of w.instances) {
      if (inst.service !== i) continue;
      busy += inst.statBusyS;
      batch += inst.statBatchS;
      kv += inst.statKvS;
      pre += inst.preemptions;
    }
    services[s.name] = {
      meanRunningBatch: busy > 0 ? batch / busy : 0,
      kvUtilization: busy > 0 ? kv / busy : 0,
      preemptions: pre,
    };
  });
  const lanes: Record<string, number[]> = {};
  const L = w.lanes;
  sc.devices.forEach((d, i) => {
    const out: number[] = [];
    for (let k = 0; k < L.count[i]!; k++) out.push(L.busyInRun[L.base[i]! + k]! / sc.horizonS);
    lanes[d.id] = out;
  });
  return { services, lanes };
}
