/**
 * Malformed scenario cases shared by malformed.test.ts (in process: `loadScenario` + `formatIssues`,
 * exactly what cli/commands/run.ts calls) and malformed-cli.e2e.test.ts (the cases marked `cli`,
 * through the spawned CLI): each case is a small YAML written to a temp dir with one mistake, and
 * the exact text `parasim run` prints for it (file:line:col, field path, what is wrong / expected,
 * did-you-mean). Spawning every case would cost a Node start-up each for no extra path.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { POLICIES, WEIGHT_MEMORY_FRACTION } from '../../policies/index.js';
import { DEVICE_CATALOG, MODEL_CATALOG } from '../../scenarios/index.js';

export const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'parasim-malformed-'));
/** Removes the temp dir (call from the test file's afterAll). */
export const removeTmp = (): void => fs.rmSync(TMP, { recursive: true, force: true });

/** A valid two-device scenario; each case replaces one section. Line numbers below refer to it. */
const SECTIONS = {
  head: 'name: t\nhorizon_s: 10\n', //                                 lines 1-2
  policy: '',
  switches: 'switches: [lan]\n', //                                    line 3
  devices: 'devices:\n  - { id: gpu, type: rtx-4090 }\n  - { id: pi, type: raspberry-pi-5-8gb }\n', // 4-6
  links: 'links:\n  - { a: gpu, b: lan, type: 10gbe }\n  - { a: pi, b: lan, type: wifi5 }\n', //   7-9
  services: service(), //                                              10-16
  faults: '',
};
type Sections = typeof SECTIONS;

function service(o: { model?: string; ingress?: string; arrivals?: string; ingressKey?: string } = {}): string {
  return [
    'services:',
    '  - name: chat',
    '    kind: llm',
    `    model: ${o.model ?? 'llama-3.1-8b-q4'}`,
    `    ${o.ingressKey ?? 'ingress'}: ${o.ingress ?? 'lan'}`,
    '    slo: { ttft_s: 2, tpot_s: 0.2 }',
    `    arrivals: ${o.arrivals ?? '{ process: poisson, rate_per_s: 2 }'}`,
    '',
  ].join('\n');
}

export const scenario = (over: Partial<Sections> = {}): string => {
  const s = { ...SECTIONS, ...over };
  return s.head + s.policy + s.switches + s.devices + s.links + s.services + s.faults;
};
const withFpga =
  'devices:\n  - { id: gpu, type: rtx-4090 }\n  - { id: pi, type: raspberry-pi-5-8gb }\n  - { id: fpga, type: basys3-fpga }\n';
/** The too-big message's figures, from the catalog (the loader's rule: memory × weight fraction). */
const gb = (bytes: number): string => (bytes / 1e9).toFixed(2);
const usable = (type: string): number => {
  const d = DEVICE_CATALOG[type]!;
  return d.gpus * d.memoryBytesPerGpu * WEIGHT_MEMORY_FRACTION;
};
const epara = POLICIES.epara.params;
const sync = epara['sync_period_s'];
if (sync === undefined || sync.kind !== 'number') throw new Error('test assumes epara has a numeric sync_period_s');

export interface Case {
  readonly name: string;
  readonly text: string;
  /** Expected `formatIssues` lines; `F` stands for the case's file path. */
  readonly expected: readonly string[];
  /** Also spawn `node dist/cli/main.js run` for this case. */
  readonly cli?: boolean;
}

export const CASES: readonly Case[] = [
  {
    name: 'bad YAML syntax',
    cli: true,
    text: 'name: [t\nhorizon_s: 10\n',
    expected: ['F:2:1: YAML syntax: Flow sequence in block collection must be sufficiently indented and end with a ]'],
  },
  {
    name: 'empty file',
    text: '',
    expected: ['F:1:1: the file is empty; a scenario is a YAML mapping'],
  },
  {
    name: 'only comments',
    text: '# a scenario, some day\n',
    expected: ['F:1:1: the file is empty; a scenario is a YAML mapping'],
  },
  {
    name: 'unknown top-level key',
    cli: true,
    text: scenario({ head: 'name: t\nhorizon_s: 10\nseeed: 3\n' }),
    expected: ['F:3:1: seeed: unknown key "seeed"; did you mean "seed"?'],
  },
  {
    name: 'unknown nested key',
    text: scenario({ services: service({ ingressKey: 'ingres' }) }),
    expected: [
      'F:11:5: services[0]: missing required key "ingress"',
      'F:14:5: services[0].ingres: unknown key "ingres"; did you mean "ingress"?',
    ],
  },
  {
    name: 'wrong unit in a key',
    text: scenario({
      links: 'links:\n  - { a: gpu, b: lan, type: 10gbe, latency_s: 0.001 }\n  - { a: pi, b: lan, type: wifi5 }\n',
    }),
    expected: ['F:8:36: links[0].latency_s: unknown key "latency_s"; did you mean "latency_ms"?'],
  },
  {
    name: 'key without its unit',
    text: scenario({ head: 'name: t\nhorizon: 10\n' }),
    expected: [
      'F:1:1: missing required key "horizon_s"',
      'F:2:1: horizon: unknown key "horizon"; did you mean "horizon_s"?',
    ],
  },
  {
    name: 'unit written into the value',
    text: scenario({ head: 'name: t\nhorizon_s: 10s\n' }),
    expected: ['F:2:12: horizon_s: expected a number of seconds, got the string "10s"'],
  },
  {
    name: 'negative arrival rate',
    text: scenario({ services: service({ arrivals: '{ process: poisson, rate_per_s: -1 }' }) }),
    expected: ['F:16:47: services[0].arrivals.rate_per_s: expected a positive number per second, got -1'],
  },
  {
    name: 'unknown device type',
    text: scenario({ devices: 'devices:\n  - { id: gpu, type: rtx4090 }\n  - { id: pi, type: raspberry-pi-5-8gb }\n' }),
    expected: ['F:5:22: devices[0].type: unknown device type "rtx4090"; did you mean "rtx-4090"?'],
  },
  {
    name: 'link to a missing device',
    text: scenario({ links: 'links:\n  - { a: gpu, b: lan, type: 10gbe }\n  - { a: pii, b: lan, type: wifi5 }\n' }),
    expected: ['F:9:10: links[1].a: link to a missing device or switch "pii"; did you mean "pi"?'],
  },
  {
    name: 'HC-05 baud not in its table',
    cli: true,
    text: scenario({
      devices: withFpga,
      links: `${SECTIONS.links}  - { a: fpga, b: pi, type: hc05-serial, baud: 100000 }\n`,
    }),
    expected: [
      'F:11:48: links[2].baud: baud 100000 is not a rate "hc05-serial" accepts; expected one of ' +
        '9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600, 1382400; did you mean 115200?',
    ],
  },
  {
    name: 'baud on a fixed-rate link',
    text: scenario({
      links: 'links:\n  - { a: gpu, b: lan, type: 10gbe, baud: 9600 }\n  - { a: pi, b: lan, type: wifi5 }\n',
    }),
    expected: ['F:8:42: links[0].baud: baud can only be set on a serial link; "10gbe" has a fixed rate'],
  },
  {
    name: 'model too big for every device',
    text: scenario({ services: service({ model: 'llama-2-70b-q4' }) }),
    expected: [
      `F:13:12: services[0].model: no device can hold service chat (needs ${gb(MODEL_CATALOG['llama-2-70b-q4']!.weightBytes)} GB ` +
        `of weights; largest is gpu (rtx-4090) with ${gb(usable('rtx-4090'))} GB usable); ` +
        `the devices together hold only ${gb(usable('rtx-4090') + usable('raspberry-pi-5-8gb'))} GB usable`,
    ],
  },
  {
    name: 'duplicate device id',
    text: scenario({ devices: `${SECTIONS.devices}  - { id: gpu, type: jetson-orin-nano-8gb }\n` }),
    expected: ['F:7:11: devices[2].id: duplicate id "gpu"; already used at devices[0].id'],
  },
  {
    name: 'device not reachable from the ingress',
    text: scenario({ links: 'links:\n  - { a: gpu, b: lan, type: 10gbe }\n' }),
    expected: [
      'F:6:11: devices[1].id: device "pi" is not connected to ingress "lan" of service chat; ' +
        'add a link from it to a switch or device on that network',
    ],
  },
  {
    name: 'unknown ingress',
    text: scenario({ services: service({ ingress: 'lna' }) }),
    expected: ['F:14:14: services[0].ingress: unknown ingress "lna"; did you mean "lan"?'],
  },
  {
    name: 'unknown policy name',
    text: scenario({ policy: 'policy:\n  name: eparaa\n' }),
    expected: ['F:4:9: policy.name: unknown policy "eparaa"; did you mean "epara"?'],
  },
  {
    name: 'unknown policy parameter',
    text: scenario({ policy: 'policy:\n  name: epara\n  params: { sync_period: 1 }\n' }),
    expected: [
      'F:5:26: policy.params.sync_period: unknown parameter "sync_period" for policy epara; did you mean "sync_period_s"?',
    ],
  },
  {
    name: 'policy parameter out of range',
    text: scenario({ policy: `policy:\n  name: epara\n  params: { sync_period_s: ${(sync.max ?? 1e6) * 10} }\n` }),
    expected: [
      `F:5:28: policy.params.sync_period_s: expected a number in ${sync.min ?? '-∞'}..${sync.max ?? '∞'}, ` +
        `got ${(sync.max ?? 1e6) * 10}; ${sync.description}`,
    ],
  },
  {
    name: 'fault on an unknown device',
    text: scenario({ faults: 'faults:\n  - { kind: device-crash, device: gpuu, at_s: 1 }\n' }),
    expected: ['F:18:35: faults[0].device: fault targets unknown device "gpuu"; did you mean "gpu"?'],
  },
  {
    name: 'fault on an unknown link',
    text: scenario({ faults: 'faults:\n  - { kind: link-outage, link: wann, at_s: 1, duration_s: 2 }\n' }),
    expected: ['F:18:32: faults[0].link: fault targets unknown link "wann"; valid: gpu--lan, pi--lan'],
  },
  {
    name: 'trace file that does not exist',
    cli: true,
    text: scenario({
      services: service({ arrivals: '{ process: trace, format: azure-llm-2023, path: traces/missing.csv }' }),
    }),
    expected: [
      'F:16:63: services[0].arrivals.path: trace file "traces/missing.csv" does not exist (looked for D/traces/missing.csv); ' +
        "relative paths start at the scenario file's folder",
    ],
  },
];

const slug = (name: string): string => name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();

/** Each case in its own folder, so "nothing else was written" is a directory listing. */
export function writeCase(c: Case): { dir: string; file: string; expected: string } {
  const dir = path.join(TMP, slug(c.name));
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${slug(c.name)}.yaml`);
  fs.writeFileSync(file, c.text);
  // One pass over the case's text: a second replace would also rewrite the `D/` of a temp
  // folder name that happens to end in "D" (mkdtemp's random suffix) inside the inserted path.
  const expected = c.expected.map((l) => l.replace(/F:|D\//g, (m) => (m === 'F:' ? `${file}:` : `${dir}/`))).join('\n');
  return { dir, file, expected };
}
