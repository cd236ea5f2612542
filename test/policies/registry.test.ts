/**
 * The policy registry's declared parameters are what the scenario schema validates and
 * `parasim policies` prints: every policy and parameter is described, every kind is one the schema
 * knows, defaults have their kind and lie in their range (or among their choices), and
 * resolveParams / numberParam / stringParam fill in and read them.
 */
import { describe, expect, it } from 'vitest';
import { isPolicyName, POLICIES, POLICY_NAMES, resolveParams } from '../../policies/index.js';
import { numberParam, stringParam } from '../../policies/params.js';

describe('policy registry › declared parameters', () => {
  it('every policy › a description and parameters the schema can validate', () => {
    for (const name of POLICY_NAMES) {
      const f = POLICIES[name];
      expect(f.description.length, name).toBeGreaterThan(20);
      for (const [p, spec] of Object.entries(f.params)) {
        const where = `${name}.${p}`;
        expect(spec.description.length, where).toBeGreaterThan(10);
        switch (spec.kind) {
          case 'number':
          case 'integer':
            expect(typeof spec.default, where).toBe('number');
            if (spec.kind === 'integer') expect(Number.isInteger(spec.default), where).toBe(true);
            expect(spec.default, where).toBeGreaterThanOrEqual(spec.min ?? -Infinity);
            expect(spec.default, where).toBeLessThanOrEqual(spec.max ?? Infinity);
            break;
          case 'boolean':
            expect(typeof spec.default, where).toBe('boolean');
            break;
          case 'choice':
            expect(spec.choices, where).toContain(spec.default);
            break;
          default:
            throw new Error(`${where}: unknown kind ${(spec as { kind: string }).kind}`);
        }
      }
    }
  });
  it('epara › the parameters the docs name, with their kinds', () => {
    const kinds = Object.fromEntries(Object.entries(POLICIES.epara.params).map(([k, s]) => [k, s.kind]));
    expect(kinds).toEqual({
      sync_period_s: 'number',
      sync_message_bytes: 'integer',
      placement_period_s: 'number',
      health_check_s: 'number',
      staleness_limit_s: 'number',
      migration_threshold: 'number',
      slo_margin: 'number',
      load_gbps: 'number',
      demand_headroom: 'number',
      recovery_backoff_s: 'number',
      demand_alpha: 'number',
      demand_burst: 'number',
      demand_tolerance: 'number',
      demand_down_periods: 'integer',
      burst_window_s: 'number',
      gpu_sharing: 'boolean',
    });
  });
  it('resolveParams › defaults for what is missing, given values kept', () => {
    const r = resolveParams(POLICIES['adaptive-split'].params, { max_devices: 5 });
    expect(r).toEqual({ period_s: 10, max_devices: 5, resplit_threshold: 0.1, profile_alpha: 0.5 });
  });
  it('numberParam / stringParam › a value of the wrong type › an error naming the parameter', () => {
    expect(numberParam({ a: 2 }, 'a')).toBe(2);
    expect(() => numberParam({ a: 'x' }, 'a')).toThrow('parameter a is not a number: x');
    expect(() => numberParam({ a: Infinity }, 'a')).toThrow('parameter a is not a number: Infinity');
    expect(() => numberParam({}, 'b')).toThrow('parameter b is not a number: undefined');
    expect(stringParam({ s: 'v' }, 's')).toBe('v');
    expect(() => stringParam({ s: 3 }, 's')).toThrow('parameter s is not a string: 3');
  });
  it('isPolicyName › registered names only, not inherited properties', () => {
    expect(isPolicyName('epara')).toBe(true);
    expect(isPolicyName('toString')).toBe(false);
    expect(isPolicyName('nope')).toBe(false);
  });
});
