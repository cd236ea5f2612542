/**
 * The catalog as data: the built-in YAML files load into the specs the simulator uses, a
 * scenario's `catalog:` section and a catalog file extend or override them with the same
 * content, and bad entries are located (file:line:col, did-you-mean) without a Scenario.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  builtinCatalog,
  formatIssues,
  formatProfileCsv,
  loadCatalogFile,
  parseCatalogText,
  parseProfileCsv,
  parseScenario,
} from '../../scenarios/index.js';

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'parasim-catalog-'));
afterAll(() => fs.rmSync(TMP, { recursive: true, force: true }));

const BASE = ['name: t', 'horizon_s: 10', 'switches: [lan]'].join('\n');
const body = (deviceType: string, model: string): string =>
  [
    'devices:',
    `  - { id: d, type: ${deviceType} }`,
    'links:',
    '  - { a: d, b: lan, type: 1gbe }',
    'services:',
    '  - name: chat',
    '    kind: llm',
    `    model: ${model}`,
    '    ingress: lan',
    '    slo: { ttft_s: 2, tpot_s: 0.2 }',
    '    arrivals: { process: poisson, rate_per_s: 1 }',
    '',
  ].join('\n');

const BOARD = [
  '  devices:',
  '    - key: my-board',
  '      name: My board',
  '      device_class: microcomputer',
  '      gpus: 1',
  '      memory_gb_per_gpu: 16',
  '      mem_bandwidth_gb_s: 34',
  '      flops_per_gpu: 2e11',
  '      intra_node: none',
  '      busy_w: 12',
  '      idle_w: 3',
].join('\n');

describe('catalog › built-in data', () => {
  it('catalog › built-in › every entry derives its sizes from the data keys', () => {
    const c = builtinCatalog();
    const m = c.models['llama-2-70b-q4']!;
    expect(m.weightBytes).toBe(Math.round(69 * 1e9 * 0.5625));
    expect(m.kvBytesPerToken).toBe(2 * 80 * 8 * 128 * 2);
    expect(m.activationBytesPerToken).toBe(8192 * 2);
    expect(c.devices['raspberry-pi-5-8gb']!.memBandwidthBytesPerS).toBe(17.1 * 1e9);
    expect(c.links['1gbe']!.nominalBps * c.links['1gbe']!.efficiency).toBeCloseTo(928e6);
    expect(c.links['hc05-serial']!.configurableBaud).toBe(true);
    expect(c.links['1gbe']!.configurableBaud).toBe(false);
    // Citations survive the move to data: every entry and row names its source.
    for (const spec of [...Object.values(c.devices), ...Object.values(c.links), ...Object.values(c.models)]) {
      expect(spec.source.length).toBeGreaterThan(20);
    }
    expect(
      Object.values(c.models)
        .flatMap((x) => x.profiles)
        .every(
          (r) => r.source.includes('profiles') || r.source.includes('ASSUMPTION') || r.source.startsWith('measured:'),
        ),
    ).toBe(true);
  });
});

describe('catalog › scenario section', () => {
  it('catalog › section › a declared device and its profile rows are used by the scenario', () => {
    const text = [
      BASE,
      'catalog:',
      BOARD,
      '  profiles:',
      '    - { device: my-board, model: llama-2-7b-q4, batch: 1, decode_tok_s: 3.5, source: "my bench" }',
      body('my-board', 'llama-2-7b-q4'),
    ].join('\n');
    const r = parseScenario(text, 'F');
    if (!r.ok) throw new Error(formatIssues(r.issues));
    const d = r.value.devices[0]!.spec;
    expect(d.memoryBytesPerGpu).toBe(16e9);
    expect(d.source).toBe('declared in F');
    const rows = r.value.services[0]!.model.profiles.filter((p) => p.deviceType === 'my-board');
    expect(rows).toEqual([{ deviceType: 'my-board', batch: 1, decodeTokPerS: 3.5, source: 'my bench' }]);
    // The built-in catalog is untouched.
    expect(builtinCatalog().devices['my-board']).toBeUndefined();
  });

  it('catalog › section › rows for a pair replace the earlier rows of that pair only', () => {
    const text = [
      BASE,
      'catalog:',
      '  profiles:',
      '    - { device: rtx-3090, model: llama-2-7b-q4, batch: 1, decode_tok_s: 99 }',
      body('rtx-3090', 'llama-2-7b-q4'),
    ].join('\n');
    const r = parseScenario(text, 'F');
    if (!r.ok) throw new Error(formatIssues(r.issues));
    const p = r.value.services[0]!.model.profiles;
    expect(p.filter((x) => x.deviceType === 'rtx-3090').map((x) => x.decodeTokPerS)).toEqual([99]);
    expect(p.filter((x) => x.deviceType === 'rtx-4090')).toHaveLength(1);
  });

  it('catalog › section › bad entries are located, with did-you-mean, and give no scenario', () => {
    const bad = BOARD.replace('      memory_gb_per_gpu: 16\n', '      memory_gb_per_gpu: -16\n').replace(
      '      flops_per_gpu: 2e11\n',
      '',
    );
    const r1 = parseScenario([BASE, 'catalog:', bad, body('rtx-3090', 'llama-2-7b-q4')].join('\n'), 'F');
    expect(r1.ok).toBe(false);
    if (!r1.ok) {
      expect(formatIssues(r1.issues).split('\n')).toEqual([
        'F:6:7: catalog.devices[0]: missing required key "flops_per_gpu"',
        'F:10:26: catalog.devices[0].memory_gb_per_gpu: expected a positive number, got -16',
      ]);
    }
    const rows = [
      '  profiles:',
      '    - { device: rtx-3009, model: llama-2-7b-q4, batch: 1, decode_tok_s: 9 }',
      '    - { device: rtx-3090, model: llama-2-7b-q8, batch: 1, decode_tok_s: 9 }',
    ].join('\n');
    const r2 = parseScenario([BASE, 'catalog:', rows, body('rtx-3090', 'llama-2-7b-q4')].join('\n'), 'F');
    expect(r2.ok).toBe(false);
    if (!r2.ok) {
      expect(formatIssues(r2.issues).split('\n')).toEqual([
        'F:6:17: catalog.profiles[0].device: profile row for unknown device "rtx-3009"; did you mean "rtx-3090"?',
        'F:7:34: catalog.profiles[1].model: profile row for unknown model "llama-2-7b-q8"; did you mean "llama-2-7b-q4"?',
      ]);
    }
  });

  it('catalog › section › a device type the section does not declare is still an unknown type', () => {
    const r = parseScenario([BASE, 'catalog:', BOARD, body('my-bord', 'llama-2-7b-q4')].join('\n'), 'F');
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(formatIssues(r.issues)).toContain(
        'devices[0].type: unknown device type "my-bord"; did you mean "my-board"?',
      );
  });
});

describe('catalog › files', () => {
  it('catalog › file › a YAML file is the same content as a section', () => {
    const file = path.join(TMP, 'extra.yaml');
    fs.writeFileSync(
      file,
      [
        'devices:',
        BOARD.split('\n')
          .slice(1)
          .map((l) => l.slice(2))
          .join('\n'),
        '',
      ].join('\n'),
    );
    const c = loadCatalogFile(file, builtinCatalog());
    if (!c.ok) throw new Error(formatIssues(c.issues));
    const r = parseScenario([BASE, body('my-board', 'tinyllama-1.1b-q4')].join('\n'), 'F', { catalog: c.value });
    expect(r.ok).toBe(true);
  });

  it('catalog › section › `profiles: FILE.csv` loads rows relative to the scenario; a bad row is located in the CSV', () => {
    const csv = path.join(TMP, 'measured.csv');
    fs.writeFileSync(
      csv,
      formatProfileCsv([{ device: 'rtx-3090', model: 'llama-2-7b-q4', batch: 1, decode_tok_s: 77, source: 'bench' }]),
    );
    const file = path.join(TMP, 'sc.yaml');
    const r = parseScenario(
      [BASE, 'catalog:', '  profiles: measured.csv', body('rtx-3090', 'llama-2-7b-q4')].join('\n'),
      file,
    );
    if (!r.ok) throw new Error(formatIssues(r.issues));
    expect(
      r.value.services[0]!.model.profiles.filter((p) => p.deviceType === 'rtx-3090').map((p) => p.decodeTokPerS),
    ).toEqual([77]);
    fs.writeFileSync(csv, 'device,model,batch,decode_tok_s\nrtx-3090,llama-2-7b-q4,1,-3\n');
    const bad = parseScenario(
      [BASE, 'catalog:', '  profiles: measured.csv', body('rtx-3090', 'llama-2-7b-q4')].join('\n'),
      file,
    );
    expect(bad.ok).toBe(false);
    if (!bad.ok)
      expect(formatIssues(bad.issues)).toBe(`${csv}:2:4: decode_tok_s: expected a positive number of tokens/s, got -3`);
  });

  it('catalog › profile CSV › what profile writes loads back; bad rows are located by line and column', () => {
    const text = formatProfileCsv([
      { device: 'rtx-3090', model: 'llama-2-7b-q4', batch: 4, prompt_tokens: 512, decode_tok_s: 300, source: 'x' },
    ]);
    expect(text.split('\n')[0]).toBe('device,model,batch,prompt_tokens,prefill_tok_s,decode_tok_s,latency_ms,source');
    const c = parseCatalogText(text, 'rows.csv', builtinCatalog());
    if (!c.ok) throw new Error(formatIssues(c.issues));
    expect(c.value.models['llama-2-7b-q4']!.profiles.filter((r) => r.deviceType === 'rtx-3090')).toEqual([
      { deviceType: 'rtx-3090', batch: 4, promptTokens: 512, decodeTokPerS: 300, source: 'x' },
    ]);
    const bad = `${text}rtx-3090,llama-2-7b-q4,-2,,,5,,y\nrtx-9090,llama-2-7b-q4,1,,,5,,z\n`;
    const r = parseProfileCsv(bad, 'rows.csv');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(formatIssues(r.issues)).toBe('rows.csv:3:3: batch: expected a positive number, got -2');
    const unknown = parseCatalogText(bad.replace(',-2,', ',2,'), 'rows.csv', builtinCatalog());
    expect(unknown.ok).toBe(false);
    if (!unknown.ok)
      expect(formatIssues(unknown.issues)).toBe(
        'rows.csv:4:1: device: profile row for unknown device "rtx-9090"; did you mean "rtx-4090"?',
      );
  });
});
