/**
 * A minimal WebAssembly binary encoder: just what the reference's SIMD kernels need.
 * Why hand-rolled: no WAT assembler ships with Node, and generating the bytes at run time lets
 * one readable generator (module.ts) emit a kernel per register-block width.
 */

export const I32 = 0x7f;
export const F64 = 0x7c;
export const I64 = 0x7e;
export const V128 = 0x7b;
export type ValueType = typeof I32 | typeof F64 | typeof I64 | typeof V128;

/** Unsigned LEB128. */
export function unsigned(value: number): number[] {
  const bytes: number[] = [];
  let rest = value >>> 0;
  do {
    const low = rest & 0x7f;
    rest >>>= 7;
    bytes.push(rest === 0 ? low : low | 0x80);
  } while (rest !== 0);
  return bytes;
}

/** Signed LEB128 of a 32-bit integer. */
export function signed(value: number): number[] {
  const bytes: number[] = [];
  let rest = value | 0;
  for (;;) {
    const low = rest & 0x7f;
    rest >>= 7;
    const done = (rest === 0 && (low & 0x40) === 0) || (rest === -1 && (low & 0x40) !== 0);
    bytes.push(done ? low : low | 0x80);
    if (done) return bytes;
  }
}

/** The instructions the kernels use, appended to one function body. */
export class Code {
  readonly bytes: number[] = [];

  private op(...bytes: number[]): this {
    this.bytes.push(...bytes);
    return this;
  }
  private simd(opcode: number, ...rest: number[]): this {
    return this.op(0xfd, ...unsigned(opcode), ...rest);
  }
  /** memarg: log2 alignment, then a constant byte offset. */
  private static memarg(align: number, offset: number): number[] {
    return [...unsigned(align), ...unsigned(offset)];
  }

  localGet(index: number): this {
    return this.op(0x20, ...unsigned(index));
  }
  localSet(index: number): this {
    return this.op(0x21, ...unsigned(index));
  }
  localTee(index: number): this {
    return this.op(0x22, ...unsigned(index));
  }
  /** `block` / `loop` with no result; close with `end`. Branch depth 0 is the innermost. */
  block(): this {
    return this.op(0x02, 0x40);
  }
  loop(): this {
    return this.op(0x03, 0x40);
  }
  end(): this {
    return this.op(0x0b);
  }
  brIf(depth: number): this {
    return this.op(0x0d, ...unsigned(depth));
  }
  i32Const(value: number): this {
    return this.op(0x41, ...signed(value));
  }
  i32LeU(): this {
    return this.op(0x4d);
  }
  i32Eq(): this {
    return this.op(0x46);
  }
  select(): this {
    return this.op(0x1b);
  }
  f64Load(offset = 0): this {
    return this.op(0x2b, ...Code.memarg(3, offset));
  }
  f64Store(offset = 0): this {
    return this.op(0x39, ...Code.memarg(3, offset));
  }
  f64Add(): this {
    return this.op(0xa0);
  }
  v128Zero(): this {
    return this.simd(0x0c, ...Array<number>(16).fill(0));
  }
  i32Load(offset = 0): this {
    return this.op(0x28, ...Code.memarg(2, offset));
  }
  i32Add(): this {
    return this.op(0x6a);
  }
  i32Sub(): this {
    return this.op(0x6b);
  }
  i32Mul(): this {
    return this.op(0x6c);
  }
  i32Ne(): this {
    return this.op(0x47);
  }
  i32GeU(): this {
    return this.op(0x4f);
  }
  i64Add(): this {
    return this.op(0x7c);
  }
  i32WrapI64(): this {
    return this.op(0xa7);
  }
  v128Load(offset = 0): this {
    return this.simd(0x00, ...Code.memarg(4, offset));
  }
  v128Load64Splat(offset = 0): this {
    return this.simd(0x0a, ...Code.memarg(3, offset));
  }
  v128Store(offset = 0): this {
    return this.simd(0x0b, ...Code.memarg(4, offset));
  }
  f64x2Splat(): this {
    return this.simd(0x14);
  }
  f64x2ExtractLane(lane: number): this {
    return this.simd(0x21, lane);
  }
  f64x2Add(): this {
    return this.simd(0xf0);
  }
  f64x2Mul(): this {
    return this.simd(0xf2);
  }
}

export interface FunctionSpec {
  readonly name: string;
  readonly params: readonly ValueType[];
  readonly results: readonly ValueType[];
  /** Locals after the parameters, in order. */
  readonly locals: readonly ValueType[];
  readonly code: Code;
}

function section(id: number, content: readonly number[]): number[] {
  return [id, ...unsigned(content.length), ...content];
}

function vector(items: readonly (readonly number[])[]): number[] {
  return [...unsigned(items.length), ...items.flat()];
}

function utf8(text: string): number[] {
  const bytes = [...Buffer.from(text, 'utf8')];
  return [...unsigned(bytes.length), ...bytes];
}

/** Consecutive locals of one type, run-length encoded as the code section wants. */
function localGroups(locals: readonly ValueType[]): number[][] {
  const groups: number[][] = [];
  let start = 0;
  for (let index = 1; index <= locals.length; index++) {
    if (index === locals.length || locals[index] !== locals[start]) {
      groups.push([...unsigned(index - start), locals[start]!]);
      start = index;
    }
  }
  return groups;
}

/**
 * A module importing `env.memory` (shared when `sharedMemory`, up to 65536 pages) and
 * exporting the functions by name. One type per function keeps the encoder trivial.
 */
export function encodeModule(functions: readonly FunctionSpec[], sharedMemory: boolean): Uint8Array {
  const types = functions.map((fn) => [
    0x60,
    ...vector(fn.params.map((t) => [t])),
    ...vector(fn.results.map((t) => [t])),
  ]);
  // Memory import limits: flag 3 = has maximum + shared, 1 = has maximum.
  const memoryImport = [...utf8('env'), ...utf8('memory'), 0x02, sharedMemory ? 0x03 : 0x01, 0x00, ...unsigned(65536)];
  const exports = functions.map((fn, index) => [...utf8(fn.name), 0x00, ...unsigned(index)]);
  const bodies = functions.map((fn) => {
    const body = [...vector(localGroups(fn.locals)), ...fn.code.bytes, 0x0b];
    return [...unsigned(body.length), ...body];
  });
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector(types)),
    ...section(2, vector([memoryImport])),
    ...section(3, vector(functions.map((_, index) => unsigned(index)))),
    ...section(7, vector(exports)),
    ...section(10, vector(bodies)),
  ]);
}
