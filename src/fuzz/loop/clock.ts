/** The time of a fuzz run: its budget, and the fuzzing wall time that shrinking is set aside from. */

/** Per second; 0 before any time has passed. */
export const rate = (count: number, ms: number): number => (ms > 0 ? (count * 1000) / ms : 0);

export interface ClockOptions {
  readonly timeMs?: number;
  readonly shouldStop?: () => boolean;
  readonly now?: () => number;
}

export class FuzzClock {
  readonly now: () => number;
  private readonly started: number;
  private readonly limit: number;
  /** Wall time of shrinking and of handling findings: excluded from the fuzzing rate. */
  private asideMs = 0;
  private asideSince: number | null = null;

  constructor(private readonly options: ClockOptions) {
    this.now = options.now ?? (() => performance.now());
    this.started = this.now();
    this.limit = options.timeMs === undefined ? Number.POSITIVE_INFINITY : this.started + options.timeMs;
  }

  /** The time budget is spent, or the caller asked to stop. */
  timeIsUp(): boolean {
    return this.now() >= this.limit || this.options.shouldStop?.() === true;
  }

  elapsed(): number {
    return this.now() - this.started;
  }

  /** Wall time of fuzzing so far (set-aside time excluded). */
  fuzzWall(): number {
    return this.now() - this.started - this.asideMs - (this.asideSince === null ? 0 : this.now() - this.asideSince);
  }

  setAside(): void {
    this.asideSince = this.now();
  }

  endAside(): void {
    if (this.asideSince !== null) this.asideMs += this.now() - this.asideSince;
    this.asideSince = null;
  }
}
