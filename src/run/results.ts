import type { RunnerName } from '../case/schema.js';
import type { NativeCall } from '../../runners/types.js';

/** What one runner variant produced for one case (before comparison). */
export type VariantOutcome =
  | {
      readonly status: 'ok';
      readonly output: Float32Array | Float64Array;
      readonly shape: readonly number[];
    }
  | { readonly status: 'unsupported'; readonly reason: string }
  /** The framework rejected the call (its own message). */
  | { readonly status: 'error'; readonly message: string }
  /** The runner process died (signal or abort); the last lines of its stderr. */
  | { readonly status: 'crashed'; readonly signal: string; readonly stderrTail: string }
  | { readonly status: 'timeout'; readonly timeoutMs: number };

export interface VariantResult {
  readonly runner: RunnerName;
  /** null when the runner has a single way to run the case (the reference). */
  readonly variant: string | null;
  readonly emulation?: string;
  readonly call?: NativeCall;
  readonly outcome: VariantOutcome;
  readonly wallMs: number;
  readonly version: string;
}
