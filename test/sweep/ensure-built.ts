/**
 * Sweep tests run cells on the compiled worker (dist/sim/sweep/worker.js) and the CLI from dist:
 * rebuild when a sweep or CLI source is newer than the build. Only these sources are checked,
 * because other folders change all the time while helpers work and a full build takes minutes on
 * a loaded machine (`npm test` builds first anyway); other helpers' type errors do not stop emit.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const MAIN = path.join(ROOT, 'dist/cli/main.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

export function ensureBuilt(): void {
  const sources = Math.max(newestSource(path.join(ROOT, 'sim/sweep')),
    ...['sweep', 'start'].map((c) => fs.statSync(path.join(ROOT, `cli/commands/${c}.ts`)).mtimeMs));
  const marker = path.join(ROOT, 'dist/sim/sweep/worker.js');
  const built = fs.existsSync(marker) && fs.existsSync(MAIN) ? Math.min(fs.statSync(marker).mtimeMs, fs.statSync(MAIN).mtimeMs) : 0;
  if (built >= sources) return;
  try {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'ignore' });
  } catch {
    /* type errors elsewhere still emit */
  }
}
