/** Where the built CLI lives; test/global-setup.ts keeps dist/ in step with the sources. */
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..');
export const MAIN = path.join(ROOT, 'dist/cli/main.js');
