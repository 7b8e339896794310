/**
 * Live progress of `run` (and the shape `fuzz` follows): on a TTY one line redrawn in place
 * (done/total, passed/failed/skipped so far, rate, ETA, the case that just finished), with
 * failure lines printed above it; elsewhere (CI logs) the failure lines as they happen plus a
 * plain progress line every PERIODIC_MS. A hand-written line rather than a progress-bar package:
 * it must give way to the failure lines on the same stream, and the non-TTY form is a plain log
 * line, which is all the packages' extra machinery would be used for.
 */
import type { RunTally } from './stream/tally.js';

export const PERIODIC_MS = 10_000;
const REDRAW_MS = 100;

function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole}s`;
  if (whole < 3600) return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(whole / 3600)}h${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')}m`;
}

export function progressText(tally: RunTally, total: number, elapsedMs: number, current = ''): string {
  const rate = tally.cases / Math.max(elapsedMs / 1000, 1e-3);
  const eta = rate > 0 ? (total - tally.cases) / rate : Infinity;
  const head = `[${tally.cases}/${total}] ${tally.passed} passed, ${tally.failed} failed, ${tally.skipped} skipped · ${rate.toFixed(1)} cases/s · ETA ${clock(eta)}`;
  return current ? `${head}  ${current}` : head;
}

export interface ProgressOutput {
  write(text: string): void;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export class Progress {
  private readonly started = performance.now();
  private lastDrawn = -Infinity;
  private shown = false;

  constructor(
    private readonly out: ProgressOutput,
    private readonly total: number,
    private readonly live = out.isTTY === true,
  ) {
    if (!live) this.lastDrawn = this.started;
  }

  /** Lines that must stay (failures): printed above the live line. */
  print(lines: readonly string[]): void {
    if (lines.length === 0) return;
    this.clear();
    this.out.write(`${lines.join('\n')}\n`);
  }

  /** After each case: redraw (TTY, at most every 100 ms) or a periodic line (elsewhere). */
  update(tally: RunTally, current: string): void {
    const now = performance.now();
    const text = (): string => progressText(tally, this.total, now - this.started, current);
    if (this.live) {
      if (now - this.lastDrawn < REDRAW_MS && tally.cases < this.total) return;
      this.lastDrawn = now;
      this.out.write(`\r\x1b[2K${text().slice(0, (this.out.columns ?? 100) - 1)}`);
      this.shown = true;
    } else if (now - this.lastDrawn >= PERIODIC_MS && tally.cases < this.total) {
      this.lastDrawn = now;
      this.out.write(`progress: ${progressText(tally, this.total, now - this.started)}\n`);
    }
  }

  /** Removes the live line (before the summary). */
  clear(): void {
    if (this.live && this.shown) this.out.write('\r\x1b[2K');
    this.shown = false;
  }
}
