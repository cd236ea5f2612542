/**
 * The code version a queued cell must be run with: package version + a hash of the compiled
 * sources (dist/**\/*.js, paths and bytes, in sorted order), computed once per process. Two
 * checkouts of one version with different local edits get different versions, so a worker never
 * silently computes a cell with other code than the coordinator's. `PARASIM_CODE_VERSION`
 * overrides it (tests; or to force a fleet of known-equivalent builds to agree).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { codeVersion as packageVersion, packageRoot } from '../index.js';

function jsFiles(dir: string, out: string[]): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) jsFiles(p, out);
    else if (e.name.endsWith('.js')) out.push(p);
  }
  return out;
}

/** Hash of every .js file under `dir` (relative path and content); "nodist" when there is none. */
export function sourcesHash(dir: string): string {
  if (!fs.existsSync(dir)) return 'nodist';
  const h = createHash('sha256');
  for (const file of jsFiles(dir, []).sort()) {
    h.update(path.relative(dir, file).split(path.sep).join('/'))
      .update('\0')
      .update(fs.readFileSync(file))
      .update('\0');
  }
  return h.digest('hex').slice(0, 12);
}

let cached: string | undefined;
export function queueCodeVersion(): string {
  const forced = process.env['PARASIM_CODE_VERSION'];
  if (forced !== undefined && forced !== '') return forced;
  cached ??= `${packageVersion()}+${sourcesHash(path.join(packageRoot(), 'dist'))}`;
  return cached;
}
