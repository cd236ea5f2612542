/**
 * Segmentation (per-item models) on one instance: dynamic batching — when the device is free,
 * take up to maxBatch waiting frames as one batch; batch time from the profile's per-item
 * latency at that batch (interpolated) or the roofline. FPGA: one frame at a time, fixed
 * pipeline latency; its input/output bytes cross its serial link in the network model.
 * A multi-stage plan runs on its first stage's device (no pipeline split for per-item models).
 * docs/sim-models.md "Segmentation".
 */
import { PRIORITY } from '../../priorities.js';
import { NO_EVENT, type Instance, type ServingEngine } from '../../host/instance.js';
import type { World } from '../../host/world.js';

function itemEnqueue(w: World, inst: Instance, req: number): void {
  inst.lastWorkS = w.now;
  inst.waiting.push(req);
  w.kick(inst);
}

function itemStartBatch(w: World, inst: Instance): void {
  const r = w.requests;
  const perf = inst.item!;
  const cap = Math.max(1, Math.min(inst.maxBatch, perf.maxBatch));
  const now = w.now;
  while (inst.waiting.length > 0 && inst.runCount < cap) {
    const q = inst.waiting.shift();
    inst.running[inst.runCount++] = q;
    r.start[q] = now;
  }
  w.countsChanged(inst);
  if (inst.runCount === 0) return;
  const end = w.runOnLanes(
    inst.stageDevices[0]!,
    inst.stageLanes[0]!,
    now,
    perf.batchS(inst.runCount) * w.timeScale(inst.stageDevices[0]!),
    inst.index,
  );
  inst.laneStartS = w.lastStartS;
  inst.busy = true;
  inst.iterHandle = w.kernel.scheduleAt(end, w.handlers.iterationEnd, inst.index, PRIORITY.completion);
}

function itemBatchEnd(w: World, inst: Instance): void {
  inst.busy = false;
  inst.iterHandle = NO_EVENT;
  const d = inst.stageDevices[0]!;
  const bytes = w.scenario.services[inst.service]!.model.outputBytes;
  if (w.timeline !== null) {
    w.timeline.step(d, inst.index, inst.id, inst.laneStartS, w.now, {
      batch: inst.runCount,
      prefillTokens: 0,
      decodes: 0,
      steps: 1,
      waiting: inst.waiting.length,
    });
  }
  const n = inst.runCount;
  inst.runCount = 0;
  for (let i = 0; i < n; i++) {
    const q = inst.running[i]!;
    w.leaveInstance(inst);
    w.sendResponse(q, d, w.now, bytes);
  }
  itemStartBatch(w, inst);
}

/** The per-item engine, as the world calls it (one per service kind, see ServingEngine). */
export const ITEM_ENGINE: ServingEngine = {
  enqueue: itemEnqueue,
  start: itemStartBatch,
  stepEnd: itemBatchEnd,
  interrupt: () => undefined,
};
