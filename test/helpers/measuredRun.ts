/**
 * Runs the tconv CLI as a user would and measures it: wall time and the process's peak resident
 * memory (peak-rss.mjs); optionally stopped midway by a signal.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './cli.js';

export interface MeasuredRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
  /** Peak resident memory of the tconv process, bytes (0 when it could not write it: SIGKILL). */
  readonly peakRss: number;
}

export interface RunOptions {
  /** Extra environment variables. */
  readonly env?: Readonly<Record<string, string>>;
  /** A signal to send once `when` says so (polled every 50 ms). */
  readonly signal?: NodeJS.Signals;
  readonly when?: () => boolean;
}

const PEAK_HELPER = join(REPO_ROOT, 'test/helpers/peak-rss.mjs');

export function measuredRun(
  args: readonly string[],
  timeoutMs: number,
  options: RunOptions = {},
): Promise<MeasuredRun> {
  const scratch = mkdtempSync(join(tmpdir(), 'tconv-peak-'));
  const peakFile = join(scratch, 'peak');
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...options.env, TCONV_TEST_PEAK_FILE: peakFile };
    delete env['TCONV_MAX_ELEMENTS'];
    const child = spawn(process.execPath, ['--import', PEAK_HELPER, 'bin/tconv.mjs', ...args], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const poll = setInterval(() => {
      if (options.signal && options.when?.()) {
        clearInterval(poll);
        child.kill(options.signal);
      }
    }, 50);
    const limit = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      clearTimeout(limit);
      let peakRss = 0;
      try {
        peakRss = Number(readFileSync(peakFile, 'utf8'));
      } catch {
        // killed outright: no exit handler ran
      }
      rmSync(scratch, { recursive: true, force: true });
      resolve({
        code,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        seconds: (performance.now() - started) / 1000,
        peakRss,
      });
    });
  });
}
