/**
 * Vitest global setup: the CLI tests spawn `node dist/cli/main.js`, so dist/ must match the
 * sources. `npm test` builds first and this is then a few stat calls; a lone
 * `npx vitest run test/x` after an edit rebuilds here (tsc -b: incremental, only what changed).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './cli-paths.js';

const SOURCES = ['sim', 'policies', 'traces', 'scenarios', 'runtime', 'reports', 'cli', 'test'];
const BUILD_INFO = path.join(ROOT, 'dist/.tsbuildinfo');

function newestTs(dir: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestTs(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

export default function setup(): void {
  const built = fs.existsSync(BUILD_INFO) ? fs.statSync(BUILD_INFO).mtimeMs : 0;
  const sources = Math.max(...SOURCES.map((d) => newestTs(path.join(ROOT, d))));
  if (built >= sources) return;
  try {
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', 'tsconfig.json'], { cwd: ROOT, stdio: 'pipe' });
  } catch (e) {
    // Type errors still emit; the type check itself is `npm test`'s job (npm run build).
    const out = (e as { stdout?: Buffer }).stdout?.toString() ?? '';
    process.stderr.write(`global-setup: tsc reported errors (dist/ was still emitted):\n${out.slice(0, 4000)}\n`);
  }
}
