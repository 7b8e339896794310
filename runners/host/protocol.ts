/** Messages between tconv and a runner's child process (Node IPC, structured clone). */
import type { ConvTransposeGeometry } from '../../src/geometry/types.js';
import type { CaseTensors } from '../../src/tensor.js';
import type { ExecuteResult, Expression } from '../types.js';

/** Where the child finds the runner: a module path and the name of its exported Runner. */
export interface RunnerSource {
  readonly modulePath: string;
  readonly exportName: string;
}

/** One variant to execute. Items of one case share their tensors (cloned once per message). */
export interface RunItem {
  readonly id: number;
  readonly geometry: ConvTransposeGeometry;
  readonly expression: Expression;
  readonly tensors: CaseTensors;
}

export interface ItemResult {
  readonly id: number;
  readonly result: ExecuteResult;
  /** Wall time inside the child; items executed together share the batch's time evenly. */
  readonly wallMs: number;
}

export type HostRequest =
  | { readonly type: 'load'; readonly source: RunnerSource }
  | {
      readonly type: 'run';
      readonly items: readonly RunItem[];
      /**
       * Reply once for all items, executed as one native call when the runner can
       * (Runner.executeBatch); otherwise one after the other with one reply per item.
       */
      readonly together: boolean;
    };

export type HostReply =
  | { readonly type: 'loaded'; readonly version: string }
  | { readonly type: 'load-failed'; readonly message: string }
  | { readonly type: 'results'; readonly results: readonly ItemResult[] };
