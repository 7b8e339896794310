/**
 * The HTML report in a real headless Chromium (playwright-core + the system's Chromium, no
 * network): hostile text stays text, no script errors, the matrix and filters work, heatmaps draw
 * and show values on hover. Saves test-artifacts/report.png.
 *
 * Without Chromium the suite fails under CI (process.env.CI) and is skipped locally.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseAnchor, htmlReporter } from '../src/report/html.js';
import { REPO_ROOT } from './helpers/cli.js';
import {
  chromiumUnavailable,
  fixtureReport,
  HOSTILE_NAME,
  launchChromium,
  manyCasesReport,
} from './helpers/browser.js';

/** The few DOM APIs the page callbacks use (the project's tsconfig has no DOM lib). */
interface PageGlobals {
  getComputedStyle(node: unknown): { backgroundColor: string };
  location: { hash: string };
  scrollTo(x: number, y: number): void;
}
interface CanvasLike {
  width: number;
  height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } };
  getBoundingClientRect(): { width: number; height: number };
}

const missing = chromiumUnavailable();
if (missing && process.env['CI']) {
  describe('HTML report in Chromium', () => {
    it('needs Chromium', () => {
      throw new Error(`${missing}; the browser tests cannot be skipped under CI`);
    });
  });
}

describe.skipIf(missing !== null)(`HTML report in Chromium${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let browser: Browser;
  let directory: string;
  let page: Page;
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  const dialogs: string[] = [];
  const requests: string[] = [];

  async function open(name: string, html: string): Promise<Page> {
    const file = join(directory, name);
    writeFileSync(file, html);
    const opened = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    opened.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning')
        consoleErrors.push(`${message.type()}: ${message.text()}`);
    });
    opened.on('pageerror', (error) => pageErrors.push(String(error)));
    opened.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    opened.on('request', (request) => {
      if (!request.url().startsWith('file:')) requests.push(request.url());
    });
    await opened.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    return opened;
  }

  const visibleRows = (target: Page): Promise<string[]> =>
    target.$$eval('#matrix tbody tr', (rows) =>
      rows
        .filter((row) => (row as unknown as { offsetParent: unknown }).offsetParent !== null)
        .map((row) => row.getAttribute('data-id') ?? ''),
    );

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'tconv-html-'));
    browser = await launchChromium();
    page = await open('report.html', htmlReporter.render(fixtureReport()));
  });

  afterAll(async () => {
    await browser?.close();
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  it('renders hostile text as text, runs no injected script and loads nothing', async () => {
    const heading = page.locator('section.case h3').first();
    await expect(heading.textContent()).resolves.toBe(HOSTILE_NAME);
    expect(await heading.isVisible()).toBe(true);
    expect(await page.locator('#matrix tbody tr').first().locator('td.case a').textContent()).toBe(
      `hostile/${HOSTILE_NAME}`,
    );
    // Only the report's own inline script exists; the injected ones are text.
    expect(await page.locator('script:not([type])').count()).toBe(1);
    expect(await page.locator('img, svg, iframe').count()).toBe(0);
    await expect(
      page.getByText('</script><script>alert(5)</script> framework said no').first().isVisible(),
    ).resolves.toBe(true);
    // The javascript: link is shown as text, never as a link; the https one is a link.
    expect(await page.locator('a[href^="javascript" i]').count()).toBe(0);
    expect(await page.locator('a[href="https://github.com/tensorflow/tfjs/issues/1"]').count()).toBe(1);
    expect(dialogs).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([]);
  });

  it('shows the header and the summary matrix', async () => {
    expect(await page.locator('h1').textContent()).toContain('tconv');
    expect(await page.locator('.banner.fail').textContent()).toMatch(/3 failing variants in 2 of 3 cases/);
    const matrix = page.locator('#matrix');
    expect(await matrix.isVisible()).toBe(true);
    expect(await visibleRows(page)).toEqual([`hostile/${HOSTILE_NAME}`, 'more/volume-ndhwc', 'more/line-onnx']);
    const cell = page.locator('#matrix tbody tr').first().locator('td[data-status="mismatch"]');
    expect(await cell.getAttribute('title')).toMatch(/^mismatch: 432 \/ 432 elements differ/);
    const colour = await cell
      .locator('.st')
      .evaluate((node) => (globalThis as unknown as PageGlobals).getComputedStyle(node).backgroundColor);
    expect(colour).toBe('rgb(255, 224, 220)');
  });

  it('links matrix rows to case sections by stable anchors', async () => {
    const anchor = caseAnchor('more/volume-ndhwc');
    expect(anchor).toBe('case-more.volume-ndhwc');
    await page.locator(`#matrix a[href="#${anchor}"]`).click();
    await page.waitForFunction((id) => (globalThis as unknown as PageGlobals).location.hash === `#${id}`, anchor);
    expect(await page.locator(`section[id="${anchor}"]`).isVisible()).toBe(true);
  });

  it('draws the heatmaps of the mismatching variant and shows values on hover', async () => {
    const host = page.locator(`[id="${caseAnchor(`hostile/${HOSTILE_NAME}`)}"] .pictures`).first();
    await host.scrollIntoViewIfNeeded();
    await host.locator('canvas.hm').first().waitFor({ state: 'visible', timeout: 10_000 });
    const canvases = host.locator('canvas.hm');
    expect(await canvases.count()).toBe(9); // 3 channels x (reference, runner, |difference|)
    const stats = await canvases.nth(2).evaluate((node) => {
      const canvas = node as unknown as CanvasLike;
      const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      const colours = new Set<string>();
      for (let i = 0; i < pixels.length; i += 4)
        colours.add(`${pixels[i]},${pixels[i + 1]},${pixels[i + 2]},${pixels[i + 3]}`);
      const box = canvas.getBoundingClientRect();
      return {
        width: canvas.width,
        height: canvas.height,
        colours: colours.size,
        shownWidth: box.width,
        shownHeight: box.height,
      };
    });
    expect(stats).toMatchObject({ width: 12, height: 12 });
    expect(stats.colours).toBeGreaterThan(4);
    expect(stats.shownWidth).toBeGreaterThan(100);

    // Hover the runner panel at row 5, column 7.
    const runner = canvases.nth(1);
    const box = (await runner.boundingBox())!;
    await runner.hover({ position: { x: (7.5 * box.width) / 12, y: (5.5 * box.height) / 12 } });
    const tip = page.locator('#tip');
    await tip.waitFor({ state: 'visible' });
    const text = (await tip.textContent())!;
    expect(text).toContain('(n=0, c=0, h=5, w=7)');
    expect(text).toMatch(/reference\s+-?\d/);
    expect(text).toMatch(/runner\s+-?\d/);
    expect(text).toMatch(/\|diff\|\s+\d/);
    // The runner's row 5 is the reference's row 4: the tooltip agrees with the numeric grid.
    const grids = host.locator('.numbers table');
    expect(await grids.count()).toBe(9);
    const referenceRow4 = await grids.nth(0).locator('tr').nth(4).locator('td').nth(7).textContent();
    const runnerRow5 = await grids.nth(1).locator('tr').nth(5).locator('td').nth(7).textContent();
    expect(runnerRow5).toBe(referenceRow4);
    await page.mouse.move(0, 0);
    await tip.waitFor({ state: 'hidden' });
  });

  it('draws a 3-D output as a depth slice with a selector', async () => {
    const host = page.locator(`[id="${caseAnchor('more/volume-ndhwc')}"] .pictures`).first();
    await host.scrollIntoViewIfNeeded();
    await host.locator('canvas.hm').first().waitFor({ state: 'visible', timeout: 10_000 });
    const slider = host.locator('input[type=range]');
    expect(await slider.getAttribute('max')).toBe('5');
    const before = await host.locator('.pic-row .lab').first().textContent();
    await slider.fill('0');
    expect(await host.locator('.pic-row .lab').first().textContent()).not.toBe(before);
    expect(await host.locator('.pic-row .lab').first().textContent()).toContain('d=0');
  });

  it('filters rows and columns live', async () => {
    await page.locator('#summary').scrollIntoViewIfNeeded();
    await page.selectOption('#f-status', 'mismatch');
    expect(await visibleRows(page)).toEqual([`hostile/${HOSTILE_NAME}`, 'more/volume-ndhwc']);
    expect(await page.locator('#f-count').textContent()).toBe('2 of 3 cases shown');
    await page.selectOption('#f-status', 'unsupported');
    expect(await visibleRows(page)).toEqual(['more/line-onnx']);
    await page.selectOption('#f-status', 'all');
    await page.selectOption('#f-conv', 'onnx');
    expect(await visibleRows(page)).toEqual(['more/line-onnx']);
    await page.selectOption('#f-conv', 'all');
    await page.selectOption('#f-file', 'cases/more.yaml');
    expect(await visibleRows(page)).toEqual(['more/volume-ndhwc', 'more/line-onnx']);
    await page.selectOption('#f-file', 'all');
    // Hiding a runner hides its columns, and a status filter then ignores its cells.
    const tfjsHeader = page.locator('#matrix thead th.grp[data-runner="tfjs-node"]');
    expect(await tfjsHeader.isVisible()).toBe(true);
    await page.locator('#filters input[name=runner][value="tfjs-node"]').uncheck();
    expect(await tfjsHeader.isVisible()).toBe(false);
    expect(await page.locator('#matrix [data-runner="tfjs-node"]:visible').count()).toBe(0);
    expect(await page.locator('#matrix [data-runner="onnxruntime"]:visible').count()).toBeGreaterThan(0);
    await page.selectOption('#f-status', 'mismatch');
    expect(await visibleRows(page)).toEqual([`hostile/${HOSTILE_NAME}`]);
    expect(await page.locator(`section[id="${caseAnchor('more/volume-ndhwc')}"]`).isVisible()).toBe(false);
    await page.locator('#f-reset').click();
    expect(await tfjsHeader.isVisible()).toBe(true);
    await page.fill('#f-text', 'VOLUME');
    expect(await visibleRows(page)).toEqual(['more/volume-ndhwc']);
    await page.locator('#f-reset').click();
    expect(await visibleRows(page)).toHaveLength(3);
  });

  it('saves a screenshot', async () => {
    await page.evaluate(() => (globalThis as unknown as PageGlobals).scrollTo(0, 0));
    const artifacts = join(REPO_ROOT, 'test-artifacts');
    mkdirSync(artifacts, { recursive: true });
    // The first screen (header, summary matrix, first case), then the failing variant's pictures
    // as a user scrolled to them sees them (viewport shots: sections off screen are not rendered,
    // content-visibility: auto).
    await page.screenshot({ path: join(artifacts, 'report.png') });
    const pictures = page.locator(`[id="${caseAnchor(`hostile/${HOSTILE_NAME}`)}"] .pictures-box`).first();
    await pictures.evaluate((node) => (node as unknown as { scrollIntoView(): void }).scrollIntoView());
    await page.evaluate(() =>
      (globalThis as unknown as PageGlobals).scrollTo(0, (globalThis as unknown as { scrollY: number }).scrollY - 80),
    );
    await page.waitForTimeout(200);
    await page.screenshot({ path: join(artifacts, 'report-heatmaps.png') });
    expect(pageErrors).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(dialogs).toEqual([]);
  });

  it('stays responsive with 1000 cases', async () => {
    const html = htmlReporter.render(manyCasesReport(1000));
    const started = Date.now();
    const big = await open('many.html', html);
    expect(await big.locator('#matrix tbody tr').count()).toBe(1000);
    const filterStarted = Date.now();
    await big.selectOption('#f-status', 'mismatch');
    expect((await visibleRows(big)).length).toBe(100);
    const filterMs = Date.now() - filterStarted;
    expect(filterMs).toBeLessThan(5_000);
    expect(Date.now() - started).toBeLessThan(30_000);
    // Heatmaps are drawn lazily: only those near the viewport.
    const drawn = await big.locator('.pictures[data-drawn]').count();
    expect(drawn).toBeLessThan(50);
    await big.close();
    expect(pageErrors).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
