import type { LayoutName } from '../geometry/types.js';
import type { FieldPath } from './schemaDsl.js';
import type { RunnerName } from './schema.js';

/** A case as written (after schema validation and `defaults` merging), snake_case as in YAML. */
export interface CaseSpec {
  readonly name: string;
  readonly description?: string;
  readonly tags?: readonly string[];
  readonly input: readonly number[];
  readonly layout?: LayoutName;
  readonly out_channels: number;
  readonly kernel: readonly number[];
  readonly strides?: number | readonly number[];
  readonly dilations?: number | readonly number[];
  readonly group?: number;
  readonly bias?: boolean;
  readonly padding?: 'SAME' | 'VALID' | number | readonly number[] | OnnxPaddingSpec | WebnnPaddingSpec;
  readonly output_padding?: number | readonly number[];
  readonly output_shape?: readonly number[];
  readonly dtype?: 'float32';
  readonly seed?: number;
  readonly distribution?: Distribution;
  readonly data?: {
    readonly input?: readonly number[];
    readonly weight?: readonly number[];
    readonly bias?: readonly number[];
  };
  readonly expect?: { readonly shape?: readonly number[]; readonly output?: readonly number[] };
  readonly tolerance?: ToleranceSpec;
  readonly runners?: readonly RunnerName[];
  readonly expected?: readonly ExpectedDivergence[];
}

export interface OnnxPaddingSpec {
  readonly auto_pad?: 'NOTSET' | 'SAME_UPPER' | 'SAME_LOWER' | 'VALID';
  readonly pads?: readonly number[];
}

/** WebNN `convTranspose2d` options.padding: [beginHeight, endHeight, beginWidth, endWidth]. */
export interface WebnnPaddingSpec {
  readonly webnn: readonly number[];
}

export type Distribution = 'uniform' | 'normal' | 'integers' | 'special' | 'subnormal' | 'large';

export interface ToleranceSpec {
  readonly atol?: number;
  readonly rtol?: number;
  readonly ulp?: number;
  /** Compare zero signs too. */
  readonly signed_zero?: boolean;
}

export interface ExpectedDivergence {
  readonly runner: RunnerName;
  readonly variant?: string;
  readonly status: 'mismatch' | 'error' | 'crash' | 'timeout' | 'unsupported';
  readonly reason: string;
  readonly link?: string;
  /** The diagnosis kind that must name the mismatch (data-dependent divergences: special values). */
  readonly diagnosis?: string;
  /** Shows on some runs only: a pass is accepted (not an unexpected pass). */
  readonly intermittent?: boolean;
}

/** A problem with a case, pointing at the field that causes it (mapped to file:line:col later). */
export interface CaseIssue {
  /** Path from the file root, e.g. ['cases', 2, 'strides']. */
  readonly path: FieldPath;
  readonly message: string;
}
