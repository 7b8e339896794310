/**
 * An output tensor saved by another tool (`tconv compare`): what the readers of each file format
 * return, and the error they throw for a file that is not what it claims to be.
 */

export interface SavedArray {
  /** Row-major (C order) shape, as the file states it. */
  readonly shape: readonly number[];
  /** Row-major values; float32 files stay float32 so no precision is invented. */
  readonly data: Float32Array | Float64Array;
  /** How the file stored it, for messages and the report (e.g. `.npy 1.0 <f4`). */
  readonly format: string;
}

/**
 * A malformed or unsupported saved output. The readers work on bytes and do not know the path;
 * the loader prefixes it, and the CLI prints the message without a stack trace (exit 2).
 */
export class SavedFormatError extends Error {
  constructor(
    message: string,
    /** Where in the file, for JSON (e.g. `data[2][0]`). */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'SavedFormatError';
  }
}

/** The number of elements of `shape`, refusing more than `maxElements` before anything is allocated. */
export function elementCount(shape: readonly number[], maxElements: number): number {
  const count = shape.reduce((product, size) => product * size, 1);
  if (count > maxElements) {
    throw new SavedFormatError(
      `shape [${shape.join(', ')}] has ${count} elements, more than --max-elements ${maxElements}`,
    );
  }
  return count;
}
