/**
 * `parasim policies`: every registered policy with its one-line description and parameters
 * (name, kind, default, range, description), as text or as JSON (`--json`). The listing is the
 * registry itself, so it cannot drift from what `run` accepts. Parameters are set in a scenario
 * (`policy.params`) or swept (`policy.params.<name>` grid axis) — not as CLI flags, so the
 * listing shows them in that form.
 */
import type { CommandModule } from 'yargs';
import type { ParamSpec } from '../../policies/index.js';
import { POLICIES, POLICY_NAMES } from '../../policies/index.js';

function range(spec: ParamSpec): string {
  switch (spec.kind) {
    case 'number':
    case 'integer':
      return `${spec.min ?? '-∞'}..${spec.max ?? '∞'}`;
    case 'choice':
      return spec.choices.join('|');
    case 'boolean':
      return 'true|false';
  }
}

const HOW_TO_SET = [
  'Set a parameter in the scenario YAML:',
  '  policy: { name: epara, params: { placement_period_s: 30 } }',
  'or sweep it as a grid axis of a sweep file (docs/sweeps.md):',
  '  grid: { policy.params.placement_period_s: [15, 30, 60] }',
  '',
];

/** The text listing (exported for tests). */
export function formatPolicies(): string {
  const lines: string[] = [...HOW_TO_SET];
  for (const name of POLICY_NAMES) {
    const f = POLICIES[name];
    lines.push(`${name}`, `  ${f.description}`);
    const params = Object.entries(f.params);
    if (params.length === 0) lines.push('  (no parameters)');
    for (const [p, spec] of params) {
      lines.push(
        `  policy.params.${p}: ${spec.kind}, default ${String(spec.default)}, range ${range(spec)}`,
        `      ${spec.description}`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}

export function policiesJson(): unknown {
  return POLICY_NAMES.map((name) => ({ name, description: POLICIES[name].description, params: POLICIES[name].params }));
}

interface PoliciesArgs {
  json: boolean;
}

export const policiesCommand: CommandModule<object, PoliciesArgs> = {
  command: 'policies',
  describe: 'List placement/routing policies and their parameters',
  builder: (y) => y.option('json', { type: 'boolean', default: false, describe: 'print JSON' }),
  handler: (args) => {
    process.stdout.write(args.json ? `${JSON.stringify(policiesJson(), null, 2)}\n` : formatPolicies());
  },
};
