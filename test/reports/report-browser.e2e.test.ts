/**
 * Renders generated reports in Debian's headless chromium (playwright-core): no console or page
 * errors, no network request other than the file itself, every plot div holds ≥ 1 trace, and
 * every service is named in at least one figure title as Chromium renders the page.
 * With UPDATE_SCREENSHOT=1 and SCREENSHOT_RESULTS=<results.jsonl> (e.g. out/results.jsonl of
 * `npm start`), the top of that report goes to docs/report-screenshot.png.
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
  /** Figure titles (h3) as rendered text. */
  titles: string[];
}

async function render(browser: Browser, file: string, screenshot?: string, clipHeight?: number): Promise<Rendered> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  const offsite: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
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
    type El = { id: string; data?: unknown[]; innerText: string };
    const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<El> } }).document;
    return {
      divs: doc.querySelectorAll('div.plot').length,
      plots: Array.from(doc.querySelectorAll('.js-plotly-plot')).map((el) => ({
        id: el.id,
        traces: (el.data ?? []).length,
      })),
      titles: Array.from(doc.querySelectorAll('h3')).map((el) => el.innerText),
    };
  });
  if (screenshot) {
    await page.screenshot({
      path: screenshot,
      fullPage: true,
      ...(clipHeight !== undefined ? { clip: { x: 0, y: 0, width: 1200, height: clipHeight } } : {}),
    });
  }
  await context.close();
  return { errors, offsite, ...result };
}

function expectClean(r: Rendered, services: readonly string[]): void {
  expect(r.errors).toEqual([]);
  expect(r.offsite).toEqual([]);
  expect(r.plots.length).toBe(r.divs);
  expect(r.plots.length).toBeGreaterThanOrEqual(9);
  for (const p of r.plots) expect(p.traces, p.id).toBeGreaterThanOrEqual(1);
  for (const svc of services)
    expect(
      r.titles.some((t) => t.includes(svc)),
      `no figure title names ${svc}`,
    ).toBe(true);
}

/** Service names of every result line in a JSONL/JSON file. */
function servicesIn(text: string): string[] {
  return [...new Set(readResultsText(text, 'x').entries.flatMap((e) => Object.keys(e.result?.services ?? {})))].sort();
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
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
    });
    afterAll(async () => {
      await browser?.close();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it('synthetic sweep › 4 policies × 8 loads × 3 seeds with a failed cell › every plot renders, every service titled, no errors, offline', async () => {
      const text = fakeSweep(POLICIES, LOADS, [1, 2, 3], true);
      const { entries, issues } = readResultsText(text, 'sweep.jsonl');
      const validation = {
        rows: POLICIES.map((policy, i) => ({
          policy,
          load: 2,
          scope: 'total',
          metric: 'goodputRps',
          sim: 4 + i,
          measured: 4.3 + i,
          relError: 0.3 / (4.3 + i),
        })),
        medianAbsGoodputError: 0.06,
      };
      const file = path.join(dir, 'report.html');
      writeReport(
        file,
        buildReport({ entries, issues, validation, options: { title: 'ParaSim report — synthetic sweep' } }),
      );
      const shot = path.join(dir, 'report.png');
      const r = await render(browser, file, shot);
      expectClean(r, servicesIn(text));
      expect(fs.statSync(shot).size).toBeGreaterThan(10_000);
      const html = fs.readFileSync(file, 'utf8');
      expect(html).toContain('worker crashed');
      expect(html).toContain('Simulation vs testbed');
    });

    // One page for two concerns (each page load parses 1.5 MB of plotly: ~5–20 s on a loaded
    // 2-core CI box): the CLI path on the issue-11 sweep (a device-count axis, two policies, two
    // loads, simulated here), and a policy name that tries to close the inline <script>.
    it('CLI › device-count sweep + sweep JSONL with a </script> policy name › renders every plot, every service titled, no errors', async () => {
      const evil = 'x</script><script>throw new Error("pwned")</script>';
      const fake = path.join(dir, 'sweep.jsonl');
      fs.writeFileSync(fake, fakeSweep([...POLICIES, evil], [1, 2, 3], [1, 2, 3], true));
      const real = path.join(dir, 'dc.jsonl');
      execFileSync(
        process.execPath,
        [CLI, 'sweep', path.join(ROOT, 'test/reports/fixtures/device-count.yaml'), '--out', real],
        { encoding: 'utf8', cwd: ROOT, stdio: 'pipe' },
      );
      const out = path.join(dir, 'cli.html');
      execFileSync(process.execPath, [CLI, 'report', real, fake, '--out', out, '--target', '0.8'], {
        encoding: 'utf8',
        stdio: 'pipe',
      });
      const r = await render(browser, out);
      const services = [...servicesIn(fs.readFileSync(real, 'utf8')), ...servicesIn(fs.readFileSync(fake, 'utf8'))];
      expect(services).toEqual(expect.arrayContaining(['cameras', 'chat', 'fpga-sensor', 'tiny-chat', 'seg']));
      expectClean(r, services);
    });

    it.runIf(process.env['UPDATE_SCREENSHOT'] === '1' && process.env['SCREENSHOT_RESULTS'] !== undefined)(
      'screenshot › a real sweep › top of its report to docs/report-screenshot.png',
      async () => {
        const results = process.env['SCREENSHOT_RESULTS']!;
        const out = path.join(dir, 'shot.html');
        execFileSync(process.execPath, [CLI, 'report', results, '--out', out, '--title', 'ParaSim default sweep'], {
          encoding: 'utf8',
          stdio: 'pipe',
        });
        const r = await render(browser, out, path.join(ROOT, 'docs/report-screenshot.png'), 2600);
        expectClean(r, servicesIn(fs.readFileSync(results, 'utf8')));
      },
    );
  });
});
