/**
 * Node module hooks that run the TypeScript sources directly (test-only), so the controller tests
 * can start real agent processes (`cli/main.ts agent`) without waiting for `npm run build`
 * (minutes on a loaded 2-core machine). `.js` specifiers resolve to the `.ts` file beside them;
 * `.ts` files are transpiled with TypeScript's `transpileModule` (no type check) and cached on
 * disk by content hash.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const CACHE = path.join(os.tmpdir(), 'parasim-ts-cache');
fs.mkdirSync(CACHE, { recursive: true });

export async function resolve(specifier, context, next) {
  const parent = context.parentURL;
  if (parent !== undefined && parent.endsWith('.ts') && specifier.startsWith('.') && specifier.endsWith('.js')) {
    const tsUrl = new URL(specifier.slice(0, -3) + '.ts', parent);
    if (fs.existsSync(fileURLToPath(tsUrl))) return { url: tsUrl.href, shortCircuit: true, format: 'module' };
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
  const source = fs.readFileSync(fileURLToPath(url), 'utf8');
  const key = createHash('sha1').update(url).update(source).digest('hex');
  const cached = path.join(CACHE, `${key}.mjs`);
  let out;
  try {
    out = fs.readFileSync(cached, 'utf8');
  } catch {
    // Loaded only on a cache miss: importing TypeScript costs seconds of CPU.
    const ts = (await import('typescript')).default;
    out = ts.transpileModule(source, {
      fileName: fileURLToPath(url),
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, sourceMap: false, inlineSourceMap: true, verbatimModuleSyntax: false },
    }).outputText;
    const tmp = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, out);
    fs.renameSync(tmp, cached);
  }
  return { format: 'module', source: out, shortCircuit: true };
}
