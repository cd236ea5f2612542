/**
 * Canonical JSON (INV-3 determinism): object keys sorted, numbers rounded to 9 significant
 * digits (float noise bounded, output byte-identical across runs), NaN/±Infinity → null,
 * two-space indentation, trailing newline. The result carries no wall-clock value.
 */
import type { RunResult } from '../../policies/index.js';

/**
 * Keys sorted and numbers rounded; JSON.stringify then writes NaN and ±∞ as null, −0 as 0, and
 * drops undefined fields (the rules above that are not spelled out here).
 */
function canon(v: unknown): unknown {
  if (typeof v === 'number') {
    // Stryker disable next-line EqualityOperator: equivalent — 1e15 itself prints the same either way.
    if (Number.isInteger(v) && Math.abs(v) < 1e15) return v;
    return Number(v.toPrecision(9));
  }
  if (Array.isArray(v)) return v.map(canon);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = canon((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

export function canonicalJson(value: unknown): string {
  return `${JSON.stringify(canon(value), null, 2)}\n`;
}

export function resultToJson(r: RunResult): string {
  return canonicalJson(r);
}
