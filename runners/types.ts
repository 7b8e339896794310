/**
 * The runner interface (the eshost / test262-harness idea): one small file per implementation,
 * registered by name. A runner first lists the expressions it can use for a case (how the case is
 * spelled in its framework's own API), each run and reported as its own variant, or says why it
 * cannot run it. Execution happens in `execute`, which may load the framework lazily; isolated
 * runners execute in a child process (runners/host/).
 */
import type { RunnerName } from '../src/case/schema.js';
import type { ConvTransposeGeometry } from '../src/geometry/types.js';
import type { CaseTensors } from '../src/tensor.js';

/** The exact native call made, for reports: op, attributes, layouts and shapes. */
export interface NativeCall {
  readonly op: string;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly layouts: Readonly<Record<string, string>>;
  readonly shapes: Readonly<Record<string, readonly number[]>>;
}

export interface Expression {
  /** Variant name, unique per runner and case, e.g. 'pads', 'auto_pad=SAME_UPPER', 'same'. */
  readonly variant: string;
  /** When the framework computes only part of the operation and tconv does the rest. */
  readonly emulation?: string;
  readonly call: NativeCall;
}

export type Plan =
  | { readonly supported: true; readonly expressions: readonly Expression[] }
  | { readonly supported: false; readonly reason: string };

/**
 * What one execution produced. In-process runners return 'ok' or 'error' (the framework's own
 * rejection); a runner that owns a process (runners/external/) also reports 'unsupported' (the
 * implementation declined this variant), 'crashed' and 'timeout' for that variant.
 */
export type ExecuteResult =
  | { readonly status: 'ok'; readonly output: Float32Array | Float64Array; readonly shape: readonly number[] }
  | { readonly status: 'error'; readonly message: string }
  | { readonly status: 'unsupported'; readonly reason: string }
  | { readonly status: 'crashed'; readonly signal: string; readonly stderrTail: string }
  | { readonly status: 'timeout'; readonly timeoutMs: number };

/** One variant to execute: the case's geometry and tensors, and the planned expression. */
export interface ExecuteRequest {
  readonly geometry: ConvTransposeGeometry;
  readonly expression: Expression;
  readonly tensors: CaseTensors;
}

export interface Runner {
  readonly name: RunnerName;
  /**
   * How many expressions of one case may execute at once in its own session (default 1: one
   * after the other). External runners pipeline requests to their process (runners/external/).
   */
  readonly concurrency?: number;
  /** Runs in a child process (a native crash must not take tconv down). */
  readonly isolated: boolean;
  plan(geometry: ConvTransposeGeometry): Plan;
  /** Loads the framework; returns its version or throws with what is missing. */
  load(): Promise<string>;
  execute(geometry: ConvTransposeGeometry, expression: Expression, tensors: CaseTensors): Promise<ExecuteResult>;
  /**
   * Optional: several variants (of one or more cases) in one native call, e.g. one ONNX graph
   * with a node per variant, so that per-call costs (session creation) are paid once. Each result
   * must equal what `execute` returns for that request alone. Used by fuzzing; `run` keeps
   * per-variant calls (and timings).
   */
  executeBatch?(requests: readonly ExecuteRequest[]): Promise<ExecuteResult[]>;
}
