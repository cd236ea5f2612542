/**
 * The openai backend against a STAND-IN upstream written here: a tiny HTTP server on 127.0.0.1
 * that speaks the OpenAI streaming completions protocol (SSE `data:` lines, `[DONE]`) with a
 * configured per-token delay. It is not a real LLM server.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../runtime/agent/index.js';
import { OpenAiBackend } from '../../runtime/backends/index.js';
import { AgentStateSchema, GenerateChunkSchema } from '../../runtime/protocol/index.js';
import type { AgentState } from '../../runtime/protocol/index.js';

const PER_TOKEN_MS = 15;
let upstream: http.Server;
let agent: Agent;
let url: string;
let lastBody: { model?: string; max_tokens?: number; stream?: boolean } = {};
const auth = { authorization: 'Bearer t', 'content-type': 'application/json' };

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/v1/models') {
      res.end('{"data":[{"id":"stand-in"}]}');
      return;
    }
    let b = '';
    req.on('data', (c: Buffer) => {
      b += c.toString();
    });
    req.on('end', () => {
      lastBody = JSON.parse(b);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      let i = 0;
      const tick = (): void => {
        if (i >= (lastBody.max_tokens ?? 0)) {
          res.end('data: [DONE]\n\n');
          return;
        }
        res.write(`data: ${JSON.stringify({ choices: [{ text: ` tok${i}`, index: 0 }] })}\n\n`);
        i++;
        setTimeout(tick, PER_TOKEN_MS);
      };
      tick();
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
  const port = (upstream.address() as AddressInfo).port;
  agent = new Agent({
    backend: new OpenAiBackend({
      upstream: `http://127.0.0.1:${port}/v1`,
      upstreamModel: 'stand-in',
      api: 'completions',
    }),
    host: '127.0.0.1',
    port: 0,
    token: 't',
    threads: 1,
    slowdown: 1,
  });
  url = await agent.listen();
});
afterAll(async () => {
  await agent.close();
  upstream.close();
});

describe('openai backend', () => {
  it('openai backend › stand-in streaming upstream › relays exactly outputTokens tokens with their text', async () => {
    await fetch(`${url}/v1/instances`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ instanceId: 'o1', service: 'chat', kind: 'llm', model: 'anything' }),
    });
    for (let k = 0; k < 200; k++) {
      const s = AgentStateSchema.parse(await (await fetch(`${url}/v1/state`, { headers: auth })).json());
      if (s.instances[0]?.state === 'ready') break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const text = await (
      await fetch(`${url}/v1/instances/o1/generate`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ promptTokens: 10, outputTokens: 6 }),
      })
    ).text();
    const lines = text
      .trim()
      .split('\n')
      .map((l) => GenerateChunkSchema.parse(JSON.parse(l)));
    const toks = lines.flatMap((c) => (c.type === 'token' ? [c] : []));
    expect(toks.map((t) => t.text)).toEqual([0, 1, 2, 3, 4, 5].map((i) => ` tok${i}`));
    for (let i = 1; i < toks.length; i++) expect(toks[i]!.agentMs).toBeGreaterThan(toks[i - 1]!.agentMs);
    expect(lines.at(-1)!.type).toBe('done');
    expect(lastBody).toMatchObject({ model: 'stand-in', max_tokens: 6, stream: true });
  });

  it('openai backend › unreachable upstream › instance fails with a clear error', async () => {
    const a = new Agent({
      backend: new OpenAiBackend({ upstream: 'http://127.0.0.1:1/v1', upstreamModel: 'x', api: 'completions' }),
      host: '127.0.0.1',
      port: 0,
      token: 't',
      threads: 1,
      slowdown: 1,
    });
    const u = await a.listen();
    await fetch(`${u}/v1/instances`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ instanceId: 'o2', service: 'chat', kind: 'llm', model: 'm' }),
    });
    let s: AgentState | undefined;
    for (let k = 0; k < 300; k++) {
      s = AgentStateSchema.parse(await (await fetch(`${u}/v1/state`, { headers: auth })).json());
      if (s.instances[0]?.state === 'failed') break;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(s?.instances[0]?.error).toMatch(/unreachable/);
    expect(s?.health).toBe('degraded');
    await a.close();
  });
});
