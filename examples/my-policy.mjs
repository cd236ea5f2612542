// A complete user policy, loaded without rebuilding ParaSim (docs/writing-a-policy.md):
//   npx parasim run scenarios/default.yaml --policy-module examples/my-policy.mjs
// or in a scenario:  policy: { module: ../examples/my-policy.mjs, params: { replicas: 3 } }
//
// "fastest-k": each service gets up to `replicas` whole-model replicas on the fastest alive
// devices that still have weight memory for it (decode tokens/s for LLMs, items/s for the
// others, from the host's per-device-type estimates); re-placed every `period_s` and after
// faults. Each request goes to the ready replica with the fewest queued + running requests.
// Pure: it reads only the view and never the clock, Math.random or I/O.
import { WEIGHT_MEMORY_FRACTION, readyInstances, tensorDegreeToFit, wholeModelStage } from 'parasim/policy';

/** Requests per second one replica of `service` serves on `device` (higher is faster). */
function speed(service, device) {
  const p = service.perf[device.type];
  if (p === undefined || !p.fits) return 0;
  return service.kind === 'llm'
    ? p.decodeTokPerSAtMaxBatch / Math.max(1, service.meanOutputTokens)
    : p.itemsPerSAtMaxBatch;
}

/** @type {import('parasim/policy').PolicyFactory} */
export default {
  description: 'fastest-k (example): k replicas per service on the fastest devices with room; least-queued routing.',
  params: {
    replicas: { kind: 'integer', default: 2, min: 1, max: 64, description: 'Replicas per service.' },
    period_s: { kind: 'number', default: 60, min: 1, max: 3600, description: 'Re-placement period, s.' },
  },
  create(params) {
    const k = Number(params.replicas);
    return {
      name: 'fastest-k',
      placementPeriodS: Number(params.period_s),
      sync: undefined,
      place(view) {
        const free = new Map(view.devices.map((d) => [d.id, d.gpus * d.memoryBytesPerGpu * WEIGHT_MEMORY_FRACTION]));
        const instances = [];
        // Busiest service first, so it gets the fastest boxes; ties by name (deterministic).
        const services = [...view.services].sort((a, b) => b.demandRps - a.demandRps || a.name.localeCompare(b.name));
        for (const s of services) {
          const candidates = view.devices
            .filter(
              (d) => d.alive && speed(s, d) > 0 && tensorDegreeToFit(s, d) > 0 && free.get(d.id) >= s.model.weightBytes,
            )
            .sort((a, b) => speed(s, b) - speed(s, a) || a.id.localeCompare(b.id));
          for (const d of candidates.slice(0, k)) {
            free.set(d.id, free.get(d.id) - s.model.weightBytes);
            instances.push({ service: s.name, stages: [wholeModelStage(s, d, d.gpus)] });
          }
        }
        return { instances, reason: `fastest-k: ${instances.length} replicas (k = ${k})` };
      },
      route(req, view) {
        const ready = readyInstances(view, req.service);
        if (ready.length === 0) return { kind: 'drop', reason: 'no-instance' };
        let best = ready[0];
        for (const i of ready) {
          const load = i.queued + i.running;
          const bestLoad = best.queued + best.running;
          if (load < bestLoad || (load === bestLoad && i.id < best.id)) best = i;
        }
        return { kind: 'instance', instanceId: best.id, reason: `least queued (${best.queued + best.running})` };
      },
    };
  },
};
