/**
 * Runs and reports that scale (issue 11): 5,000 generated cases (the fuzz arbitraries: valid by
 * construction) through the real CLI on the reference, onnxruntime and tfjs-cpu with --report.
 * Every report is written and parseable (JSON whole and by the documented line reader, JUnit by
 * Python's xml.etree), the HTML stays small and is interactive in Chromium within 3 s, the CLI's
 * peak memory stays bounded, the console prints failures and progress instead of a line per
 * variant; a run stopped by SIGINT midway still leaves every report readable for its finished
 * cases. About 1-2 minutes on an idle 2-core machine.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseReport, RunReport, RunSummary } from '../src/run/report.js';
import { chromiumUnavailable, launchChromium } from './helpers/browser.js';
import { REPO_ROOT } from './helpers/cli.js';
import { writeScaleSuite } from './helpers/scaleSuite.js';

const CASES = 5000;
const RUNNERS = 'reference,onnxruntime,tfjs-cpu';
const MB = 1e6;

interface Measured {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
  /** Peak resident memory of the tconv process (VmHWM), bytes. */
  readonly peakRss: number;
}

function peakOf(pid: number): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0; // exited between polls
  }
}

/** Runs tconv, polling its peak RSS; `interrupt` may send it a signal once. */
function measure(args: readonly string[], interrupt?: (pid: number) => boolean): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['bin/tconv.mjs', ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    let peakRss = 0;
    let signalled = false;
    const poll = setInterval(() => {
      peakRss = Math.max(peakRss, peakOf(child.pid!));
      if (interrupt && !signalled && interrupt(child.pid!)) {
        signalled = true;
        child.kill('SIGINT');
      }
    }, 100);
    const limit = setTimeout(() => child.kill('SIGKILL'), 880_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearInterval(poll);
      clearTimeout(limit);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        seconds: (performance.now() - started) / 1000,
        peakRss,
      });
    });
  });
}

/** The line reader of docs/report-format.md. */
function readByLines(path: string): { header: Record<string, unknown>; cases: CaseReport[]; trailer: unknown } {
  const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
  const header = JSON.parse(`${lines[0]}]}`) as Record<string, unknown>;
  const trailerAt = lines.findIndex((line, index) => index > 0 && line.startsWith(']'));
  const cases = lines
    .slice(1, trailerAt < 0 ? undefined : trailerAt)
    .map((line) => JSON.parse(line.replace(/^,/, '')) as CaseReport);
  const trailer: unknown = trailerAt < 0 ? null : JSON.parse(`{"cases":[${lines[trailerAt]}`);
  return { header, cases, trailer };
}

const XML_COUNTS = `
import json, sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
print(json.dumps({"tag": root.tag, "tests": root.get("tests"), "testcases": len(root.findall("./testsuite/testcase")),
                  "failures": len(root.findall("./testsuite/testcase/failure"))}))
`;

interface JunitCounts {
  readonly tag: string;
  readonly tests: string;
  readonly testcases: number;
  readonly failures: number;
}

function junitCounts(path: string): JunitCounts {
  return JSON.parse(execFileSync('python3', ['-c', XML_COUNTS, path], { encoding: 'utf8' })) as JunitCounts;
}

const missingChromium = chromiumUnavailable();
let scratch: string;
let suite: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'tconv-scale-'));
  suite = join(scratch, 'scale.yaml');
  expect(writeScaleSuite(suite, { count: CASES })).toBe(CASES);
}, 120_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe(`tconv run over ${CASES} generated cases on ${RUNNERS} with --report`, () => {
  let run: Measured;
  let directory: string;
  let report: RunReport;

  beforeAll(async () => {
    directory = join(scratch, 'reports');
    run = await measure(['run', suite, '--runners', RUNNERS, '--report', directory]);
    process.stderr.write(
      `scale: ${CASES} cases in ${run.seconds.toFixed(1)} s, peak RSS ${(run.peakRss / MB).toFixed(0)} MB; ` +
        `JSON ${(statSync(join(directory, 'tconv.json')).size / MB).toFixed(1)} MB, ` +
        `JUnit ${(statSync(join(directory, 'junit.xml')).size / MB).toFixed(1)} MB, ` +
        `HTML ${(statSync(join(directory, 'index.html')).size / MB).toFixed(1)} MB\n`,
    );
    report = JSON.parse(readFileSync(join(directory, 'tconv.json'), 'utf8')) as RunReport;
  }, 900_000);

  it('completes with exit 0 or 1, the closing line and every report written', () => {
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect([0, 1]).toContain(run.code);
    expect(run.stdout).toMatch(/^\d+ passed, \d+ failed, \d+ skipped$/m);
    for (const name of ['tconv.json', 'junit.xml', 'index.html']) {
      expect(run.stdout).toContain(`wrote ${join(directory, name)}\n`);
    }
    expect(readdirSync(directory).sort()).toEqual(['index.html', 'junit.xml', 'tconv.json']);
  });

  it('prints failures and progress, not a line per passing variant', () => {
    expect(run.stdout).not.toMatch(/^pass /m);
    const lines = run.stdout.split('\n').length;
    expect(lines).toBeLessThan(report.cases.length); // 5,000 cases x ~12 variants printed nothing like that
  });

  it('writes the JSON report as one document and as the documented lines, with its summary', () => {
    expect(report.schemaVersion).toBe(2);
    expect(report.cases).toHaveLength(CASES);
    const summary = report.summary as RunSummary;
    expect(summary).toMatchObject({ complete: true, cases: CASES, selected: CASES });
    const variants = report.cases.reduce((total, entry) => total + entry.variants.length, 0);
    expect(Object.values(summary.counts).reduce((a, b) => a + (b ?? 0), 0)).toBe(variants);
    const byLines = readByLines(join(directory, 'tconv.json'));
    expect(byLines.cases.map((entry) => entry.id)).toEqual(report.cases.map((entry) => entry.id));
    expect(byLines.header['schemaVersion']).toBe(2);
    expect(byLines.trailer).toMatchObject({ summary: { complete: true } });
  });

  it('keeps passing variants lean and failing ones complete', () => {
    const passing = report.cases.flatMap((entry) => entry.variants).filter((v) => v.status === 'pass');
    const mismatching = report.cases.flatMap((entry) => entry.variants).filter((v) => v.status === 'mismatch');
    expect(passing.length).toBeGreaterThan(CASES);
    for (const variant of passing.slice(0, 200)) expect(variant.detail).toBe('summary');
    for (const variant of mismatching.slice(0, 50)) expect(variant.detail).toBeUndefined();
  });

  it('writes JUnit XML that a strict parser reads, one testcase per variant', () => {
    const counts = junitCounts(join(directory, 'junit.xml'));
    const variants = report.cases.reduce((total, entry) => total + entry.variants.length, 0);
    expect(counts.tag).toBe('testsuites');
    expect(counts.testcases).toBe(variants);
    expect(Number(counts.tests)).toBe(variants);
  });

  it('keeps the reports small and the memory bounded', () => {
    const html = statSync(join(directory, 'index.html')).size;
    const json = statSync(join(directory, 'tconv.json')).size;
    expect(html).toBeLessThan(15 * MB);
    expect(json / CASES).toBeLessThan(40_000); // bytes per case (lean: ~10-20 KB)
    expect(run.peakRss).toBeGreaterThan(0);
    expect(run.peakRss).toBeLessThan(1.5e9);
  });

  it.skipIf(missingChromium !== null && !process.env['CI'])(
    'opens the HTML report in Chromium within 3 s',
    async () => {
      if (missingChromium) throw new Error(missingChromium);
      const browser = await launchChromium();
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const errors: string[] = [];
        page.on('pageerror', (error) => errors.push(String(error)));
        const started = performance.now();
        // Interactive: the matrix drawn and its filters live (the script comes before the case
        // sections, which may still be parsing).
        await page.goto(pathToFileURL(join(directory, 'index.html')).href, { waitUntil: 'commit' });
        await page.locator('#matrix tbody tr').first().waitFor({ state: 'visible' });
        const loadMs = performance.now() - started;
        process.stderr.write(`scale: HTML interactive in ${loadMs.toFixed(0)} ms\n`);
        expect(loadMs).toBeLessThan(3000);
        // Failing cases first; filters and paging work over all rows.
        const failing = report.cases.filter((entry) =>
          entry.variants.some((v) => ['mismatch', 'error', 'crashed', 'timeout', 'unexpected-pass'].includes(v.status)),
        ).length;
        await expect(page.locator('#f-count').textContent()).resolves.toBe(`${CASES} of ${CASES} cases shown`);
        if (failing > 0) {
          await expect(
            page
              .locator('#matrix tbody tr')
              .first()
              .locator('td[data-status]')
              .evaluateAll((cells) =>
                cells.some((cell) =>
                  ['mismatch', 'error', 'crashed', 'timeout', 'unexpected-pass'].includes(
                    cell.getAttribute('data-status') ?? '',
                  ),
                ),
              ),
          ).resolves.toBe(true);
        }
        const filterStarted = performance.now();
        await page.selectOption('#f-status', 'failing');
        await expect(page.locator('#f-count').textContent()).resolves.toBe(`${failing} of ${CASES} cases shown`);
        expect(performance.now() - filterStarted).toBeLessThan(3000);
        await page.selectOption('#f-status', 'all');
        await page.locator('#pg-next').click();
        await expect(page.locator('#pg-info').textContent()).resolves.toMatch(/^rows 201-400 of 5000/);
        expect(errors).toEqual([]);
      } finally {
        await browser.close();
      }
    },
    120_000,
  );
});

describe('a run stopped by SIGINT midway', () => {
  let run: Measured;
  let directory: string;

  beforeAll(async () => {
    directory = join(scratch, 'interrupted');
    // Interrupted once the JSON report's temporary file holds some finished cases.
    run = await measure(['run', suite, '--runners', 'reference', '--report', directory], () => {
      if (!existsSync(directory)) return false;
      const temporary = readdirSync(directory).find((name) => name.startsWith('tconv.json.tmp-'));
      return temporary !== undefined && readFileSync(join(directory, temporary), 'utf8').split('\n').length > 100;
    });
  }, 300_000);

  it('exits 130 after writing every report for the finished cases, marked incomplete', () => {
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.code).toBe(130);
    expect(run.stdout).toMatch(/^STOPPED: interrupted \(SIGINT\): \d+ of 5000 cases finished$/m);
    const report = JSON.parse(readFileSync(join(directory, 'tconv.json'), 'utf8')) as RunReport;
    expect(report.summary).toMatchObject({ complete: false, selected: CASES });
    expect(report.cases.length).toBe(report.summary!.cases);
    expect(report.cases.length).toBeGreaterThan(99);
    expect(report.cases.length).toBeLessThan(CASES);
    const counts = junitCounts(join(directory, 'junit.xml'));
    expect(counts.testcases).toBe(report.cases.reduce((total, entry) => total + entry.variants.length, 0));
    expect(readFileSync(join(directory, 'index.html'), 'utf8')).toContain('The run stopped early');
    expect(readdirSync(directory).sort()).toEqual(['index.html', 'junit.xml', 'tconv.json']);
  });
});
