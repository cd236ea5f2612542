/**
 * Sends one routed request to its instance's agent and turns what happens into exactly one
 * RequestRecord: `ok`/`late` by the service SLO (the simulator's `meetsSlo`), `failed` on any
 * error, timeout or abort (device declared dead). LLM requests stream: the first token stamps
 * `firstTokenS`; `startS` is the first token minus the agent-reported prefill time.
 * Segmentation sends one synthetic frame; `startS` = finish − compute time.
 * Multi-stage (pipeline) instances are sent to their first stage's agent only (the agents do
 * not forward activations between stages yet) — documented in docs/runtime-controller.md.
 */
import type { RequestRecord, Slo } from '../../policies/index.js';
import type { ServiceConfig } from '../../scenarios/index.js';
import { meetsSlo } from '../../sim/index.js';
import type { AgentClient } from './agent-client.js';

export interface PendingRequest {
  readonly id: number;
  readonly service: ServiceConfig;
  readonly arrivalS: number;
  readonly promptTokens: number;
  readonly outputTokens: number;
}

export interface RunOutcome {
  readonly record: RequestRecord;
}

export function outcomeOf(
  slo: Slo,
  arrivalS: number,
  firstTokenS: number,
  finishS: number,
  outputTokens: number,
): 'ok' | 'late' {
  return meetsSlo(slo, arrivalS, firstTokenS, finishS, outputTokens) ? 'ok' : 'late';
}

export interface Execution {
  readonly agent: AgentClient;
  readonly instanceId: string;
  readonly devices: readonly string[];
  readonly now: () => number;
  readonly signal: AbortSignal;
  readonly frame: { readonly width: number; readonly height: number };
  /**
   * Called once when the request starts computing — admitted to the agent's batch (llama), else
   * its first token / response: queued → running.
   */
  readonly onStart: () => void;
  /**
   * Called once per served request with its round trip beyond the agent's own queue and compute
   * (as the profiler measures it, runtime/profile/round-trip.ts): LLM first token − sent − queue −
   * prefill; segmentation answer − sent − queue − compute. Seconds.
   */
  readonly onRoundTrip?: (overheadS: number) => void;
}

/** Runs the request; never throws; the record's outcome is ok, late or failed. */
export async function execute(req: PendingRequest, x: Execution): Promise<RequestRecord> {
  const base = {
    id: req.id,
    service: req.service.name,
    arrivalS: req.arrivalS,
    promptTokens: req.promptTokens,
    outputTokens: req.outputTokens,
    devices: x.devices,
  };
  if (req.service.kind === 'llm') {
    let started = false;
    const start = (): void => {
      if (started) return;
      started = true;
      x.onStart();
    };
    const now = (): number => {
      start();
      return x.now();
    };
    const sentS = x.now();
    const r = await x.agent.generate(
      x.instanceId,
      {
        promptTokens: Math.max(1, req.promptTokens),
        outputTokens: Math.max(1, req.outputTokens),
        requestId: String(req.id),
        seed: req.id,
      },
      now,
      { signal: x.signal, onAdmitted: start },
    );
    const finishS = x.now();
    if (!r.ok) return failed(base, finishS, abortReason(x.signal) ?? r.error);
    const firstTokenS = r.value.firstTokenAt;
    x.onRoundTrip?.(Math.max(0, firstTokenS - sentS - r.value.queueS - r.value.prefillS));
    return {
      ...base,
      startS: Math.max(req.arrivalS, firstTokenS - r.value.prefillS),
      firstTokenS,
      finishS,
      outcome: outcomeOf(req.service.slo, req.arrivalS, firstTokenS, finishS, req.outputTokens),
    };
  }
  const sentS = x.now();
  const r = await x.agent.segment(
    x.instanceId,
    { frames: 1, width: x.frame.width, height: x.frame.height, requestId: String(req.id), seed: req.id },
    x.signal,
  );
  const finishS = x.now();
  x.onStart();
  if (!r.ok) return failed(base, finishS, abortReason(x.signal) ?? r.error);
  const startS = Math.max(req.arrivalS, finishS - r.value.computeMs / 1000);
  x.onRoundTrip?.(Math.max(0, finishS - sentS - (r.value.queueMs + r.value.computeMs) / 1000));
  return {
    ...base,
    startS,
    firstTokenS: NaN,
    finishS,
    outcome: outcomeOf(req.service.slo, req.arrivalS, NaN, finishS, req.outputTokens),
  };
}

/** Why the controller aborted a request (`device-crash`, `drain-timeout`), if it did. */
function abortReason(signal: AbortSignal): string | undefined {
  if (!signal.aborted) return undefined;
  return typeof signal.reason === 'string' ? signal.reason : 'aborted';
}

function failed(
  base: Omit<RequestRecord, 'startS' | 'firstTokenS' | 'finishS' | 'outcome'>,
  finishS: number,
  reason: string,
): RequestRecord {
  return { ...base, startS: NaN, firstTokenS: NaN, finishS, outcome: 'failed', reason: reason.slice(0, 120) };
}
