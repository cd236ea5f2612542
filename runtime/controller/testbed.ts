/**
 * The controller's reading of a testbed YAML (the file `parasim testbed up` launches): which
 * agent stands in for which scenario device. Only the fields the controller needs are read;
 * the launcher's other fields are ignored, so the two can grow independently.
 *
 * ```yaml
 * name: loopback           # launcher run dir name (token file) — see defaultToken
 * token: secret            # optional bearer token for every agent
 * agents:
 *   - name: edge-a
 *     device: jetson-1     # scenario device id this agent realizes
 *     url: http://127.0.0.1:7301   # or host + port
 *     token: other         # optional per-agent token
 * models:                  # optional: scenario model key or service name -> agent model name
 *   llama-3-8b: tiny-lm
 * ```
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

const AgentEntry = z.object({
  name: z.string().optional(),
  id: z.string().optional(),
  device: z.string(),
  url: z.string().optional(),
  host: z.string().optional(),
  port: z.number().int().positive().optional(),
  token: z.string().optional(),
}).loose();

const TestbedFile = z.object({
  name: z.string().optional(),
  token: z.string().optional(),
  agents: z.array(AgentEntry).min(1),
  models: z.record(z.string(), z.string()).optional(),
  segment: z.object({ width: z.number().int().positive(), height: z.number().int().positive() }).optional(),
}).loose();

export interface TestbedAgent {
  readonly name: string;
  readonly device: string;
  readonly url: string;
  readonly token: string;
}

export interface Testbed {
  readonly file: string;
  readonly agents: readonly TestbedAgent[];
  /** Scenario model key or service name → model name on the agent. */
  readonly models: Readonly<Record<string, string>>;
  /** Frame size sent to segmentation instances. */
  readonly segment: { readonly width: number; readonly height: number };
}

export type TestbedResult = { ok: true; value: Testbed } | { ok: false; issues: string[] };

/**
 * The bearer token when the YAML has none: `$PARASIM_AGENT_TOKEN`, else the token file of the
 * loopback launcher's run dir (`<runDir>/testbed-<name>/token`, docs/agent-protocol.md).
 */
function defaultToken(name: string | undefined, runDir: string): string {
  const env = process.env['PARASIM_AGENT_TOKEN'];
  if (env !== undefined && env !== '') return env;
  if (name === undefined) return '';
  try {
    return fs.readFileSync(path.join(runDir, `testbed-${name}`, 'token'), 'utf8').trim();
  } catch {
    return '';
  }
}

export function parseTestbed(text: string, file: string, runDir = path.resolve('.parasim')): TestbedResult {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    return { ok: false, issues: [`${file}: YAML: ${err instanceof Error ? err.message : String(err)}`] };
  }
  const p = TestbedFile.safeParse(raw);
  if (!p.success) return { ok: false, issues: p.error.issues.map((i) => `${file}: ${i.path.join('.')}: ${i.message}`) };
  const issues: string[] = [];
  const fallback = p.data.token ?? defaultToken(p.data.name, runDir);
  const agents = p.data.agents.map((a, i) => {
    const url = a.url ?? (a.port !== undefined ? `http://${a.host ?? '127.0.0.1'}:${a.port}` : '');
    if (url === '') issues.push(`${file}: agents.${i}: give url, or host and port`);
    const token = a.token ?? fallback;
    return { name: a.name ?? a.id ?? a.device, device: a.device, url: url.replace(/\/+$/, ''), token };
  });
  const dup = agents.map((a) => a.device).filter((d, i, all) => all.indexOf(d) !== i);
  if (dup.length > 0) issues.push(`${file}: device ${dup[0]} is realized by two agents`);
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, value: { file, agents, models: p.data.models ?? {}, segment: p.data.segment ?? { width: 64, height: 64 } } };
}

export function loadTestbed(file: string, runDir?: string): TestbedResult {
  const abs = path.resolve(file);
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch (err) {
    return { ok: false, issues: [`${abs}: ${err instanceof Error ? err.message : String(err)}`] };
  }
  return parseTestbed(text, abs, runDir);
}
