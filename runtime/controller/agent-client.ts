/**
 * HTTP client of one device agent (docs/agent-protocol.md): heartbeat, deploy, undeploy,
 * streaming generate, segment. Every call has a timeout (AbortSignal.timeout) so a killed or
 * hung agent can never stall the controller; responses are validated with the protocol's zod
 * schemas. Failures are values (`{ok:false, error}`), never throws.
 */
import {
  AgentStateSchema,
  GenerateChunkSchema,
  SegmentResponseSchema,
  type AgentState,
  type DeployRequest,
  type GenerateRequest,
  type SegmentRequest,
  type SegmentResponse,
} from '../protocol/index.js';

/** `timeout`: the call was cut by its deadline (the agent may be slow, not dead). */
export type CallResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string; readonly timeout?: boolean };

const isTimeout = (err: unknown): boolean => err instanceof Error && err.name === 'TimeoutError';

export interface AgentEndpoint {
  /** Base URL, e.g. `http://127.0.0.1:7301`. */
  readonly url: string;
  readonly token: string;
}

export interface CallTimeouts {
  /** Heartbeat, deploy and undeploy calls. */
  readonly controlMs: number;
  /** A whole generate / segment call, headers to last chunk. */
  readonly requestMs: number;
}

export const DEFAULT_TIMEOUTS: CallTimeouts = { controlMs: 2000, requestMs: 60_000 };

/** Times (from `now()`) at which stream events arrived. */
export interface GenerateTiming {
  readonly firstTokenAt: number;
  readonly tokens: number;
  /** Agent-reported prefill compute time, seconds. */
  readonly prefillS: number;
  /** Agent-reported wait for its executor before the first step, seconds. */
  readonly queueS: number;
  /** Agent-reported time of all decode steps, seconds (first to last token inside the agent). */
  readonly decodeS: number;
  /** The agent's monotonic clock when it received the request, seconds (absent from older agents). */
  readonly startedAtS?: number;
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as Error & { cause?: unknown }).cause;
    const c = cause instanceof Error ? `: ${cause.message}` : '';
    return `${err.name === 'TimeoutError' ? 'timeout' : err.message}${c}`;
  }
  return String(err);
}

export class AgentClient {
  constructor(
    readonly endpoint: AgentEndpoint,
    readonly timeouts: CallTimeouts = DEFAULT_TIMEOUTS,
  ) {}

  private headers(json: boolean): Record<string, string> {
    const h: Record<string, string> = { authorization: `Bearer ${this.endpoint.token}` };
    if (json) h['content-type'] = 'application/json';
    return h;
  }

  private signal(ms: number, outer?: AbortSignal): AbortSignal {
    const t = AbortSignal.timeout(ms);
    return outer !== undefined ? AbortSignal.any([t, outer]) : t;
  }

  private async call(method: string, path: string, body: unknown, ms: number): Promise<CallResult<unknown>> {
    try {
      const res = await fetch(`${this.endpoint.url}${path}`, {
        method,
        headers: this.headers(body !== undefined),
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: this.signal(ms),
      });
      const text = await res.text();
      if (!res.ok) return { ok: false, error: `HTTP ${res.status} ${text.slice(0, 200)}` };
      return { ok: true, value: text.length > 0 ? JSON.parse(text) : null };
    } catch (err) {
      return { ok: false, error: describe(err), timeout: isTimeout(err) };
    }
  }

  async state(): Promise<CallResult<AgentState>> {
    const r = await this.call('GET', '/v1/state', undefined, this.timeouts.controlMs);
    if (!r.ok) return r;
    const p = AgentStateSchema.safeParse(r.value);
    return p.success
      ? { ok: true, value: p.data }
      : { ok: false, error: `bad state: ${p.error.message.slice(0, 200)}` };
  }

  async deploy(req: DeployRequest): Promise<CallResult<unknown>> {
    return this.call('POST', '/v1/instances', req, this.timeouts.controlMs);
  }

  async undeploy(instanceId: string): Promise<CallResult<unknown>> {
    return this.call('DELETE', `/v1/instances/${encodeURIComponent(instanceId)}`, undefined, this.timeouts.controlMs);
  }

  /**
   * Streams a generation; `now()` stamps the first token. With `tokenTimes`, each token's agent
   * time (its `agentMs`, seconds since the agent received the request: add `startedAtS` for the
   * agent's clock) is pushed there; `onAdmitted` is called when the agent reports the request
   * admitted to its batch (not every backend does). Succeeds only when the `done` chunk arrives
   * with every token; an `error` chunk, a cut stream or a timeout is a failure.
   */
  async generate(
    instanceId: string,
    req: GenerateRequest,
    now: () => number,
    opts: { readonly signal?: AbortSignal; readonly tokenTimes?: number[]; readonly onAdmitted?: () => void } = {},
  ): Promise<CallResult<GenerateTiming>> {
    const { signal: outer, tokenTimes, onAdmitted } = opts;
    let firstTokenAt = NaN;
    let tokens = 0;
    try {
      const res = await fetch(`${this.endpoint.url}/v1/instances/${encodeURIComponent(instanceId)}/generate`, {
        method: 'POST',
        headers: this.headers(true),
        body: JSON.stringify(req),
        signal: this.signal(this.timeouts.requestMs, outer),
      });
      if (!res.ok || res.body === null)
        return { ok: false, error: `HTTP ${res.status} ${(await res.text()).slice(0, 200)}` };
      const decoder = new TextDecoder();
      let buf = '';
      for await (const part of res.body) {
        buf += decoder.decode(part as Uint8Array, { stream: true });
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (line.length === 0) continue;
          const c = GenerateChunkSchema.safeParse(JSON.parse(line));
          if (!c.success) return { ok: false, error: 'bad chunk' };
          const chunk = c.data;
          if (chunk.type === 'admitted') {
            onAdmitted?.();
          } else if (chunk.type === 'token') {
            if (tokens === 0) firstTokenAt = now();
            tokenTimes?.push(chunk.agentMs / 1000);
            tokens++;
          } else if (chunk.type === 'error') {
            return { ok: false, error: `${chunk.code}: ${chunk.message}` };
          } else {
            return tokens === req.outputTokens
              ? {
                  ok: true,
                  value: {
                    firstTokenAt,
                    tokens,
                    prefillS: chunk.prefillMs / 1000,
                    queueS: chunk.queueMs / 1000,
                    decodeS: chunk.decodeMs / 1000,
                    ...(chunk.startedAtS !== undefined ? { startedAtS: chunk.startedAtS } : {}),
                  },
                }
              : { ok: false, error: `short stream ${tokens}` };
          }
        }
      }
      return { ok: false, error: 'stream ended without done' };
    } catch (err) {
      return { ok: false, error: describe(err) };
    }
  }

  async segment(instanceId: string, req: SegmentRequest, outer?: AbortSignal): Promise<CallResult<SegmentResponse>> {
    try {
      const res = await fetch(`${this.endpoint.url}/v1/instances/${encodeURIComponent(instanceId)}/segment`, {
        method: 'POST',
        headers: this.headers(true),
        body: JSON.stringify(req),
        signal: this.signal(this.timeouts.requestMs, outer),
      });
      const text = await res.text();
      if (!res.ok) return { ok: false, error: `HTTP ${res.status} ${text.slice(0, 200)}` };
      const p = SegmentResponseSchema.safeParse(JSON.parse(text));
      return p.success ? { ok: true, value: p.data } : { ok: false, error: 'bad segment response' };
    } catch (err) {
      return { ok: false, error: describe(err) };
    }
  }
}
