import { describe, expect, it } from 'vitest';
import { formatPolicies, policiesJson } from '../../cli/commands/policies.js';
import { POLICY_NAMES } from '../../policies/index.js';

describe('cli › parasim policies', () => {
  it('formatPolicies › registry › every policy named with its description and epara params with ranges', () => {
    const text = formatPolicies();
    for (const name of POLICY_NAMES) expect(text).toMatch(new RegExp(`^${name}$`, 'm'));
    expect(text).toContain('policy.params.sync_period_s: number, default 1, range 0.01..600');
    expect(text).toContain('policy.params.max_devices: integer, default 3, range 1..16');
    // Parameters are YAML fields or sweep axes, never CLI flags (the CLI rejects those).
    expect(text).not.toMatch(/^\s+--/m);
    expect(text).toContain('policy: { name: epara, params: { placement_period_s: 30 } }');
  });
  it('formatPolicies › registry › the duplicate static-round-robin is gone', () => {
    expect(POLICY_NAMES).not.toContain('static-round-robin');
    expect(POLICY_NAMES).toContain('round-robin');
  });
  it('policiesJson › registry › one entry per policy', () => {
    expect((policiesJson() as unknown[]).length).toBe(POLICY_NAMES.length);
  });
});
