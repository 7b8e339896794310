/**
 * Run throughput and report size: `tconv run cases --report DIR` (the bundled suite, every
 * runner) as a user runs it, timed from start to exit, then the size of its JSON and HTML reports
 * per 1,000 cases. Figures: run_cases_per_second, report_mb_per_1000_cases_json,
 * report_mb_per_1000_cases_html (from the same run).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

export interface RunScale {
  readonly line: string;
  readonly figures: Record<string, number>;
}

function runTconv(args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/tconv.mjs', ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? -1));
  });
}

const round = (value: number): number => Math.round(value * 1000) / 1000;

/** Runs the bundled suite on every runner with --report and measures it (quiet: no progress on stderr). */
export async function measureRunScale(
  options: { readonly quiet?: boolean; readonly suite?: string } = {},
): Promise<RunScale> {
  const suite = options.suite ?? 'cases';
  if (!options.quiet) process.stderr.write(`timing tconv run ${suite} --report (every runner)...\n`);
  const directory = mkdtempSync(join(tmpdir(), 'tconv-bench-scale-'));
  try {
    const started = performance.now();
    const code = await runTconv(['run', suite, '--report', directory]);
    const seconds = (performance.now() - started) / 1000;
    // 0: all hold; 1: some variant fails (still a complete run and reports).
    if (code !== 0 && code !== 1) throw new Error(`tconv run ${suite} exited ${code}`);
    const json = join(directory, 'tconv.json');
    const lines = readFileSync(json, 'utf8').trimEnd().split('\n');
    const summary = (JSON.parse(`{"cases":[${lines[lines.length - 1]}`) as { summary: { cases: number } }).summary;
    const perThousand = (file: string): number => statSync(join(directory, file)).size / 1e6 / (summary.cases / 1000);
    const figures = {
      run_cases_per_second: round(summary.cases / seconds),
      report_mb_per_1000_cases_json: round(perThousand('tconv.json')),
      report_mb_per_1000_cases_html: round(perThousand('index.html')),
    };
    return {
      line:
        `run throughput: ${figures.run_cases_per_second} cases/s (${summary.cases} bundled cases, every runner, ` +
        `${seconds.toFixed(1)} s from start to exit); reports per 1000 cases: JSON ${figures.report_mb_per_1000_cases_json} MB, ` +
        `HTML ${figures.report_mb_per_1000_cases_html} MB`,
      figures,
    };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
