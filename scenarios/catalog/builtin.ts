/**
 * The built-in catalog: scenarios/catalog/{devices,links,models,profiles}.yaml, read once on
 * first use. The data files live in the source tree; from dist/ they are found three folders up.
 * A broken built-in file is a bug of this repository, so it throws with the located issues.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatIssues } from '../issues.js';
import type { Catalog } from '../types.js';
import { EMPTY_CATALOG } from './build.js';
import { loadCatalogFile } from './load-catalog.js';

const FILES = ['devices.yaml', 'links.yaml', 'models.yaml', 'profiles.yaml'] as const;

function dataDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const dir of [here, resolve(here, '../../../scenarios/catalog')]) {
    if (existsSync(join(dir, FILES[0]))) return dir;
  }
  throw new Error(`built-in catalog data not found next to ${here}`);
}

let cached: Catalog | undefined;

export function builtinCatalog(): Catalog {
  if (cached !== undefined) return cached;
  const dir = dataDir();
  let catalog = EMPTY_CATALOG;
  for (const f of FILES) {
    const r = loadCatalogFile(join(dir, f), catalog);
    if (!r.ok) throw new Error(`built-in catalog is invalid:\n${formatIssues(r.issues)}`);
    catalog = r.value;
  }
  cached = Object.freeze({
    devices: Object.freeze(catalog.devices),
    models: Object.freeze(catalog.models),
    links: Object.freeze(catalog.links),
  });
  return cached;
}
