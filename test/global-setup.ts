/**
 * Global setup of the e2e tier: those tests spawn `node dist/cli/main.js`, agents and workers
 * from dist/, so dist/ must match the sources. `npm test` builds once before the tests; this is
 * only a check (a few stat calls) that fails with the command to run, instead of testing stale
 * code. PARASIM_E2E_BUILD=1 builds here instead (incremental `tsc -b`).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './cli-paths.js';

const SOURCES = ['api', 'sim', 'policies', 'traces', 'scenarios', 'runtime', 'reports', 'cli', 'test'];
const BUILD_INFO = path.join(ROOT, 'dist/.tsbuildinfo');

/** Newest .ts file under `dir` (mtime and path), or null when there is none. */
function newestTs(dir: string): { mtimeMs: number; file: string } | null {
  let newest: { mtimeMs: number; file: string } | null = null;
  if (!fs.existsSync(dir)) return null;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    const n = e.isDirectory()
      ? newestTs(p)
      : e.name.endsWith('.ts')
        ? { mtimeMs: fs.statSync(p).mtimeMs, file: p }
        : null;
    if (n !== null && (newest === null || n.mtimeMs > newest.mtimeMs)) newest = n;
  }
  return newest;
}

export default function setup(): void {
  const built = fs.existsSync(BUILD_INFO) ? fs.statSync(BUILD_INFO).mtimeMs : 0;
  const newest = SOURCES.map((d) => newestTs(path.join(ROOT, d))).reduce(
    (a, b) => (b !== null && (a === null || b.mtimeMs > a.mtimeMs) ? b : a),
    null,
  );
  if (newest === null || built >= newest.mtimeMs) return;
  if (process.env['PARASIM_E2E_BUILD'] === '1') {
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', 'tsconfig.json'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    return;
  }
  throw new Error(
    `dist/ is older than ${path.relative(ROOT, newest.file)}: the e2e tests run the built code. ` +
      'Run `npm run build` (or set PARASIM_E2E_BUILD=1), then the e2e tests again.',
  );
}
