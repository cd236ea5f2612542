/**
 * Relays generation to an OpenAI-compatible server (llama.cpp server, Ollama, vLLM):
 * `POST <upstream>/completions` (or `/chat/completions`) with `stream: true` and
 * `max_tokens = outputTokens`; each SSE `data:` event carrying text is one token. The deployed
 * model name is a label: the upstream always gets the configured `upstreamModel`. Load = a
 * reachability check (`GET <upstream>/models`). The upstream is its own device, so steps do not
 * go through the agent's executor and slowdown does not apply.
 */
import type { DeployRequest, GenerateRequest } from '../../protocol/index.js';
import type { Backend, GenerateStats, LoadResult, LoadedModel } from '../types.js';
import { syntheticPrompt } from '../types.js';

export interface OpenAiBackendOptions {
  readonly upstream: string;
  readonly upstreamModel: string;
  readonly api: 'completions' | 'chat';
}

/** Text of one streamed event, or null for events without text ([DONE], role-only deltas). */
function eventText(data: string): string | null {
  if (data === '[DONE]') return null;
  const j = JSON.parse(data) as { choices?: Array<{ text?: string; delta?: { content?: string } }> };
  const c = j.choices?.[0];
  const t = c?.text ?? c?.delta?.content;
  return typeof t === 'string' && t !== '' ? t : null;
}

class OpenAiModel implements LoadedModel {
  readonly memoryBytes = 0;
  constructor(private readonly o: OpenAiBackendOptions) {}

  async generate(
    req: GenerateRequest,
    _exec: unknown,
    onToken: (tokenId: number, text?: string) => void,
    signal: AbortSignal,
  ): Promise<GenerateStats> {
    const prompt = syntheticPrompt(req.promptTokens, req.seed ?? 0, 1000)
      .map((i) => `w${i}`)
      .join(' ');
    const body =
      this.o.api === 'chat'
        ? {
            model: this.o.upstreamModel,
            messages: [{ role: 'user', content: prompt }],
            max_tokens: req.outputTokens,
            stream: true,
          }
        : { model: this.o.upstreamModel, prompt, max_tokens: req.outputTokens, stream: true };
    const path = this.o.api === 'chat' ? 'chat/completions' : 'completions';
    const res = await fetch(`${this.o.upstream.replace(/\/+$/, '')}/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal,
    });
    if (!res.ok || res.body === null) throw new Error(`upstream ${path} answered HTTP ${res.status}`);
    const reader = res.body.getReader();
    const dec = new TextDecoder();
    let buf = '';
    let n = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buf += dec.decode(value, { stream: true });
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).replace(/\r$/, '');
        buf = buf.slice(nl + 1);
        if (!line.startsWith('data:')) continue;
        const text = eventText(line.slice(5).trim());
        if (text !== null && n < req.outputTokens) onToken(n++, text);
      }
    }
    if (n < req.outputTokens) throw new Error(`upstream stream ended after ${n} of ${req.outputTokens} tokens`);
    return { queueMs: 0, prefillMs: 0, decodeMs: 0 };
  }

  async close(): Promise<void> {}
}

export class OpenAiBackend implements Backend {
  readonly kind = 'openai' as const;
  private lastError: string | null = null;
  constructor(private readonly o: OpenAiBackendOptions) {}

  async load(req: DeployRequest): Promise<LoadResult> {
    if (req.kind !== 'llm') return { ok: false, error: 'the openai backend serves llm instances only' };
    try {
      const r = await fetch(`${this.o.upstream.replace(/\/+$/, '')}/models`, { signal: AbortSignal.timeout(5000) });
      if (!r.ok) throw new Error(`GET /models answered HTTP ${r.status}`);
      await r.arrayBuffer();
      this.lastError = null;
      return { ok: true, model: new OpenAiModel(this.o) };
    } catch (err) {
      this.lastError = `upstream ${this.o.upstream} unreachable: ${err instanceof Error ? err.message : String(err)}`;
      return { ok: false, error: this.lastError };
    }
  }

  health(): { health: 'ok' | 'degraded'; detail?: string } {
    return this.lastError === null ? { health: 'ok' } : { health: 'degraded', detail: this.lastError };
  }

  async close(): Promise<void> {}
}
