/** `parasim schema` prints the scenario JSON Schema; `parasim check <yaml>` validates a scenario. */
import type { CommandModule } from 'yargs';
import { formatIssues, loadScenario, scenarioJsonSchema } from '../../scenarios/index.js';
import { CliError } from '../cli-error.js';

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
    process.stdout.write(`${args.scenario}: ok — "${s.name}", ${s.devices.length} devices, ${s.switches.length} switches, `
      + `${s.links.length} links, ${s.services.length} services, ${s.faults.length} faults, horizon ${s.horizonS} s, policy ${s.policy.name}\n`);
  },
};
