/**
 * The loopback testbed launcher behind `parasim testbed up|down|status` (docs/testbed.md): one
 * detached `parasim agent` process per testbed agent, a generated bearer token (file mode 0600,
 * passed to agents by environment, never on the command line), and `state.json` (pids, ports,
 * URLs; written atomically) in the run dir. `up` is idempotent: agents already answering are
 * kept, dead ones are started again on the port they had (so a controller re-registers them).
 * `down` stops only processes listed in the state file whose command line is still that agent's
 * (a pid reused by another program is never signalled).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WallClock, sleepMs } from '../clock/index.js';
import { AgentClient } from './agent-client.js';
import {
  loadTestbedSpec,
  resolveTestbed,
  type Testbed,
  type TestbedAgentSpec,
  type TestbedResult,
  type TestbedSpec,
} from './testbed.js';

export interface LaunchedAgentState {
  readonly id: string;
  readonly device: string;
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly backend: string;
  readonly threads: number;
  readonly slowdown: number;
  readonly log: string;
}

export interface TestbedState {
  readonly schema: 'parasim.testbed-state/1';
  readonly name: string;
  readonly file: string;
  readonly tokenFile: string;
  readonly agents: readonly LaunchedAgentState[];
}

export interface LaunchOptions {
  /** How to run `parasim` (e.g. `[process.execPath, '/…/dist/cli/main.js']`); `agent …` is appended. */
  readonly command: readonly string[];
  /** Per agent: how long to wait for its first answered heartbeat, seconds (default 60). */
  readonly readyTimeoutS?: number;
  readonly log?: (line: string) => void;
}

export type UpResult =
  | { readonly ok: true; readonly state: TestbedState; readonly started: readonly string[] }
  | { readonly ok: false; readonly message: string };

export interface AgentStatus {
  readonly id: string;
  readonly device: string;
  readonly url: string;
  readonly pid: number | null;
  readonly processAlive: boolean;
  readonly healthy: boolean;
  readonly detail: string;
}

const statePath = (spec: TestbedSpec): string => path.join(spec.runDir, 'state.json');
const tokenPath = (spec: TestbedSpec): string => path.join(spec.runDir, 'token');

/** Temp file in the same directory, then rename (readers never see a partial file). */
export function writeFileAtomic(file: string, text: string, mode = 0o644): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}`);
  fs.writeFileSync(tmp, text, { mode });
  fs.renameSync(tmp, file);
}

export function readTestbedState(spec: TestbedSpec): TestbedState | null {
  try {
    const s = JSON.parse(fs.readFileSync(statePath(spec), 'utf8')) as TestbedState;
    return s.schema === 'parasim.testbed-state/1' && Array.isArray(s.agents) ? s : null;
  } catch {
    return null;
  }
}

function readRunToken(spec: TestbedSpec): string | null {
  try {
    return fs.readFileSync(tokenPath(spec), 'utf8').trim() || null;
  } catch {
    return null;
  }
}

/** The controller's view of a testbed: URLs from the state file when `up` launched it. */
export function testbedFromSpec(spec: TestbedSpec): Testbed {
  return resolveTestbed(spec, readTestbedState(spec)?.agents ?? [], readRunToken(spec));
}

/** Testbed YAML file → the controller's view (validated; URLs and tokens resolved). */
export function loadTestbed(file: string, runDir?: string): TestbedResult {
  const spec = loadTestbedSpec(file, runDir);
  return spec.ok ? { ok: true, value: testbedFromSpec(spec.value) } : spec;
}

/** True when `pid` runs and its command line is this agent's (Linux /proc; elsewhere: runs). */
export function isAgentProcess(pid: number, agentId: string): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const i = argv.indexOf('--name');
    return argv.includes('agent') && i >= 0 && argv[i + 1] === agentId;
  } catch {
    return process.platform !== 'linux';
  }
}

async function heartbeat(url: string, token: string, ms = 1500): Promise<{ ok: boolean; detail: string }> {
  const r = await new AgentClient({ url, token }, { controlMs: ms, requestMs: ms }).state();
  if (!r.ok) return { ok: false, detail: r.error };
  const s = r.value;
  return {
    ok: true,
    detail: `${s.health} util ${s.utilization.toFixed(2)} instances ${s.instances.filter((i) => i.state !== 'gone').length} threads ${s.threads} slowdown ${s.slowdown}`,
  };
}

function agentArgs(a: TestbedAgentSpec, port: number, models: Readonly<Record<string, string>>): string[] {
  const args = [
    'agent',
    '--name',
    a.id,
    '--host',
    a.host,
    '--port',
    String(port),
    '--backend',
    a.backend,
    '--threads',
    String(a.threads),
    '--slowdown',
    String(a.slowdown),
  ];
  if (a.memoryMb !== undefined) args.push('--memory-mb', String(a.memoryMb));
  if (a.sequences !== undefined) args.push('--sequences', String(a.sequences));
  if (a.contextTokens !== undefined) args.push('--context-tokens', String(a.contextTokens));
  if (a.backend === 'onnx') for (const [k, v] of Object.entries(models)) args.push('--alias', `${k}=${v}`);
  if (a.upstream !== undefined) args.push('--upstream', a.upstream);
  if (a.upstreamModel !== undefined) args.push('--upstream-model', a.upstreamModel);
  if (a.serialDevice !== undefined) args.push('--device', a.serialDevice);
  if (a.baud !== undefined) args.push('--baud', String(a.baud));
  return args;
}

/** The `{"url": …}` line `parasim agent` prints once it listens. */
function listenUrl(logFile: string): string | null {
  let text = '';
  try {
    text = fs.readFileSync(logFile, 'utf8');
  } catch {
    return null;
  }
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const v = JSON.parse(line) as { url?: unknown };
      if (typeof v.url === 'string') return v.url;
    } catch {
      /* not our line */
    }
  }
  return null;
}

const tail = (file: string): string => {
  try {
    return fs.readFileSync(file, 'utf8').trim().split('\n').slice(-5).join('\n');
  } catch {
    return '';
  }
};

async function launch(
  spec: TestbedSpec,
  a: TestbedAgentSpec,
  port: number,
  token: string,
  opts: LaunchOptions,
): Promise<LaunchedAgentState | string> {
  const log = path.join(spec.runDir, `${a.id}.log`);
  const fd = fs.openSync(log, 'w', 0o600);
  const [cmd, ...pre] = opts.command;
  const child = spawn(cmd!, [...pre, ...agentArgs(a, port, spec.models)], {
    detached: true,
    stdio: ['ignore', fd, fd],
    env: { ...process.env, PARASIM_AGENT_TOKEN: a.token ?? token },
  });
  fs.closeSync(fd);
  const pid = child.pid;
  if (pid === undefined) return `${a.id}: could not start ${cmd}`;
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  child.unref();
  fs.writeFileSync(path.join(spec.runDir, `${a.id}.pid`), `${pid}\n`);
  const clock = new WallClock();
  const deadline = opts.readyTimeoutS ?? 60;
  while (clock.nowS() < deadline && !exited) {
    const url = listenUrl(log);
    if (url !== null && (await heartbeat(url, a.token ?? token)).ok) {
      // Niced once up (start-up at normal priority stays fast on a busy machine).
      if (spec.agentNice > 0)
        try {
          os.setPriority(pid, spec.agentNice);
        } catch {
          /* not permitted: keep normal priority */
        }
      return {
        id: a.id,
        device: a.device,
        url,
        port: Number(new URL(url).port),
        pid,
        backend: a.backend,
        threads: a.threads,
        slowdown: a.slowdown,
        log,
      };
    }
    await sleepMs(100);
  }
  if (!exited)
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  return `${a.id}: agent did not come up${exited ? ' (process exited)' : ''}; log ${log}:\n${tail(log)}`;
}

/** Starts every launchable agent that is not answering; writes state.json. */
export async function testbedUp(spec: TestbedSpec, opts: LaunchOptions): Promise<UpResult> {
  fs.mkdirSync(spec.runDir, { recursive: true, mode: 0o700 });
  let token = spec.token ?? readRunToken(spec);
  if (token === null) {
    token = randomBytes(24).toString('hex');
    writeFileAtomic(tokenPath(spec), `${token}\n`, 0o600);
  }
  const old = new Map((readTestbedState(spec)?.agents ?? []).map((a) => [a.id, a]));
  const launchable = spec.agents.filter((a) => a.url === undefined);
  const started: string[] = [];
  type Outcome = { readonly agent?: LaunchedAgentState; readonly error?: string };
  const results = await Promise.all(
    launchable.map(async (a): Promise<Outcome> => {
      const prev = old.get(a.id);
      if (prev !== undefined && isAgentProcess(prev.pid, a.id)) {
        // A live process is never replaced (its port is taken) nor dropped from the state file.
        const hb = await heartbeat(prev.url, a.token ?? token, 5000);
        return hb.ok
          ? { agent: prev }
          : { agent: prev, error: `${a.id}: pid ${prev.pid} runs but does not answer (${hb.detail})` };
      }
      // A dead agent comes back on the port it had, so a running controller re-registers it.
      const port = a.port !== 0 ? a.port : (prev?.port ?? 0);
      opts.log?.(`starting agent ${a.id} (${a.device}) on ${a.host}:${port === 0 ? 'any port' : port}`);
      const r = await launch(spec, a, port, token, opts);
      if (typeof r === 'string') return { error: r };
      started.push(a.id);
      return { agent: r };
    }),
  );
  const failures = results.flatMap((r) => (r.error !== undefined ? [r.error] : []));
  const agents = results.flatMap((r) => (r.agent !== undefined ? [r.agent] : []));
  const state: TestbedState = {
    schema: 'parasim.testbed-state/1',
    name: spec.name,
    file: spec.file,
    tokenFile: tokenPath(spec),
    agents,
  };
  writeFileAtomic(statePath(spec), `${JSON.stringify(state, null, 2)}\n`, 0o600);
  if (failures.length > 0) return { ok: false, message: failures.join('\n') };
  return { ok: true, state, started };
}

/** Stops the listed agents (all when `only` is undefined): SIGTERM, then SIGKILL after `graceS`. */
export async function testbedDown(
  spec: TestbedSpec,
  only?: readonly string[],
  graceS = 5,
): Promise<{ stopped: string[]; killed: string[] }> {
  const state = readTestbedState(spec);
  const stopped: string[] = [];
  const killed: string[] = [];
  if (state === null) return { stopped, killed };
  const targets = state.agents.filter((a) => only === undefined || only.includes(a.id));
  const live = targets.filter((a) => isAgentProcess(a.pid, a.id));
  for (const a of live)
    try {
      process.kill(a.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  const clock = new WallClock();
  while (live.some((a) => isAgentProcess(a.pid, a.id)) && clock.nowS() < graceS) await sleepMs(50);
  for (const a of live) {
    if (isAgentProcess(a.pid, a.id)) {
      try {
        process.kill(a.pid, 'SIGKILL');
        killed.push(a.id);
      } catch {
        /* exited meanwhile */
      }
    } else stopped.push(a.id);
  }
  for (const a of targets) fs.rmSync(path.join(spec.runDir, `${a.id}.pid`), { force: true });
  const rest = state.agents.filter((a) => !targets.includes(a));
  if (rest.length === 0) fs.rmSync(statePath(spec), { force: true });
  else writeFileAtomic(statePath(spec), `${JSON.stringify({ ...state, agents: rest }, null, 2)}\n`, 0o600);
  return { stopped, killed };
}

/** Process and heartbeat of every agent of the testbed (external agents: heartbeat only). */
export async function testbedStatus(spec: TestbedSpec): Promise<AgentStatus[]> {
  const tb = testbedFromSpec(spec);
  const state = new Map((readTestbedState(spec)?.agents ?? []).map((a) => [a.id, a]));
  return Promise.all(
    spec.agents.map(async (a, i): Promise<AgentStatus> => {
      const launched = state.get(a.id);
      const pid = launched?.pid ?? null;
      const processAlive = pid !== null && isAgentProcess(pid, a.id);
      const url = tb.agents[i]!.url;
      if (a.url === undefined && launched === undefined)
        return { id: a.id, device: a.device, url, pid, processAlive, healthy: false, detail: 'not started' };
      const hb = await heartbeat(url, tb.agents[i]!.token);
      return { id: a.id, device: a.device, url, pid, processAlive, healthy: hb.ok, detail: hb.detail };
    }),
  );
}
