/**
 * The slice of the WebAssembly JS API the SIMD path uses, typed here because the project's
 * `lib` (ES2023, no DOM) does not declare it; read from globalThis where it is needed.
 */
export type WasmModule = object;

export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}

export interface WasmInstance {
  readonly exports: Readonly<Record<string, unknown>>;
}

export interface WasmApi {
  readonly Module: new (bytes: Uint8Array) => WasmModule;
  readonly Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => WasmInstance;
  readonly Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  validate(bytes: Uint8Array): boolean;
}

export interface WasmGlobal {
  readonly WebAssembly: WasmApi;
}

export function wasmApi(): WasmApi {
  return (globalThis as unknown as WasmGlobal).WebAssembly;
}
