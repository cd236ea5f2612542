/**
 * The testbed YAML (docs/testbed.md): which agent stands in for which scenario device, and how
 * `parasim testbed up` launches it. Validated with zod; every issue carries file:line:col (the
 * scenario loader's `ScenarioIssue` shape and `formatIssues`), all issues collected at once.
 *
 * ```yaml
 * name: loopback                  # run dir `.parasim/testbed-<name>/` next to this file
 * models: { tinyllama-1.1b-q4: lm-small }   # scenario model key or service name → agent model
 * segment: { width: 32, height: 32 }        # synthetic frame sent per segmentation request
 * agent_nice: 5                   # launched agents run at this niceness (controller stays responsive)
 * agents:
 *   - id: server                  # agent name (its deviceId), unique
 *     device: edge-server         # scenario device id it realizes, unique
 *     port: 7101                  # 0 = any free port (resolved from the state file)
 *     threads: 2                  # onnxruntime intra-op threads (llama: llama.cpp threads)
 *     backend: llama              # onnx (default) | openai | serial | llama
 *     sequences: 4                # llama: parallel sequences (batch width); context_tokens: per sequence
 *     slowdown: 1                 # emulated slowdown ≥ 1 (docs/agent-protocol.md)
 *   - { id: remote, device: jetson, url: http://10.0.0.7:7101, token: … }   # not launched
 * ```
 * Tokens: an agent's `token`, else the testbed's `token`, else the run dir's generated `token`
 * file (mode 0600, written by `testbed up`), else `$PARASIM_AGENT_TOKEN`.
 */
import path from 'node:path';
import { z } from 'zod';
import { issueBuilder, parseYamlSource, readYamlText, zodIssuesAt } from '../../scenarios/index.js';
import type { ScenarioIssue } from '../../scenarios/index.js';

const agentSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, . _ - only (it names files)'),
  device: z.string().min(1),
  host: z.string().min(1).optional(),
  port: z.number().int().min(0).max(65535).optional(),
  url: z.url().optional(),
  token: z.string().min(8).optional(),
  backend: z.enum(['onnx', 'openai', 'serial', 'llama']).optional(),
  threads: z.number().int().positive().max(64).optional(),
  sequences: z.number().int().positive().max(64).optional(),
  context_tokens: z.number().int().min(16).optional(),
  slowdown: z.number().min(1).max(1000).optional(),
  memory_mb: z.number().positive().optional(),
  upstream: z.string().min(1).optional(),
  upstream_model: z.string().min(1).optional(),
  serial_device: z.string().min(1).optional(),
  baud: z.number().int().positive().optional(),
});

const testbedSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, . _ - only (it names the run dir)'),
  token: z.string().min(8).optional(),
  run_dir: z.string().min(1).optional(),
  agent_nice: z.number().int().min(0).max(19).optional(),
  models: z.record(z.string(), z.string()).optional(),
  segment: z
    .strictObject({ width: z.number().int().positive().max(1024), height: z.number().int().positive().max(1024) })
    .optional(),
  agents: z.array(agentSchema).min(1),
});

export interface TestbedAgentSpec {
  readonly id: string;
  readonly device: string;
  readonly host: string;
  /** 0 = any free port. */
  readonly port: number;
  /** Set for agents the launcher does not start (already running elsewhere). */
  readonly url?: string;
  readonly token?: string;
  readonly backend: 'onnx' | 'openai' | 'serial' | 'llama';
  readonly threads: number;
  /** llama: parallel sequences per instance and context tokens per sequence. */
  readonly sequences?: number;
  readonly contextTokens?: number;
  readonly slowdown: number;
  readonly memoryMb?: number;
  readonly upstream?: string;
  readonly upstreamModel?: string;
  readonly serialDevice?: string;
  readonly baud?: number;
}

/** The validated testbed file (what the launcher needs). */
export interface TestbedSpec {
  readonly file: string;
  readonly name: string;
  readonly token?: string;
  /** Absolute run dir: state.json, token, pid and log files. */
  readonly runDir: string;
  /** Scheduling niceness of launched agents (0–19): keeps the controller's timing clean on a shared CPU. */
  readonly agentNice: number;
  readonly models: Readonly<Record<string, string>>;
  readonly segment: { readonly width: number; readonly height: number };
  readonly agents: readonly TestbedAgentSpec[];
}

/** One agent as the controller reaches it. */
export interface TestbedAgent {
  readonly name: string;
  readonly device: string;
  readonly url: string;
  readonly token: string;
}

/** What `replay` needs: the agents with URLs and tokens resolved (state file for port 0). */
export interface Testbed {
  readonly file: string;
  readonly agents: readonly TestbedAgent[];
  /** Scenario model key or service name → model name on the agent. */
  readonly models: Readonly<Record<string, string>>;
  /** Frame size sent to segmentation instances. */
  readonly segment: { readonly width: number; readonly height: number };
}

export type SpecResult =
  | { readonly ok: true; readonly value: TestbedSpec }
  | { readonly ok: false; readonly issues: readonly ScenarioIssue[] };
export type TestbedResult =
  { readonly ok: true; readonly value: Testbed } | { readonly ok: false; readonly issues: readonly ScenarioIssue[] };

/** Validates testbed YAML text; `file` names it in messages and anchors `run_dir`. */
export function parseTestbedSpec(text: string, file: string, runDirOverride?: string): SpecResult {
  const src = parseYamlSource(text, file, 'testbed');
  if (!src.ok) return src;
  const raw = src.value.value;
  const at = issueBuilder(file, src.value.locate);
  const issues: ScenarioIssue[] = [];
  const add = (p: readonly PropertyKey[], message: string): void => {
    issues.push(at(p, message));
  };
  const parsed = testbedSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success)
    return { ok: false, issues: zodIssuesAt(testbedSchema, raw, parsed.error.issues, file, src.value.locate) };
  const t = parsed.data;
  const seen = (key: 'id' | 'device'): void => {
    t.agents.forEach((a, i) => {
      if (t.agents.findIndex((b) => b[key] === a[key]) < i) add(['agents', i, key], `${key} "${a[key]}" appears twice`);
    });
  };
  seen('id');
  seen('device');
  t.agents.forEach((a, i) => {
    if (a.url === undefined && a.port === undefined)
      add(['agents', i], 'give port (launched here) or url (an agent running elsewhere)');
    if (a.backend === 'openai' && a.url === undefined && a.upstream === undefined)
      add(['agents', i], 'backend openai needs upstream');
    if (a.backend === 'serial' && a.url === undefined && a.serial_device === undefined)
      add(['agents', i], 'backend serial needs serial_device');
  });
  if (issues.length > 0) return { ok: false, issues };
  const dir = path.dirname(file);
  const runDir =
    runDirOverride !== undefined
      ? path.resolve(runDirOverride)
      : path.resolve(dir, t.run_dir ?? '.parasim', `testbed-${t.name}`);
  return {
    ok: true,
    value: {
      file,
      name: t.name,
      runDir,
      agentNice: t.agent_nice ?? 0,
      models: t.models ?? {},
      segment: t.segment ?? { width: 32, height: 32 },
      ...(t.token !== undefined ? { token: t.token } : {}),
      agents: t.agents.map((a) => ({
        id: a.id,
        device: a.device,
        host: a.host ?? '127.0.0.1',
        port: a.port ?? 0,
        backend: a.backend ?? 'onnx',
        threads: a.threads ?? 1,
        slowdown: a.slowdown ?? 1,
        ...(a.url !== undefined ? { url: a.url.replace(/\/+$/, '') } : {}),
        ...(a.token !== undefined ? { token: a.token } : {}),
        ...(a.memory_mb !== undefined ? { memoryMb: a.memory_mb } : {}),
        ...(a.sequences !== undefined ? { sequences: a.sequences } : {}),
        ...(a.context_tokens !== undefined ? { contextTokens: a.context_tokens } : {}),
        ...(a.upstream !== undefined ? { upstream: a.upstream } : {}),
        ...(a.upstream_model !== undefined ? { upstreamModel: a.upstream_model } : {}),
        ...(a.serial_device !== undefined ? { serialDevice: a.serial_device } : {}),
        ...(a.baud !== undefined ? { baud: a.baud } : {}),
      })),
    },
  };
}

export function loadTestbedSpec(file: string, runDirOverride?: string): SpecResult {
  const abs = path.resolve(file);
  const text = readYamlText(abs, 'testbed');
  return text.ok ? parseTestbedSpec(text.value, abs, runDirOverride) : text;
}

/** Where `testbed up` put an agent (state file entry); absent when not launched. */
export interface LaunchedAgent {
  readonly id: string;
  readonly url: string;
}

/**
 * The controller's testbed: URLs from the state file (launched agents, port 0 resolved) or the
 * YAML; tokens as documented at the top.
 */
export function resolveTestbed(
  spec: TestbedSpec,
  launched: readonly LaunchedAgent[],
  runToken: string | null,
): Testbed {
  const byId = new Map(launched.map((a) => [a.id, a.url]));
  const fallback = spec.token ?? runToken ?? process.env['PARASIM_AGENT_TOKEN'] ?? '';
  return {
    file: spec.file,
    models: spec.models,
    segment: spec.segment,
    agents: spec.agents.map((a) => ({
      name: a.id,
      device: a.device,
      token: a.token ?? fallback,
      url: a.url ?? byId.get(a.id) ?? `http://${a.host}:${a.port}`,
    })),
  };
}
