/**
 * Renders generated reports in Debian's headless chromium (playwright-core): no console or page
 * errors, no network request other than the file itself, every plot div holds ≥ 1 trace.
 * Screenshot goes to docs/report-screenshot.png only with UPDATE_SCREENSHOT=1.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { chromium } from 'playwright-core';
import { buildReport, readResultsText, writeReport } from '../../reports/index.js';
import { fakeSweep } from './fixtures.js';
import { MAIN, ROOT } from '../cli-paths.js';

const CHROMIUM = '/usr/bin/chromium';
const MISSING = 'Debian package chromium is required: apt-get install chromium';
const CLI = MAIN;
const mode = fs.existsSync(CHROMIUM) ? 'run' : process.env.CI === 'true' ? 'fail' : 'skip';
if (mode === 'skip') console.warn(`report browser tests skipped: ${MISSING}`);

const POLICIES = ['epara', 'edgeshard', 'round-robin', 'least-loaded'];
const LOADS = [0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4];

interface Rendered {
  errors: string[];
  offsite: string[];
  plots: { id: string; traces: number }[];
  divs: number;
}

async function render(browser: Browser, file: string, screenshot?: string): Promise<Rendered> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  const offsite: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`page: ${e.message}`));
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    offsite.push(url);
    return route.abort();
  });
  // Generous limits: the page parses 1.5 MB of plotly, slow on a loaded 2-core CI box.
  await page.goto(pathToFileURL(file).href, { timeout: 150_000 });
  await page.waitForSelector('body[data-plots-ready]', { timeout: 150_000 });
  // Runs in the page; tsconfig has no DOM lib, so the document is typed by hand.
  const result = await page.evaluate(() => {
    type El = { id: string; data?: unknown[] };
    const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<El> } }).document;
    return {
      divs: doc.querySelectorAll('div.plot').length,
      plots: Array.from(doc.querySelectorAll('.js-plotly-plot')).map((el) => ({ id: el.id, traces: (el.data ?? []).length })),
    };
  });
  if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
  await context.close();
  return { errors, offsite, ...result };
}

function expectClean(r: Rendered): void {
  expect(r.errors).toEqual([]);
  expect(r.offsite).toEqual([]);
  expect(r.plots.length).toBe(r.divs);
  expect(r.plots.length).toBeGreaterThanOrEqual(9);
  for (const p of r.plots) expect(p.traces, p.id).toBeGreaterThanOrEqual(1);
}

describe('report in a browser', { timeout: 300_000 }, () => {
  it.runIf(mode === 'fail')('chromium › missing in CI › fails with the package to install', () => {
    throw new Error(MISSING);
  });

  describe.runIf(mode === 'run')('chromium', () => {
    let browser: Browser;
    let dir: string;
    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parasim-report-'));
      // launch() gives every browser a fresh temporary profile (user-data dir) of its own.
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
          '--disable-component-update', '--disable-sync'],
      });
    });
    afterAll(async () => {
      await browser?.close();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it('synthetic sweep › 4 policies × 8 loads × 3 seeds with a failed cell › every plot renders, no errors, offline', async () => {
      const { entries, issues } = readResultsText(fakeSweep(POLICIES, LOADS, [1, 2, 3], true), 'sweep.jsonl');
      const validation = { rows: POLICIES.map((policy, i) => ({ policy, load: 2, metric: 'goodput', sim: 4 + i, measured: 4.3 + i, relError: -0.3 / (4.3 + i) })), medianAbsGoodputError: 0.06 };
      const file = path.join(dir, 'report.html');
      writeReport(file, buildReport({ entries, issues, validation, options: { title: 'ParaSim report — synthetic sweep' } }));
      const shot = process.env['UPDATE_SCREENSHOT'] === '1' ? path.join(ROOT, 'docs/report-screenshot.png') : path.join(dir, 'report.png');
      const r = await render(browser, file, shot);
      expectClean(r);
      expect(r.plots.length).toBe(7 + POLICIES.length);
      expect(fs.statSync(shot).size).toBeGreaterThan(10_000);
      const html = fs.readFileSync(file, 'utf8');
      expect(html).toContain('worker crashed');
      expect(html).toContain('Simulation vs testbed');
    });

    // One page for two concerns (each page load parses 1.5 MB of plotly: ~5–20 s on a loaded
    // 2-core CI box): the CLI path, and a policy name that tries to close the inline <script>.
    it('CLI › sweep JSONL with a </script> policy name + a real `parasim run` result › renders every plot, no errors', async () => {
      const evil = 'x</script><script>throw new Error("pwned")</script>';
      const sweep = path.join(dir, 'sweep.jsonl');
      fs.writeFileSync(sweep, fakeSweep([...POLICIES, evil], [1, 2, 3], [1, 2, 3], true));
      const real = path.join(dir, 'real.json');
      const scenario = path.join(ROOT, 'scenarios/default.yaml');
      execFileSync(process.execPath, [CLI, 'run', scenario, '--out', real], { encoding: 'utf8', cwd: ROOT, stdio: 'pipe' });
      const out = path.join(dir, 'cli.html');
      execFileSync(process.execPath, [CLI, 'report', sweep, real, '--out', out, '--target', '0.8'], { encoding: 'utf8', stdio: 'pipe' });
      const r = await render(browser, out);
      expectClean(r);
      expect(r.plots.length).toBe(7 + POLICIES.length + 1);
    });
  });
});
