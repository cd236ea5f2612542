/**
 * `parasim profile`: measures one model on one live agent into the profile-table rows the
 * simulator interpolates (sim/models/perf.ts), so a simulated device behaves like the measured one.
 *
 * What each row means, and how it is measured (agent-side step times from the `done` chunk and
 * the segment answer, so HTTP and queueing do not leak into device time — links model those):
 * - LLM prefill, batch 1, per prompt length p: `prefillTokPerS = p / prefill step time`, the
 *   median over `repeats` single requests with one output token.
 * - LLM decode, per batch b and prompt length p: b requests of p prompt tokens started together,
 *   each generating `outputTokens`. Batch 1: `decodeTokPerS` = decode tokens / the agent-reported
 *   decode time (first to last token inside the agent). Batch b > 1: the aggregate rate over the
 *   window where all b decode side by side (decode-window.ts: the steps before it also prefill
 *   the later sequences' prompts), from the token times on the agent's clock (each token's
 *   `agentMs` + its request's `startedAtS`: no client event-loop jitter); the longest
 *   agent-reported decode time when that window is too short or the agent reports no clock. The row carries `outputTokens`, so the step-cost
 *   fit predicts it at the context it was measured at. The onnx agent interleaves steps
 *   (docs/agent-protocol.md), the llama backend batches sequences in one llama.cpp step, so this
 *   is what batching buys on that device.
 * - Segmentation, per batch b: one request of b frames; `itemLatencyS = compute time / b`, median.
 * - The round trip (round-trip.ts): per payload size, client time minus agent compute.
 * Every row carries `source: measured <agent url> <model> <date>`.
 */
import type { ProfileRow } from '../../scenarios/index.js';
import type { AgentServiceKind } from '../protocol/index.js';
import { AgentClient, type AgentEndpoint } from '../controller/agent-client.js';
import { WallClock, sleepMs } from '../clock/index.js';
import { ROUND_TRIP_IDLE_SAMPLES, ROUND_TRIP_TAIL_SAMPLES, type OverheadRow } from './round-trip.js';
import { lockstepDecodeRate } from './decode-window.js';

export interface ProfilePlan {
  readonly kind: AgentServiceKind;
  /** Model name as the agent knows it (onnx: lm-tiny, seg-small, …). */
  readonly model: string;
  /** Catalog device type the rows are for (the scenario's `type` of that device). */
  readonly deviceType: string;
  readonly batches: readonly number[];
  /** LLM prefill prompt lengths. */
  readonly promptTokens: readonly number[];
  /** LLM decode: tokens per request (≥ 2). */
  readonly outputTokens: number;
  /** Segmentation frame size. */
  readonly frameWidth: number;
  readonly frameHeight: number;
  readonly repeats: number;
  /** Label written in each row's `source`. */
  readonly sourceLabel: string;
  /** LLM decode: prompt lengths to measure each batch at (default: the first prefill length only, rows without prompt_tokens). */
  readonly decodePromptTokens?: readonly number[];
  /** Round trips at the smallest payload (default ROUND_TRIP_TAIL_SAMPLES: its distribution's tail). */
  readonly roundTripSamples?: number;
  /**
   * Round trips after the agent sat idle: for each gap (ms), `roundTripIdleSamples` requests at
   * the smallest payload, each sent that long after the previous one answered (rows with
   * `idleGapS`; a wake-up costs, see round-trip.ts). Default none.
   */
  readonly roundTripIdleGapsMs?: readonly number[];
  /** Round trips per idle gap (default ROUND_TRIP_IDLE_SAMPLES). */
  readonly roundTripIdleSamples?: number;
  /** Also measure the round trip per payload size (default false); 'only': just that, no rate rows. */
  readonly roundTrip?: boolean | 'only';
}

export interface ProfileRun {
  readonly rows: ProfileRow[];
  readonly overhead: OverheadRow[];
}

export const DEFAULT_PLAN: Omit<ProfilePlan, 'kind' | 'model' | 'deviceType' | 'sourceLabel'> = {
  batches: [1, 2, 4, 8],
  promptTokens: [16, 64, 256],
  outputTokens: 16,
  frameWidth: 64,
  frameHeight: 64,
  repeats: 3,
};

export type ProfileProgress = (message: string) => void;

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Deploys the model, waits until ready (or throws with the agent's error), returns the instance id. */
async function deploy(client: AgentClient, plan: ProfilePlan, timeoutMs: number): Promise<string> {
  // Unique per run: a previous run cut short may have left its instance draining on the agent.
  const instanceId = `profile-${plan.model}-${new WallClock().epochMs().toString(36)}`
    .replace(/[^A-Za-z0-9._:-]/g, '-')
    .slice(0, 128);
  const d = await client.deploy({ instanceId, service: 'profile', kind: plan.kind, model: plan.model });
  if (!d.ok) throw new Error(`deploy ${plan.model} on ${client.endpoint.url}: ${d.error}`);
  const clock = new WallClock();
  for (;;) {
    const s = await client.state();
    if (!s.ok) throw new Error(`agent ${client.endpoint.url}: ${s.error}`);
    const inst = s.value.instances.find((i) => i.instanceId === instanceId);
    if (inst?.state === 'ready') return instanceId;
    if (inst?.state === 'failed')
      throw new Error(`deploy ${plan.model}: failed on the agent: ${inst.error ?? 'no reason given'}`);
    if (clock.nowS() * 1000 > timeoutMs)
      throw new Error(`deploy ${plan.model}: not ready after ${timeoutMs} ms (state ${inst?.state ?? 'absent'})`);
    await sleepMs(20);
  }
}

async function profileLlm(
  client: AgentClient,
  id: string,
  plan: ProfilePlan,
  progress: ProfileProgress,
): Promise<ProfileRow[]> {
  const rows: ProfileRow[] = [];
  const clock = new WallClock();
  for (const p of plan.promptTokens) {
    const rates: number[] = [];
    for (let r = 0; r < plan.repeats; r++) {
      const g = await client.generate(id, { promptTokens: p, outputTokens: 1, seed: r }, () => clock.nowS());
      if (!g.ok) throw new Error(`prefill ${p} tokens: ${g.error}`);
      rates.push(p / Math.max(g.value.prefillS, 1e-6));
    }
    rows.push({
      deviceType: plan.deviceType,
      batch: 1,
      promptTokens: p,
      prefillTokPerS: median(rates),
      source: plan.sourceLabel,
    });
    progress(`prefill p=${p}: ${median(rates).toFixed(0)} tok/s`);
  }
  const out = Math.max(2, plan.outputTokens);
  const prompts = plan.decodePromptTokens ?? [plan.promptTokens[0] ?? 16];
  for (const prompt of prompts) {
    for (const b of plan.batches) {
      const rates: number[] = [];
      for (let r = 0; r < plan.repeats; r++) {
        const times = Array.from({ length: b }, (): number[] => []);
        const runs = await Promise.all(
          Array.from({ length: b }, async (_, i) => {
            const g = await client.generate(
              id,
              { promptTokens: prompt, outputTokens: out, seed: r * 1000 + i },
              () => clock.nowS(),
              b > 1 ? { tokenTimes: times[i]! } : {},
            );
            if (!g.ok) return g.error;
            // On the agent's clock: one clock for every request to that agent.
            if (g.value.startedAtS !== undefined) times[i] = times[i]!.map((t) => t + g.value.startedAtS!);
            else times[i] = [];
            return g.value.decodeS;
          }),
        );
        const bad = runs.find((x): x is string => typeof x === 'string');
        if (bad !== undefined) throw new Error(`decode batch ${b}: ${bad}`);
        // Batch 1: the agent-side decode time (the done chunk). Batch > 1: the window where all b
        // decode together, on the agent's clock (token agentMs + the request's startedAtS); an
        // older agent without startedAtS: the longest decode time.
        const span = Math.max(...(runs as number[]));
        rates.push((b > 1 ? lockstepDecodeRate(times) : null) ?? (b * (out - 1)) / Math.max(span, 1e-6));
      }
      rows.push({
        deviceType: plan.deviceType,
        batch: b,
        ...(plan.decodePromptTokens !== undefined ? { promptTokens: prompt } : {}),
        outputTokens: out,
        decodeTokPerS: median(rates),
        source: plan.sourceLabel,
      });
      progress(`decode batch=${b} prompt=${prompt}: ${median(rates).toFixed(1)} tok/s aggregate`);
    }
  }
  return rows;
}

async function profileSegmentation(
  client: AgentClient,
  id: string,
  plan: ProfilePlan,
  progress: ProfileProgress,
): Promise<ProfileRow[]> {
  const rows: ProfileRow[] = [];
  for (const b of plan.batches) {
    const lat: number[] = [];
    for (let r = 0; r < plan.repeats; r++) {
      const s = await client.segment(id, { frames: b, width: plan.frameWidth, height: plan.frameHeight, seed: r });
      if (!s.ok) throw new Error(`segment batch ${b}: ${s.error}`);
      lat.push(s.value.computeMs / 1000 / b);
    }
    rows.push({ deviceType: plan.deviceType, batch: b, itemLatencyS: median(lat), source: plan.sourceLabel });
    progress(`segment batch=${b}: ${(median(lat) * 1000).toFixed(2)} ms/item`);
  }
  return rows;
}

/**
 * Profiles `plan.model` on the agent at `endpoint`: deploy, one warm-up request, the grid, then
 * undeploy (also when a measurement fails). Throws with a message naming the agent and step.
 */
export async function profileAgent(
  endpoint: AgentEndpoint,
  plan: ProfilePlan,
  progress: ProfileProgress = () => {},
  deployTimeoutMs = 60_000,
): Promise<ProfileRow[]> {
  return (await profileDevice(endpoint, plan, progress, deployTimeoutMs)).rows;
}

/**
 * Round trip on the idle instance: per payload, client time − agent compute, back to back (the
 * median over `repeats`, the tail samples at the smallest payload); then at the smallest payload
 * after each idle gap of `roundTripIdleGapsMs`.
 */
async function measureRoundTrip(
  client: AgentClient,
  id: string,
  plan: ProfilePlan,
  progress: ProfileProgress,
): Promise<OverheadRow[]> {
  const clock = new WallClock();
  const out: OverheadRow[] = [];
  const sizes = plan.kind === 'llm' ? plan.promptTokens : plan.batches;
  const smallest = Math.min(...sizes);
  const once = async (n: number, r: number): Promise<number> => {
    const t0 = clock.nowS();
    if (plan.kind === 'llm') {
      const g = await client.generate(id, { promptTokens: n, outputTokens: 1, seed: 7 + r }, () => clock.nowS());
      if (!g.ok) throw new Error(`round trip, prompt ${n}: ${g.error}`);
      return Math.max(0, g.value.firstTokenAt - t0 - g.value.prefillS);
    }
    const s = await client.segment(id, { frames: n, width: plan.frameWidth, height: plan.frameHeight, seed: r });
    if (!s.ok) throw new Error(`round trip, ${n} frames: ${s.error}`);
    return Math.max(0, clock.nowS() - t0 - (s.value.queueMs + s.value.computeMs) / 1000);
  };
  const row = (n: number, xs: number[], idleGapS?: number): OverheadRow => ({
    deviceType: plan.deviceType,
    kind: plan.kind,
    payloadBytes: plan.kind === 'llm' ? 4 * n : n * plan.frameWidth * plan.frameHeight * 3,
    overheadS: median(xs),
    samplesS: xs,
    source: plan.sourceLabel,
    ...(idleGapS !== undefined ? { idleGapS } : {}),
  });
  for (const n of sizes) {
    const xs: number[] = [];
    const count =
      n === smallest ? Math.max(3, plan.roundTripSamples ?? ROUND_TRIP_TAIL_SAMPLES) : Math.max(3, plan.repeats);
    for (let r = 0; r < count; r++) xs.push(await once(n, r));
    out.push(row(n, xs));
    progress(`round trip ${out.at(-1)!.payloadBytes} B: ${(median(xs) * 1000).toFixed(2)} ms beyond compute`);
  }
  for (const gapMs of plan.roundTripIdleGapsMs ?? []) {
    const xs: number[] = [];
    for (let r = 0; r < Math.max(1, plan.roundTripIdleSamples ?? ROUND_TRIP_IDLE_SAMPLES); r++) {
      await sleepMs(gapMs);
      xs.push(await once(smallest, r));
    }
    out.push(row(smallest, xs, gapMs / 1000));
    progress(`round trip after ${gapMs} ms idle: ${(median(xs) * 1000).toFixed(2)} ms beyond compute`);
  }
  return out;
}

/** `profileAgent` plus, with `plan.roundTrip`, the round-trip overhead rows. */
export async function profileDevice(
  endpoint: AgentEndpoint,
  plan: ProfilePlan,
  progress: ProfileProgress = () => {},
  deployTimeoutMs = 60_000,
): Promise<ProfileRun> {
  if (plan.batches.length === 0 || plan.batches.some((b) => !Number.isInteger(b) || b < 1))
    throw new Error('batches must be integers ≥ 1');
  if (plan.repeats < 1) throw new Error('repeats must be ≥ 1');
  // Generous control timeout: profiling is not latency-critical and often runs on a busy device.
  const client = new AgentClient(endpoint, { controlMs: 30_000, requestMs: 120_000 });
  const id = await deploy(client, plan, deployTimeoutMs);
  try {
    progress(`${plan.model} ready on ${endpoint.url}`);
    // Warm-up: the first run of a session pays one-off allocation costs that are not the device's speed.
    if (plan.kind === 'llm')
      await client.generate(id, { promptTokens: plan.promptTokens[0] ?? 16, outputTokens: 2 }, () => 0);
    else await client.segment(id, { frames: 1, width: plan.frameWidth, height: plan.frameHeight });
    const overhead =
      plan.roundTrip === true || plan.roundTrip === 'only' ? await measureRoundTrip(client, id, plan, progress) : [];
    if (plan.roundTrip === 'only') return { rows: [], overhead };
    const rows =
      plan.kind === 'llm'
        ? await profileLlm(client, id, plan, progress)
        : await profileSegmentation(client, id, plan, progress);
    return { rows, overhead };
  } finally {
    await client.undeploy(id);
  }
}
