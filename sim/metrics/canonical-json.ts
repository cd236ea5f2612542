/**
 * Canonical JSON (INV-3 determinism): object keys sorted, numbers rounded to 9 significant
 * digits (float noise bounded, output byte-identical across runs), NaN/±Infinity → null,
 * two-space indentation, trailing newline. The result carries no wall-clock value.
 */
import type { RunResult } from '../../policies/index.js';

function canon(v: unknown): unknown {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return null;
    if (Number.isInteger(v) && Math.abs(v) < 1e15) return v;
    const r = Number(v.toPrecision(9));
    return Object.is(r, -0) ? 0 : r;
  }
  if (Array.isArray(v)) return v.map(canon);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = canon(x);
    }
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
