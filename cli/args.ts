/**
 * Argument checks shared by the commands: yargs' `type: 'number'` turns `--seed abc` into NaN and
 * `--seed 99999999999999999999` into a rounded float, so values whose exact text matters are read
 * as strings and parsed here. Every failure is a usage error (exit 2) naming the flag.
 */
import { CliError } from './cli-error.js';

/** `--seed`: a non-negative integer that a float64 holds exactly (the RNG derives streams from it). */
export function parseSeed(text: string | number, flag = '--seed'): number {
  const s = String(text).trim();
  if (!/^\d+$/.test(s)) throw new CliError(`${flag} must be a non-negative integer, got "${s}"`, 2);
  const v = Number(s);
  if (!Number.isSafeInteger(v))
    throw new CliError(`${flag} ${s} is above ${Number.MAX_SAFE_INTEGER} (2^53 − 1) and would lose precision`, 2);
  return v;
}

/** A finite number > 0 (`--memory-mb`, `--horizon-s` …). */
export function positiveNumber(v: number | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  if (!(Number.isFinite(v) && v > 0)) throw new CliError(`${flag} must be a positive number, got ${String(v)}`, 2);
  return v;
}

/** A finite number ≥ 0 (`--drain-s`). */
export function nonNegativeNumber(v: number | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  if (!(Number.isFinite(v) && v >= 0)) throw new CliError(`${flag} must be a number ≥ 0, got ${String(v)}`, 2);
  return v;
}

/** A finite number (`report --at`). */
export function finiteNumber(v: number | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  if (!Number.isFinite(v)) throw new CliError(`${flag} must be a number, got ${String(v)}`, 2);
  return v;
}

/** Shortest bearer token accepted (the testbed file's rule): a guessable token is no token. */
export const MIN_TOKEN_LENGTH = 8;

/** `--token` / PARASIM_AGENT_TOKEN: at least MIN_TOKEN_LENGTH characters, no whitespace. */
export function checkToken(token: string, source: string): string {
  if (token.length < MIN_TOKEN_LENGTH)
    throw new CliError(`${source} must be at least ${MIN_TOKEN_LENGTH} characters (got ${token.length})`, 2);
  if (/\s/.test(token)) throw new CliError(`${source} must not contain whitespace`, 2);
  return token;
}
