/**
 * The install needs no deprecated npm key (issue 17 item 8): onnxruntime-node's postinstall,
 * which only downloads optional CUDA extras, is denied through package.json `allowScripts`
 * (npm's own policy), every other dependency with an install script is listed so npm prints no
 * "not covered" notice, and no project .npmrc carries a key npm does not know.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../cli-paths.js';

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  allowScripts?: Record<string, boolean>;
};
const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { hasInstallScript?: boolean }>;
};

describe('install › scripts policy', () => {
  it("onnxruntime-node's download script is denied", () => {
    expect(pkg.allowScripts?.['onnxruntime-node']).toBe(false);
  });

  it('every locked package with an install script is decided in allowScripts (no notice on install)', () => {
    const withScripts = Object.entries(lock.packages)
      .filter(([p, v]) => p !== '' && v.hasInstallScript === true)
      .map(([p]) => p.slice(p.lastIndexOf('node_modules/') + 'node_modules/'.length));
    expect(withScripts.length).toBeGreaterThan(0);
    expect(withScripts.filter((name) => pkg.allowScripts?.[name] === undefined)).toEqual([]);
  });

  it('no project .npmrc sets the deprecated onnxruntime-node-install key', () => {
    const npmrc = path.join(ROOT, '.npmrc');
    const text = fs.existsSync(npmrc) ? fs.readFileSync(npmrc, 'utf8') : '';
    expect(text).not.toMatch(/onnxruntime-node-install/);
  });
});
