/** Messages between tconv and a runner's child process (Node IPC, structured clone). */
import type { ConvTransposeGeometry } from '../../src/geometry/types.js';
import type { CaseTensors } from '../../src/tensor.js';
import type { ExecuteResult, Expression } from '../types.js';

/** Where the child finds the runner: a module path and the name of its exported Runner. */
export interface RunnerSource {
  readonly modulePath: string;
  readonly exportName: string;
}

export type HostRequest =
  | { readonly type: 'load'; readonly source: RunnerSource }
  | {
      readonly type: 'run';
      readonly id: number;
      readonly geometry: ConvTransposeGeometry;
      readonly expression: Expression;
      readonly tensors: CaseTensors;
    };

export type HostReply =
  | { readonly type: 'loaded'; readonly version: string }
  | { readonly type: 'load-failed'; readonly message: string }
  | { readonly type: 'result'; readonly id: number; readonly result: ExecuteResult; readonly wallMs: number };
