/**
 * The llama agent over real HTTP on 127.0.0.1 (in-process Agent, llama.cpp on the built-in
 * ~20 M model, one sequence): it streams an `admitted` chunk when a request gets its sequence,
 * before its first token, and the controller's client calls `onAdmitted` then — so the live
 * controller counts a request as running from its admission to the batch, as the simulator does.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../runtime/agent/index.js';
import { LlamaBackend } from '../../runtime/backends/index.js';
import { AgentClient } from '../../runtime/controller/index.js';
import { GenerateChunkSchema } from '../../runtime/protocol/index.js';

const TOKEN = 'llama-admitted-token';
let agent: Agent;
let client: AgentClient;

beforeAll(async () => {
  process.env['PARASIM_MODEL_DIR'] ??= path.join(os.tmpdir(), 'parasim-models-test');
  fs.mkdirSync(process.env['PARASIM_MODEL_DIR'], { recursive: true });
  agent = new Agent({
    backend: new LlamaBackend({ threads: 1, sequences: 1, contextTokens: 256, memoryBytes: 512 * 2 ** 20 }),
    host: '127.0.0.1',
    port: 0,
    token: TOKEN,
    threads: 1,
    slowdown: 1,
    name: 'llama-dev',
  });
  const url = await agent.listen();
  client = new AgentClient({ url, token: TOKEN });
  const d = await client.deploy({ instanceId: 'lm', service: 'chat', kind: 'llm', model: 'llama-20m' });
  if (!d.ok) throw new Error(d.error);
  for (const t0 = Date.now(); ;) {
    const s = await client.state();
    const inst = s.ok ? s.value.instances.find((i) => i.instanceId === 'lm') : undefined;
    if (inst?.state === 'ready') break;
    if (inst?.state === 'failed' || Date.now() - t0 > 30_000) throw new Error(`deploy: ${JSON.stringify(inst)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}, 60_000);
afterAll(async () => {
  await agent.close();
});

describe('llama agent › admitted', () => {
  it('stream › first chunk is admitted, then the tokens, then done', async () => {
    const res = await fetch(`${client.endpoint.url}/v1/instances/lm/generate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ promptTokens: 16, outputTokens: 4, seed: 1 }),
    });
    const chunks = (await res.text())
      .trim()
      .split('\n')
      .map((l) => GenerateChunkSchema.parse(JSON.parse(l)));
    expect(chunks.map((c) => c.type)).toEqual(['admitted', 'token', 'token', 'token', 'token', 'done']);
  });

  it('client › two requests on one sequence › each admitted before its first token; the second after the first ends', async () => {
    const events: string[] = [];
    const run = (id: string) =>
      client.generate(
        'lm',
        { promptTokens: 16, outputTokens: 8, seed: id.length },
        () => {
          events.push(`${id} first token`);
          return performance.now();
        },
        { onAdmitted: () => events.push(`${id} admitted`) },
      );
    const rs = await Promise.all([run('a'), run('bb')]);
    expect(rs.every((r) => r.ok)).toBe(true);
    const first = events.indexOf('a admitted') < events.indexOf('bb admitted') ? 'a' : 'bb';
    const second = first === 'a' ? 'bb' : 'a';
    expect(events).toEqual([
      `${first} admitted`,
      `${first} first token`,
      `${second} admitted`,
      `${second} first token`,
    ]);
  });
});
