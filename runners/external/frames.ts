/**
 * Frames of the external-runner protocol (docs/runner-protocol.md, section 1): a little-endian
 * u32 header length, a JSON header, then the raw tensors its `tensors` list describes (row-major,
 * little-endian, back to back). The payload's length follows from the header alone, so a reader
 * never needs to know the message type to find the next frame.
 */

export type WireDtype = 'float32' | 'float64';

export interface TensorDescriptor {
  readonly name: string;
  readonly dtype: WireDtype;
  readonly shape: readonly number[];
}

export interface WireTensor extends TensorDescriptor {
  readonly data: Float32Array | Float64Array;
}

export interface Frame {
  readonly header: Readonly<Record<string, unknown>>;
  readonly tensors: readonly WireTensor[];
}

/** Largest header accepted (the protocol's limit). */
export const MAX_HEADER_BYTES = 16 * 1024 * 1024;

const ITEM_BYTES: Readonly<Record<WireDtype, number>> = { float32: 4, float64: 8 };
const isLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export class FrameError extends Error {}

const elementCount = (shape: readonly number[]): number => shape.reduce((product, size) => product * size, 1);

/** The bytes of one frame: header and tensors, with no copy of little-endian tensor data. */
export function encodeFrame(header: Record<string, unknown>, tensors: readonly WireTensor[] = []): Uint8Array[] {
  const described =
    tensors.length === 0
      ? header
      : { ...header, tensors: tensors.map(({ name, dtype, shape }) => ({ name, dtype, shape })) };
  const json = Buffer.from(JSON.stringify(described), 'utf8');
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32LE(json.length, 0);
  return [prefix, json, ...tensors.map((tensor) => littleEndianBytes(tensor.data))];
}

function littleEndianBytes(values: Float32Array | Float64Array): Uint8Array {
  if (isLittleEndian) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const out = new Uint8Array(values.byteLength);
  const view = new DataView(out.buffer);
  values.forEach((value, index) =>
    values instanceof Float32Array ? view.setFloat32(index * 4, value, true) : view.setFloat64(index * 8, value, true),
  );
  return out;
}

/** Checks one entry of a header's `tensors` list; throws FrameError saying what is wrong. */
function descriptorOf(value: unknown, index: number): TensorDescriptor {
  if (typeof value !== 'object' || value === null) throw new FrameError(`tensors[${index}] is not an object`);
  const { name, dtype, shape } = value as Record<string, unknown>;
  if (typeof name !== 'string') throw new FrameError(`tensors[${index}].name is not a string`);
  if (dtype !== 'float32' && dtype !== 'float64') {
    throw new FrameError(`tensors[${index}].dtype is ${JSON.stringify(dtype)}, expected "float32" or "float64"`);
  }
  if (!Array.isArray(shape) || !shape.every((size) => Number.isSafeInteger(size) && (size as number) >= 0)) {
    throw new FrameError(`tensors[${index}].shape is not a list of non-negative integers`);
  }
  return { name, dtype, shape: shape as number[] };
}

/** The payload size a header announces, checked against `maxPayloadBytes(header)`. */
export type PayloadLimit = (header: Readonly<Record<string, unknown>>) => number;

/**
 * Reassembles frames from stream chunks. `push` returns every frame completed by the chunk;
 * it throws FrameError on a frame that cannot be read (then the stream is unusable).
 */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private pending: { header: Record<string, unknown>; descriptors: TensorDescriptor[]; bytes: number } | null = null;

  constructor(private readonly payloadLimit: PayloadLimit) {}

  push(chunk: Buffer): Frame[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Frame[] = [];
    for (;;) {
      if (!this.pending && !this.readHeader()) return frames;
      const pending = this.pending!;
      if (this.buffered < pending.bytes) return frames;
      const payload = this.take(pending.bytes);
      this.pending = null;
      frames.push({ header: pending.header, tensors: decodeTensors(pending.descriptors, payload) });
    }
  }

  /** Parses the next header when it has fully arrived; false when more bytes are needed. */
  private readHeader(): boolean {
    if (this.buffered < 4) return false;
    const length = this.peek(4).readUInt32LE(0);
    if (length > MAX_HEADER_BYTES) {
      const preview = JSON.stringify(this.peek(Math.min(this.buffered, 40)).toString('latin1'));
      throw new FrameError(
        `a header of ${length} bytes (the limit is ${MAX_HEADER_BYTES}): not a protocol frame (the stream starts ${preview}; is something printing to stdout?)`,
      );
    }
    if (this.buffered < 4 + length) return false;
    const text = this.take(4 + length)
      .subarray(4)
      .toString('utf8');
    let header: unknown;
    try {
      header = JSON.parse(text);
    } catch {
      throw new FrameError(`the header is not JSON: ${JSON.stringify(text.slice(0, 80))}`);
    }
    if (typeof header !== 'object' || header === null || Array.isArray(header)) {
      throw new FrameError(`the header is not a JSON object: ${JSON.stringify(text.slice(0, 80))}`);
    }
    const record = header as Record<string, unknown>;
    const listed = record['tensors'] ?? [];
    if (!Array.isArray(listed)) throw new FrameError('`tensors` is not a list');
    const descriptors = listed.map(descriptorOf);
    const bytes = descriptors.reduce((sum, d) => sum + elementCount(d.shape) * ITEM_BYTES[d.dtype], 0);
    const limit = this.payloadLimit(record);
    if (bytes > limit) throw new FrameError(`a payload of ${bytes} bytes, more than the ${limit} expected`);
    this.pending = { header: record, descriptors, bytes };
    return true;
  }

  private peek(size: number): Buffer {
    if (this.chunks[0]!.length < size) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]!.subarray(0, size);
  }

  private take(size: number): Buffer {
    if (size === 0) return Buffer.alloc(0);
    const joined = this.peek(size);
    const first = this.chunks[0]!;
    if (first.length === size) this.chunks.shift();
    else this.chunks[0] = first.subarray(size);
    this.buffered -= size;
    return joined;
  }
}

function decodeTensors(descriptors: readonly TensorDescriptor[], payload: Buffer): WireTensor[] {
  let offset = 0;
  return descriptors.map((descriptor) => {
    const count = elementCount(descriptor.shape);
    const bytes = count * ITEM_BYTES[descriptor.dtype];
    const data = descriptor.dtype === 'float32' ? new Float32Array(count) : new Float64Array(count);
    const slice = payload.subarray(offset, offset + bytes);
    if (isLittleEndian) new Uint8Array(data.buffer).set(slice);
    else {
      const view = new DataView(slice.buffer, slice.byteOffset, slice.byteLength);
      for (let i = 0; i < count; i++) {
        data[i] = descriptor.dtype === 'float32' ? view.getFloat32(i * 4, true) : view.getFloat64(i * 8, true);
      }
    }
    offset += bytes;
    return { ...descriptor, data };
  });
}
