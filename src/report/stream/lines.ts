/**
 * Reading a file line by line, synchronously and in chunks, with each line's byte offset: the
 * spool and `merge` read reports far larger than one string can hold, and come back to a line
 * later by its offset (readLineAt).
 */
import { closeSync, openSync, readSync } from 'node:fs';

export interface Line {
  readonly text: string;
  /** Byte offset of the line's first byte. */
  readonly offset: number;
  /** Bytes, without the newline. */
  readonly length: number;
}

const CHUNK = 1 << 20;

/** Every line of the file ('\n'-separated; a last line without a newline included). */
export function* readLines(path: string): Generator<Line> {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK);
    let carry: Buffer[] = [];
    let carryLength = 0;
    let position = 0;
    let lineStart = 0;
    for (;;) {
      const read = readSync(fd, buffer, 0, CHUNK, position);
      if (read === 0) break;
      let from = 0;
      for (let at = buffer.indexOf(10, 0); at !== -1 && at < read; at = buffer.indexOf(10, at + 1)) {
        const piece = buffer.subarray(from, at);
        const bytes = carryLength ? Buffer.concat([...carry, piece]) : piece;
        yield { text: bytes.toString('utf8'), offset: lineStart, length: bytes.length };
        carry = [];
        carryLength = 0;
        lineStart = position + at + 1;
        from = at + 1;
      }
      if (from < read) {
        carry.push(Buffer.from(buffer.subarray(from, read)));
        carryLength += read - from;
      }
      position += read;
    }
    if (carryLength) yield { text: Buffer.concat(carry).toString('utf8'), offset: lineStart, length: carryLength };
  } finally {
    closeSync(fd);
  }
}

/** The line at `offset` of `length` bytes (from readLines). */
export function readLineAt(fd: number, offset: number, length: number): string {
  const buffer = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const read = readSync(fd, buffer, done, length - done, offset + done);
    if (read === 0) throw new Error(`unexpected end of file at byte ${offset + done}`);
    done += read;
  }
  return buffer.toString('utf8');
}
