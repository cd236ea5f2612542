/**
 * Checks that a trace-replay service names a readable file, at load time: otherwise the mistake
 * would surface only when the simulator opens the trace, after output files were set up, and
 * without the scenario's line and field. Relative paths start at the scenario file's folder.
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, resolve as resolvePath } from 'node:path';
import { didYouMean } from './issues.js';

export type TraceReport = (message: string, hint?: string) => void;

/** The absolute path a scenario's `arrivals.path` names (as the loader resolves it). */
export function tracePathFor(scenarioFile: string, given: string): string {
  return resolvePath(dirname(resolvePath(scenarioFile)), given);
}

export function checkTracePath(scenarioFile: string, given: string, report: TraceReport): void {
  const abs = tracePathFor(scenarioFile, given);
  let isFile: boolean;
  try {
    isFile = statSync(abs).isFile();
  } catch {
    report(`trace file "${given}" does not exist (looked for ${abs})`, nearbyHint(abs));
    return;
  }
  if (!isFile) report(`trace path "${given}" is not a file (${abs}); expected a trace file`);
}

/** A did-you-mean over the files of the folder the path points into, or where relative paths start. */
function nearbyHint(abs: string): string {
  let names: string[];
  try {
    names = readdirSync(dirname(abs));
  } catch {
    return "relative paths start at the scenario file's folder";
  }
  const c = didYouMean(basename(abs), names);
  return c !== undefined && c.startsWith('did you mean') ? c : "relative paths start at the scenario file's folder";
}
