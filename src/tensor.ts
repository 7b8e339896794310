/** The tensors of one case, already rounded to float32 (row-major, in the case's layout). */
export interface CaseTensors {
  /** In the case's layout. */
  readonly input: Float32Array;
  /** [C, M/group, k...] (ONNX/PyTorch layout). */
  readonly weight: Float32Array;
  /** [M], or null when the case has no bias. */
  readonly bias: Float32Array | null;
}

/** Product of a shape's dimensions. */
export function elementCount(shape: readonly number[]): number {
  let count = 1;
  for (const size of shape) count *= size;
  return count;
}

/** Row-major strides of a shape. */
export function rowMajorStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length).fill(1);
  for (let axis = shape.length - 2; axis >= 0; axis--) {
    strides[axis] = strides[axis + 1]! * shape[axis + 1]!;
  }
  return strides;
}
