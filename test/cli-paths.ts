/** Where the built CLI lives; the e2e tier's global setup (test/global-setup.ts) checks dist/ is current. */
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..');
export const MAIN = path.join(ROOT, 'dist/cli/main.js');
