/**
 * Processor sharing of a CPU device (sim/host/processor-share.ts and `device_sharing:
 * processor-sharing`): hand-computed schedules of the queue alone, then a chat prefill and camera
 * frames on one CPU core through the simulator — a frame runs beside the prefill at half speed
 * instead of waiting behind it (fifo), and the prefill is stretched by exactly the frames' work.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEVICE_CATALOG, MODEL_CATALOG } from '../../scenarios/index.js';
import type { RequestRecord } from '../../policies/index.js';
import { ItemPerf, LlmStagePerf, simulate } from '../../sim/index.js';
import { ProcessorShare } from '../../sim/host/processor-share.js';
import { applyPlan } from '../../sim/host/placement.js';
import { PRIORITY } from '../../sim/priorities.js';
import { bareWorld } from '../host/bare-world.js';
import {
  GB,
  device,
  fixedArrivals,
  fixedPlanPolicy,
  link,
  llmService,
  modelSpec,
  recorder,
  scenario,
} from './fixtures.js';

const ends = (ps: ProcessorShare): Record<number, number> =>
  Object.fromEntries(ps.jobs().map((j) => [j.owner, j.endS]));

describe('processor share › queue', () => {
  it('processor share › one core, two jobs › equal shares until the shorter leaves', () => {
    const ps = new ProcessorShare(1);
    ps.add(0, 1, 1.0, 1); // alone: ends at 1
    expect(ends(ps)).toEqual({ 1: 1 });
    ps.add(0.5, 2, 0.2, 1); // job 1 has 0.5 left; both at 1/2: job 2 ends at 0.9, job 1 at 0.9 + 0.3
    const e = ends(ps);
    expect(e[2]).toBeCloseTo(0.9, 12);
    expect(e[1]).toBeCloseTo(1.2, 12);
  });

  it('processor share › two cores, thread caps › a 1-thread job cannot use both cores', () => {
    const ps = new ProcessorShare(2);
    ps.add(0, 1, 1.0, 1);
    ps.add(0, 2, 1.0, 1);
    // Two 1-thread jobs on two cores: each alone on a core.
    expect(ends(ps)).toEqual({ 1: 1, 2: 1 });
    ps.add(0, 3, 1.0, 2); // a 2-thread job: water-filling 2 cores over caps 1,1,2 → 2/3 each
    const e = ends(ps);
    // Jobs 1, 2 at speed 2/3 → end 1.5; job 3 at (2/3)/2 = 1/3 until 1.5 (0.5 done), then alone at speed 1.
    expect(e[1]).toBeCloseTo(1.5, 12);
    expect(e[3]).toBeCloseTo(2.0, 12);
  });

  it('processor share › work is conserved › the last end is the sum of the work on one core', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 1e-3, max: 1, noNaN: true })), {
          minLength: 1,
          maxLength: 8,
        }),
        (jobs) => {
          const ps = new ProcessorShare(1);
          const sorted = [...jobs].sort((a, b) => a[0] - b[0]);
          // Busy from the first arrival while work is left: the last end = max over i of (a_i + work from i on).
          let busyEnd = -Infinity;
          sorted.forEach(([at, w], i) => {
            ps.add(at, i, w, 1);
            busyEnd = Math.max(busyEnd, at) + w;
          });
          expect(ps.busyUntil).toBeCloseTo(busyEnd, 9);
        },
      ),
    );
  });

  it('processor share › a cut › shortening a job moves its end and speeds up the others', () => {
    const ps = new ProcessorShare(1);
    ps.add(0, 1, 1.0, 1);
    ps.add(0, 2, 1.0, 1); // both end at 2
    ps.shorten(0.5, 1, 0.5); // by 0.5 each did 0.25; job 1 has 0.75 − 0.5 = 0.25 left
    const e = ends(ps);
    expect(e[1]).toBeCloseTo(1.0, 12); // 0.25 at speed 1/2
    expect(e[2]).toBeCloseTo(1.5, 12); // 0.75 left at 1.0: 0.5 left, alone
  });
});

describe('processor share › end events in the host', () => {
  it("processor share › a cut › the co-runner's end event moves earlier at once, not at the next arrival", () => {
    // One 1-lane device shared by two single-stage instances (a and b); the world's end events
    // are recorded instead of run by the engine.
    const model = modelSpec({ layers: 10, weightBytes: 1 * GB });
    const sc = {
      ...scenario({
        devices: [device('cpu')],
        horizonS: 10,
        services: [llmService({ name: 'a', model }), llmService({ name: 'b', model })],
      }),
      deviceSharing: 'processor-sharing' as const,
    };
    const { w, kernel } = bareWorld(sc, false);
    const fired: [number, number][] = [];
    w.handlers.iterationEnd = kernel.register((i) => {
      fired.push([i, kernel.now]);
    });
    const stages = [{ device: 'cpu', firstLayer: 0, endLayer: 10, gpus: 1 }];
    applyPlan(w, {
      instances: [
        { service: 'a', stages },
        { service: 'b', stages },
      ],
      reason: 'test',
    });
    const [a, b] = [w.instances[0]!, w.instances[1]!];
    const start = (inst: typeof a, workS: number) => {
      const end = w.runOnLanes(0, inst.stageLanes[0]!, kernel.now, workS, inst.index);
      inst.iterHandle = kernel.scheduleAt(end, w.handlers.iterationEnd, inst.index, PRIORITY.completion);
      return end;
    };
    expect(start(a, 1.0)).toBeCloseTo(1.0, 12); // alone
    expect(start(b, 1.0)).toBeCloseTo(2.0, 12); // both at 1/2: a's end event moves to 2 as well
    kernel.runUntil(0.5);
    // At 0.5 a's work is cut by 0.5 (as llm-engine's cutRun does): a has 0.25 left, ends at 1.0;
    // b (0.75 left) runs at 1/2 until 1.0, then alone: 1.5. Its event must move from 2.0 to 1.5.
    w.releaseLanes(0, a.stageLanes[0]!, 1.5, 2.0, a.index);
    kernel.cancel(a.iterHandle);
    a.iterHandle = kernel.scheduleAt(
      w.share![0]!.endOf(a.index),
      w.handlers.iterationEnd,
      a.index,
      PRIORITY.completion,
    );
    kernel.runUntil(5);
    expect(fired.map(([i]) => i)).toEqual([a.index, b.index]);
    expect(fired[0]![1]).toBeCloseTo(1.0, 12);
    expect(fired[1]![1]).toBeCloseTo(1.5, 12);
  });
});

const core = DEVICE_CATALOG['x86-vm-core']!;
const llama = MODEL_CATALOG['llama-20m']!;
const seg = MODEL_CATALOG['yolo11n-seg']!;

function run(
  sharing: 'fifo' | 'processor-sharing',
  chat: [number, number, number][] = [[10, 256, 1]],
  cam: [number, number, number][] = [
    [10.001, 1, 1],
    [10.002, 1, 1],
  ],
): RequestRecord[] {
  const sc = {
    ...scenario({
      devices: [device('cpu', core)],
      links: [link('l0', 'cpu', 'sw', 1e30, 0)],
      horizonS: 20,
      services: [
        llmService({ name: 'chat', model: llama, slo: { kind: 'e2e', e2eS: 100 } }),
        llmService({
          name: 'cam',
          kind: 'segmentation',
          model: seg,
          slo: { kind: 'frame', deadlineS: 0.5 },
          maxBatch: 1,
        }),
      ],
    }),
    deviceSharing: sharing,
  };
  const rec = recorder();
  simulate(sc, {
    records: rec.records,
    warmStart: true,
    policyImpl: fixedPlanPolicy([
      { service: 'chat', stages: [{ device: 'cpu', gpus: 1, firstLayer: 0, endLayer: llama.layers }] },
      { service: 'cam', stages: [{ device: 'cpu', gpus: 1, firstLayer: 0, endLayer: seg.layers }] },
    ]),
    // A 256-token prompt at t = 10 (one output token: its prefill is the whole request), frames just after.
    arrivals: fixedArrivals({ chat, cam }),
  });
  return rec.byId.filter((r): r is RequestRecord => r !== undefined);
}

describe('processor share › simulator', () => {
  const prefillS = new LlmStagePerf(llama, core, 1, 1, 1).prefillS(256);
  const frameS = new ItemPerf(seg, core, 1, 1).batchS(1);
  const frameTimes = (recs: RequestRecord[]) =>
    recs.filter((r) => r.service === 'cam').map((r) => r.finishS - r.arrivalS);

  it('processor share › fifo › frames wait for the whole prefill', () => {
    expect(prefillS).toBeGreaterThan(0.05);
    for (const t of frameTimes(run('fifo'))) expect(t).toBeGreaterThan(prefillS - 0.003);
  });

  it('processor share › processor-sharing › frames run beside the prefill at half speed; the prefill pays their work', () => {
    const recs = run('processor-sharing');
    const frames = recs.filter((r) => r.service === 'cam');
    expect(frames).toHaveLength(2);
    for (const f of frames) expect(f.outcome).toBe('ok');
    // Each frame shares the one core with the prefill (1/2 each) from its arrival: 2 × its work.
    for (const t of frameTimes(recs)) expect(t).toBeCloseTo(2 * frameS, 9);
    // The prefill is stretched by exactly the frames' work (work conserving), never by a whole wait.
    const chat = recs.find((r) => r.service === 'chat')!;
    expect(chat.finishS - chat.arrivalS).toBeCloseTo(prefillS + 2 * frameS, 9);
  });

  it('processor share › a decode run › a frame cuts it at a step boundary, shares one step, and every token still comes', () => {
    // One sequence decoding 200 tokens from t = 10 (a multi-step decode run), frames at 10.3 and 10.6.
    const cams: [number, number, number][] = [
      [10.3, 1, 1],
      [10.6, 1, 1],
    ];
    const shared = run('processor-sharing', [[10, 16, 200]], cams);
    const alone = run('processor-sharing', [[10, 16, 200]], []);
    for (const t of frameTimes(shared)) expect(t).toBeCloseTo(2 * frameS, 9);
    const chatS = (recs: RequestRecord[]) => {
      const c = recs.find((r) => r.service === 'chat')!;
      expect(c.outcome).toBe('ok');
      return c.finishS - c.arrivalS;
    };
    // The chat pays exactly the frames' work (two frames beside its steps), no more.
    expect(chatS(shared)).toBeCloseTo(chatS(alone) + 2 * frameS, 9);
  });
});
