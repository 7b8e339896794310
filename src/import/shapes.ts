/** `--input-shape NAME=1x3x64x64` values, and filling a model's unknown dimensions from them. */
import { EXIT, UserError } from '../errors.js';

export function parseInputShapes(values: readonly string[]): Map<string, number[]> {
  const shapes = new Map<string, number[]>();
  for (const value of values) {
    const match = /^(.+)=(\d+(?:x\d+)*)$/.exec(value);
    const dims = match ? match[2]!.split('x').map(Number) : [];
    if (!match || dims.some((dim) => dim < 1)) {
      throw new UserError(
        `--input-shape expects NAME=DIMxDIMx... with positive integers (e.g. input=1x3x64x64), got '${value}'`,
        EXIT.invalidInput,
      );
    }
    if (shapes.has(match[1]!)) {
      throw new UserError(`--input-shape ${match[1]} is given twice`, EXIT.invalidInput);
    }
    shapes.set(match[1]!, dims);
  }
  return shapes;
}

/** `[null, 8, 8, 16]` -> `1x8x8x16` style text, `?` for an unknown dimension. */
export function shapeText(dims: readonly (number | null)[]): string {
  return dims.map((dim) => (dim === null ? '?' : String(dim))).join('x');
}
