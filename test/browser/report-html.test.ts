import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer, { type Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readResults } from '../../src/bench/results/results-file.js';
import { writeReport } from '../../src/report/report-files.js';

/**
 * Opens `bench report --html` output in Debian's Chromium (apt `chromium`; no browser download):
 * fails on any console error, page error or network request, and on a chart that drew no marks.
 * Keeps a full-page screenshot under .vdb-bench/screenshots/ for a person to look at.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const EXAMPLES = new URL('../../results/examples/', import.meta.url).pathname;
const SCREENSHOTS = new URL('../../.vdb-bench/screenshots/', import.meta.url).pathname;

let browser: Browser;
let dir: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  dir = await mkdtemp(join(tmpdir(), 'vdb-bench-html-'));
  await mkdir(SCREENSHOTS, { recursive: true });
  // --no-sandbox: CI and this machine run as root, where Chromium's sandbox refuses to start.
  browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
});

afterAll(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface ChartMarks {
  readonly caption: string;
  readonly marks: number;
  readonly width: number;
}

describe.each(['linux-doc-minilm-local', 'linux-doc-minilm-docker-memory'])('HTML report of %s in Chromium', (name) => {
  it('opens offline with no console error, and every chart has marks', async () => {
    const results = await readResults(join(EXAMPLES, `${name}.json`));
    const written = await writeReport(results, join(dir, `${name}.md`), { html: true });
    const htmlFile = written.files.find((f) => f.endsWith('.html'));
    expect(htmlFile).toBeDefined();
    const url = pathToFileURL(htmlFile as string).href;

    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e instanceof Error ? e.message : String(e)}`));
    // Self-contained means the page asks for nothing but itself.
    await page.setRequestInterception(true);
    page.on('request', (request) => {
      if (request.url() === url) return void request.continue();
      problems.push(`request: ${request.url()}`);
      void request.abort();
    });
    await page.setViewport({ width: 1280, height: 900 });
    await page.goto(url, { waitUntil: 'load', timeout: 30_000 });

    const charts: ChartMarks[] = await page.$$eval('figure', (figures) =>
      figures.map((f) => ({
        caption: f.querySelector('figcaption')?.textContent ?? '',
        // Vega puts each data mark's items under a g.role-mark; axes and legends are elsewhere.
        marks: f.querySelectorAll('svg g.role-mark > *').length,
        width: f.querySelector('svg')?.getBoundingClientRect().width ?? 0,
      })),
    );
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
    // One image per chart too: a full page of tables shrinks the charts past reading.
    for (const [i, figure] of (await page.$$('figure')).entries()) {
      await figure.screenshot({ path: join(SCREENSHOTS, `${name}.chart-${i + 1}.png`) });
    }
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.top.png`) });
    await page.close();

    expect(problems).toEqual([]);
    expect(charts.length).toBe(written.files.filter((f) => f.endsWith('.svg')).length);
    expect(charts.length).toBeGreaterThan(0);
    for (const c of charts) {
      expect(c.marks, `chart "${c.caption}" has no marks`).toBeGreaterThan(0);
      expect(c.width, `chart "${c.caption}" is not laid out`).toBeGreaterThan(100);
    }
  });
});
