/**
 * Where report text goes, written piece by piece so no report is ever one string (V8 caps a
 * string at ~512 MB, which a 4,386-case JSON report once hit). A file sink writes a temporary
 * file beside the target and renames it on commit, so a reader never sees a half-written report
 * and an earlier report is replaced only by a finished one.
 */
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { EXIT, UserError } from '../../errors.js';

export interface TextSink {
  write(text: string): void;
}

/** Collects the text (in-memory rendering: `Reporter.render`, tests). */
export class StringSink implements TextSink {
  private readonly parts: string[] = [];
  write(text: string): void {
    this.parts.push(text);
  }
  text(): string {
    return this.parts.join('');
  }
}

/** Buffered writes beyond this many characters go to the file (few syscalls, bounded memory). */
const FLUSH_AT = 1 << 20;

export class AtomicFileSink implements TextSink {
  readonly temporary: string;
  private fd: number | null;
  private pending: string[] = [];
  private pendingLength = 0;

  constructor(readonly path: string) {
    this.temporary = `${path}.tmp-${process.pid}-${Date.now()}`;
    this.fd = this.guard(() => {
      mkdirSync(dirname(path), { recursive: true });
      return openSync(this.temporary, 'w');
    });
  }

  write(text: string): void {
    this.pending.push(text);
    this.pendingLength += text.length;
    if (this.pendingLength >= FLUSH_AT) this.flush();
  }

  /** Writes what is buffered (a crash after this loses nothing written so far). */
  flush(): void {
    if (this.fd === null || this.pending.length === 0) return;
    const fd = this.fd;
    const parts = this.pending;
    this.pending = [];
    this.pendingLength = 0;
    this.guard(() => {
      for (const part of parts) writeSync(fd, part);
    });
  }

  /** Finishes the file and moves it over the target. */
  commit(): void {
    this.flush();
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    this.guard(() => {
      closeSync(fd);
      renameSync(this.temporary, this.path);
    });
  }

  /** Drops the temporary file (the target is left as it was). */
  discard(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    rmSync(this.temporary, { force: true });
  }

  /** A failure to write is a usage error naming the path, like writeOutput's. */
  private guard<T>(action: () => T): T {
    try {
      return action();
    } catch (error) {
      if (this.fd !== null) {
        try {
          closeSync(this.fd);
        } catch {
          // already closed or never opened: nothing more to release
        }
        this.fd = null;
        rmSync(this.temporary, { force: true });
      }
      throw new UserError(`cannot write ${this.path}: ${(error as Error).message}`, EXIT.invalidInput);
    }
  }
}
