import { describe, expect, it } from 'vitest';
import { formatIssues, loadScenario, parseScenario } from '../../scenarios/index.js';

const issuesOf = (text: string): string => {
  const r = parseScenario(text, 'x.yaml');
  if (r.ok) throw new Error('expected issues');
  return formatIssues(r.issues);
};

describe('loadScenario', () => {
  it('loadScenario › default.yaml › expands groups and assigns sites', () => {
    const r = loadScenario('scenarios/default.yaml');
    if (!r.ok) throw new Error(formatIssues(r.issues));
    const ids = r.value.devices.map((d) => d.id);
    expect(ids).toContain('pi5-1');
    expect(r.value.devices.find((d) => d.id === 'fpga')?.site).toBe('edge-lan');
    expect(r.value.links.find((l) => l.id === 'fpga--pi5-0')?.bandwidthBps).toBeCloseTo(115200 * 0.8);
  });

  it('loadScenario › bench-large.yaml › loads about 50 devices', () => {
    const r = loadScenario('scenarios/bench-large.yaml');
    if (!r.ok) throw new Error(formatIssues(r.issues));
    expect(r.value.devices.length).toBeGreaterThanOrEqual(45);
  });

  it('parseScenario › several schema errors › reports all with line:col and did-you-mean', () => {
    const text = [
      'name: x',
      'horizon_min: 10',
      'devices:',
      '  - {id: a, type: rtx-4900}',
      'services:',
      '  - name: s',
      '    kind: llm',
      '    model: llama-2-7b-q4',
      '    ingress: a',
      '    slo: {ttft_s: -2, tpot_s: 0.1}',
      '    arrivals: {process: poisson, rate_per_sec: 3}',
      '',
    ].join('\n');
    expect(issuesOf(text)).toBe(
      [
        'x.yaml:1:1: missing required key "horizon_s"',
        'x.yaml:2:1: horizon_min: unknown key "horizon_min"; did you mean "horizon_s"?',
        'x.yaml:4:19: devices[0].type: unknown device type "rtx-4900"; did you mean "rtx-4090"?',
        'x.yaml:10:19: services[0].slo.ttft_s: expected a positive number of seconds, got -2',
        'x.yaml:11:15: services[0].arrivals: missing required key "rate_per_s"',
        'x.yaml:11:34: services[0].arrivals.rate_per_sec: unknown key "rate_per_sec"; did you mean "rate_per_s"?',
      ].join('\n'),
    );
  });

  it('parseScenario › bad YAML syntax › reports the position', () => {
    expect(issuesOf('name: [x\n')).toMatch(/^x\.yaml:\d+:\d+: YAML syntax/);
  });
});
