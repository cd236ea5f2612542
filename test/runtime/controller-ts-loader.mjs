/** `node --import ./controller-ts-loader.mjs file.ts`: registers controller-ts-hooks.mjs (test-only). */
import { register } from 'node:module';

register('./controller-ts-hooks.mjs', import.meta.url);
