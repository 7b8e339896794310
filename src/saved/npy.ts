/**
 * A reader for NumPy's .npy format (versions 1.0, 2.0 and 3.0) holding one float array:
 * little- or big-endian float16/32/64, C or Fortran order. Written here rather than taken from
 * npm: the one maintained package (npyjs) parses the header with regular expressions, returns
 * big-endian data and Fortran-order arrays as if they were native C order, does not notice a
 * truncated file, and depends on a fetch polyfill.
 *
 * Format: magic `\x93NUMPY`, major and minor version bytes, the header length (uint16 LE in 1.0,
 * uint32 LE in 2.0 and 3.0), the header (a Python dict literal; latin1, or utf8 in 3.0), then the
 * raw data.
 */
import { SavedFormatError, elementCount, type SavedArray } from './array.js';
import { isPyDict, parsePyLiteral, type PyValue } from './py-literal.js';

export const NPY_MAGIC = Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);

const ACCEPTED = "'<f4', '<f8', '<f2' or their big-endian forms '>f4', '>f8', '>f2'";

interface Header {
  readonly version: string;
  readonly descr: string;
  readonly littleEndian: boolean;
  readonly itemSize: 2 | 4 | 8;
  readonly fortranOrder: boolean;
  readonly shape: readonly number[];
  readonly dataOffset: number;
}

export function hasNpyMagic(bytes: Uint8Array): boolean {
  return bytes.length >= NPY_MAGIC.length && NPY_MAGIC.every((byte, index) => bytes[index] === byte);
}

function preamble(bytes: Uint8Array): { version: string; headerStart: number; headerLength: number; utf8: boolean } {
  if (!hasNpyMagic(bytes)) {
    throw new SavedFormatError('not a .npy file: it does not start with the magic string \\x93NUMPY');
  }
  if (bytes.length < 10) throw new SavedFormatError('truncated: the file ends inside the .npy preamble');
  const major = bytes[6]!;
  const minor = bytes[7]!;
  const version = `${major}.${minor}`;
  if (![1, 2, 3].includes(major) || minor !== 0) {
    throw new SavedFormatError(`.npy format version ${version} is not supported (tconv reads 1.0, 2.0 and 3.0)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (major === 1) return { version, headerStart: 10, headerLength: view.getUint16(8, true), utf8: false };
  if (bytes.length < 12) throw new SavedFormatError('truncated: the file ends inside the .npy preamble');
  return { version, headerStart: 12, headerLength: view.getUint32(8, true), utf8: major === 3 };
}

function headerField(entries: ReadonlyMap<string, PyValue>, key: string): PyValue {
  if (!entries.has(key)) {
    throw new SavedFormatError(`header has no '${key}' (a .npy header has 'descr', 'fortran_order' and 'shape')`);
  }
  return entries.get(key)!;
}

function parseDescr(descr: PyValue): Pick<Header, 'descr' | 'littleEndian' | 'itemSize'> {
  if (typeof descr !== 'string') {
    throw new SavedFormatError(
      `structured dtypes are not supported: the array must be a plain float array (${ACCEPTED})`,
    );
  }
  const match = /^([<>])f([248])$/.exec(descr);
  if (!match) {
    throw new SavedFormatError(
      `dtype '${descr}' is not supported: expected ${ACCEPTED} (save with arr.astype(np.float32))`,
    );
  }
  return { descr, littleEndian: match[1] === '<', itemSize: Number(match[2]) as 2 | 4 | 8 };
}

function parseShape(shape: PyValue): number[] {
  if (!Array.isArray(shape)) throw new SavedFormatError("header 'shape' is not a tuple of integers");
  const sizes = shape as readonly PyValue[];
  if (!sizes.every((size) => typeof size === 'number' && Number.isSafeInteger(size) && size >= 0)) {
    throw new SavedFormatError("header 'shape' is not a tuple of non-negative integers");
  }
  return sizes as number[];
}

function readHeader(bytes: Uint8Array): Header {
  const { version, headerStart, headerLength, utf8 } = preamble(bytes);
  const dataOffset = headerStart + headerLength;
  if (bytes.length < dataOffset) {
    throw new SavedFormatError(
      `truncated: the header is ${headerLength} bytes long but the file ends after ${bytes.length - headerStart}`,
    );
  }
  const text = new TextDecoder(utf8 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataOffset));
  const literal = parsePyLiteral(text);
  if (!isPyDict(literal)) throw new SavedFormatError('header is not a Python dict');
  const fortranOrder = headerField(literal.entries, 'fortran_order');
  if (typeof fortranOrder !== 'boolean') throw new SavedFormatError("header 'fortran_order' is not True or False");
  return {
    version,
    ...parseDescr(headerField(literal.entries, 'descr')),
    fortranOrder,
    shape: parseShape(headerField(literal.entries, 'shape')),
    dataOffset,
  };
}

/** IEEE 754 half precision to a number (Node 20 has no Float16Array). */
function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

function decode(bytes: Uint8Array, header: Header, count: number): Float32Array | Float64Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset + header.dataOffset, count * header.itemSize);
  const little = header.littleEndian;
  // DataView reads any alignment and either byte order, so one path serves every variant.
  if (header.itemSize === 8) {
    const values = new Float64Array(count);
    for (let index = 0; index < count; index++) values[index] = view.getFloat64(index * 8, little);
    return values;
  }
  const values = new Float32Array(count);
  if (header.itemSize === 4) {
    for (let index = 0; index < count; index++) values[index] = view.getFloat32(index * 4, little);
  } else {
    for (let index = 0; index < count; index++) values[index] = halfToNumber(view.getUint16(index * 2, little));
  }
  return values;
}

/** Fortran (column-major) order to C (row-major) order: the same tensor, other memory order. */
export function fortranToC<T extends Float32Array | Float64Array>(values: T, shape: readonly number[]): T {
  if (shape.length < 2) return values;
  const result = new (values.constructor as new (length: number) => T)(values.length);
  const cStrides = shape.map((_, axis) => shape.slice(axis + 1).reduce((product, size) => product * size, 1));
  const index = shape.map(() => 0);
  let offset = 0;
  for (let fortran = 0; fortran < values.length; fortran++) {
    result[offset] = values[fortran]!;
    // Odometer over the multi-index, first axis fastest (Fortran order), tracking the C offset.
    for (let axis = 0; axis < shape.length; axis++) {
      index[axis]!++;
      offset += cStrides[axis]!;
      if (index[axis]! < shape[axis]!) break;
      offset -= index[axis]! * cStrides[axis]!;
      index[axis] = 0;
    }
  }
  return result;
}

/** Reads a whole .npy file. Throws SavedFormatError for anything that is not one float array. */
export function parseNpy(bytes: Uint8Array, maxElements: number): SavedArray {
  const header = readHeader(bytes);
  const count = elementCount(header.shape, maxElements);
  const needed = count * header.itemSize;
  const present = bytes.length - header.dataOffset;
  if (present < needed) {
    throw new SavedFormatError(
      `truncated: shape [${header.shape.join(', ')}] of ${header.descr} needs ${needed} bytes of data, ` +
        `the file holds ${present}`,
    );
  }
  if (present > needed) {
    throw new SavedFormatError(
      `${present - needed} bytes after the array's ${needed} bytes of data (several arrays saved into one ` +
        'file? tconv reads a file holding one array, as np.save writes it)',
    );
  }
  const values = decode(bytes, header, count);
  const order = header.fortranOrder && header.shape.length > 1 ? ', Fortran order' : '';
  return {
    shape: header.shape,
    data: header.fortranOrder ? fortranToC(values, header.shape) : values,
    format: `.npy ${header.version} ${header.descr}${order}`,
  };
}
