/** `parasim schema` prints the scenario JSON Schema; `parasim check <yaml>` validates a scenario. */
import type { CommandModule } from 'yargs';
import type { Scenario } from '../../scenarios/index.js';
import { formatIssues, loadScenario, scenarioJsonSchema } from '../../scenarios/index.js';
import { TraceFormatError, traceSummary } from '../../traces/index.js';
import { CliError } from '../cli-error.js';

/**
 * Reads every trace a service replays, through the reader the simulator uses: an empty, unsorted
 * or malformed trace is a `check` failure, not a surprise halfway through `run`.
 */
function traceProblems(s: Scenario): string[] {
  const out: string[] = [];
  for (const svc of s.services) {
    const a = svc.arrivals;
    if (a.process !== 'trace') continue;
    try {
      const sum = traceSummary(a.path, a.format, {
        ...(a.columns !== undefined ? { columns: a.columns } : {}),
        ...(a.skipBadRows !== undefined ? { skipBadRows: a.skipBadRows } : {}),
        ...(a.filter !== undefined ? { filter: a.filter } : {}),
      });
      if (sum.rows === 0) out.push(`${a.path}: service ${svc.name}: the trace has no arrivals`);
    } catch (err) {
      if (!(err instanceof TraceFormatError)) throw err;
      out.push(`service ${svc.name}: trace error: ${err.message}`);
    }
  }
  return out;
}

export const schemaCommand: CommandModule<object, object> = {
  command: 'schema',
  describe: 'Print the JSON Schema of scenario YAML files.',
  handler: () => {
    process.stdout.write(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
  },
};

export const checkCommand: CommandModule<object, { scenario: string }> = {
  command: 'check <scenario>',
  describe: 'Validate a scenario YAML; print a one-line summary or every issue (file:line:col).',
  builder: (y) => y.positional('scenario', { type: 'string', demandOption: true, describe: 'scenario YAML' }),
  handler: (args) => {
    const r = loadScenario(args.scenario);
    if (!r.ok) throw new CliError(`${r.issues.length} issue(s):\n${formatIssues(r.issues)}`, 1);
    const s = r.value;
    const traces = traceProblems(s);
    if (traces.length > 0) throw new CliError(`${traces.length} issue(s):\n${traces.join('\n')}`, 1);
    process.stdout.write(
      `${args.scenario}: ok — "${s.name}", ${s.devices.length} devices, ${s.switches.length} switches, ` +
        `${s.links.length} links, ${s.services.length} services, ${s.faults.length} faults, horizon ${s.horizonS} s, policy ${s.policy.name}\n`,
    );
  },
};
