/**
 * Where generated models live: `$PARASIM_MODEL_DIR`, else `~/.cache/parasim/models`, else
 * `os.tmpdir()/parasim-models` when the home cache is not writable. A model is generated on first
 * use and written atomically (temp file + rename), so concurrent agents never read half a file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encodeModel } from './onnx-writer.js';
import type { ModelSpec } from './onnx-writer.js';

/** Bump when the generator changes, so stale cached files are not reused. */
const GENERATOR_VERSION = 1;
let tmpCounter = 0;

function writableDir(dir: string): boolean {
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

export function modelCacheDir(): string {
  const env = process.env['PARASIM_MODEL_DIR'];
  if (env !== undefined && env !== '' && writableDir(env)) return env;
  const home = path.join(os.homedir(), '.cache', 'parasim', 'models');
  if (writableDir(home)) return home;
  const tmp = path.join(os.tmpdir(), 'parasim-models');
  fs.mkdirSync(tmp, { recursive: true });
  return tmp;
}

/** Path of the cached model file `key`, generating it with `build` when absent. */
export function ensureModelFile(key: string, build: () => ModelSpec): string {
  const file = path.join(modelCacheDir(), `${key}.v${GENERATOR_VERSION}.onnx`);
  if (fs.existsSync(file)) return file;
  const tmp = `${file}.${process.pid}.${tmpCounter++}.tmp`;
  fs.writeFileSync(tmp, encodeModel(build()));
  fs.renameSync(tmp, file);
  return file;
}
