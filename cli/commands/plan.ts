/**
 * `parasim plan SCENARIO --service NAME --candidates TYPE,TYPE… --target 0.99 [--json] [--mix]`
 * — how many devices of each candidate type serve one service at the scenario's load within its
 * SLO (issue 18). The search lives in sweeps/device-plan.ts; this file parses, checks names
 * (located errors, did-you-mean) and prints a table or the JSON answer on stdout.
 */
import type { CommandModule } from 'yargs';
import {
  builtinCatalog,
  didYouMean,
  formatIssues,
  loadCatalogFile,
  loadScenario,
  readScenarioObject,
  validateScenarioObject,
} from '../../scenarios/index.js';
import { simulate } from '../../sim/index.js';
import { planDevices, planMix, type PlanResult } from '../../sweeps/index.js';
import { loadPlotlySource, planPage, writeAtomically } from '../../reports/index.js';
import { CliError } from '../cli-error.js';
import { checkOutputPath } from '../output-path.js';

interface PlanArgs {
  scenario: string;
  service: string;
  candidates: string;
  target: number;
  json?: boolean;
  mix?: boolean;
  link: string;
  'max-count': number;
  seeds?: string;
  catalog?: string;
  html?: string;
}

const fmt = (x: number | null, d = 3): string => (x === null || !Number.isFinite(x) ? '-' : x.toFixed(d));

export function planTable(p: PlanResult): string {
  const rows = [
    ['device type', 'count', 'attainment', 'J/request', 'probes (count: attainment)'],
    ...p.answers.map((a) => [
      a.deviceType,
      a.count === null ? 'none' : String(a.count),
      fmt(a.attainment),
      fmt(a.energyPerRequestJ, 2),
      a.probes.map((q) => `${q.count}: ${fmt(q.attainment)}`).join(', '),
    ]),
  ];
  const w = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const head = `service ${p.service}, target attainment ${p.target}, each device joined to the ingress by ${p.link}`;
  return `${head}\n${rows
    .map((r) =>
      r
        .map((x, c) => (c === 0 || c === 4 ? x.padEnd(w[c]!) : x.padStart(w[c]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}

export const planCommand: CommandModule<object, PlanArgs> = {
  command: 'plan <scenario>',
  describe: 'Smallest number of devices of each candidate type that serves one service within its SLO.',
  builder: (y) =>
    y
      .positional('scenario', {
        type: 'string',
        demandOption: true,
        describe: 'scenario YAML (its load, SLO and policy are used)',
      })
      .option('service', { type: 'string', demandOption: true, describe: 'the service to plan for' })
      .option('candidates', { type: 'string', demandOption: true, describe: 'comma-separated catalog device types' })
      .option('target', { type: 'number', default: 0.99, describe: 'SLO attainment to reach (0–1]' })
      .option('json', {
        type: 'boolean',
        describe: 'print { service, target, answers: [{ deviceType, count, energyPerRequestJ }] }',
      })
      .option('mix', { type: 'boolean', describe: 'also the lowest-energy mix of the first two candidates' })
      .option('link', { type: 'string', default: '1gbe', describe: 'link type joining each device to the ingress' })
      .option('max-count', { type: 'number', default: 64, describe: 'largest count tried per type' })
      .option('seeds', {
        type: 'string',
        describe: "comma-separated seeds averaged per probe (default: the scenario's)",
      })
      .option('catalog', { type: 'string', describe: 'catalog file extending the built-in one' })
      .option('html', { type: 'string', describe: 'also write the plan as an HTML page (a figure and a table) here' }),
  handler: (args) => {
    checkOutputPath(args.html, '--html');
    if (!(args.target > 0 && args.target <= 1))
      throw new CliError(`--target must be in (0, 1] (got ${args.target})`, 2);
    const maxCount = args['max-count'];
    if (!Number.isInteger(maxCount) || maxCount < 1)
      throw new CliError(`--max-count must be a positive integer (got ${maxCount})`, 2);
    const extra = args.catalog !== undefined ? loadCatalogFile(args.catalog, builtinCatalog()) : undefined;
    if (extra !== undefined && !extra.ok) throw new CliError(formatIssues(extra.issues), 1);
    const opts = extra?.ok === true ? { catalog: extra.value } : {};
    const loaded = loadScenario(args.scenario, opts);
    if (!loaded.ok) throw new CliError(formatIssues(loaded.issues), 1);
    const scenario = loaded.value;
    const names = scenario.services.map((s) => s.name);
    if (!names.includes(args.service))
      throw new CliError(
        `--service: no service "${args.service}" in ${args.scenario} (services: ${names.join(', ')})${hint(args.service, names)}`,
        2,
      );
    const catalog = extra?.ok === true ? extra.value : builtinCatalog();
    const types = Object.keys(catalog.devices);
    const candidates = args.candidates
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
    if (candidates.length === 0) throw new CliError('--candidates: give at least one device type', 2);
    for (const c of candidates)
      if (!types.includes(c)) throw new CliError(`--candidates: unknown device type "${c}"${hint(c, types)}`, 2);
    if (!Object.keys(catalog.links).includes(args.link))
      throw new CliError(`--link: unknown link type "${args.link}"${hint(args.link, Object.keys(catalog.links))}`, 2);
    const seeds = args.seeds === undefined ? [scenario.seed] : args.seeds.split(',').map((s) => Number(s.trim()));
    if (seeds.some((s) => !Number.isInteger(s) || s < 0))
      throw new CliError(`--seeds must be non-negative integers (got '${args.seeds}')`, 2);
    const raw = readScenarioObject(args.scenario);
    if (!raw.ok) throw new CliError(formatIssues(raw.issues), 1);
    const sim = (obj: Record<string, unknown>, seed: number) => {
      const v = validateScenarioObject(obj, args.scenario, opts);
      if (!v.ok) throw new CliError(`a planned fleet is not a valid scenario:\n${formatIssues(v.issues)}`, 1);
      return simulate(v.value, { seed });
    };
    const base = raw.value as Record<string, unknown>;
    const planOpts = { service: args.service, candidates, target: args.target, maxCount, seeds, link: args.link };
    const result = planDevices(base, planOpts, sim);
    const mix = args.mix === true ? planMix(base, planOpts, result, sim) : undefined;
    const out = mix !== undefined ? { ...result, mix } : result;
    if (args.html !== undefined) writeAtomically(args.html, planPage(result, loadPlotlySource()));
    if (args.json === true) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    else {
      process.stdout.write(planTable(result));
      if (mix !== undefined) {
        process.stdout.write(
          mix === null
            ? 'mix: needs two candidates that each meet the target alone\n'
            : `lowest-energy mix: ${mix.fleet.map((f) => `${f.count} × ${f.deviceType}`).join(' + ')} (attainment ${fmt(mix.attainment)}, ${fmt(mix.energyPerRequestJ, 2)} J/request)\n`,
        );
      }
    }
  },
};

function hint(x: string, known: readonly string[]): string {
  const h = didYouMean(x, known);
  return h === undefined ? '' : `; ${h}`;
}
