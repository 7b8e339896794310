/**
 * A Runner around a tfjs-core backend that takes tfjs's numeric and explicit pads (the pure-JS
 * CPU backend, wasm): tfjs-node's variants (planTfCalls) plus 'explicit-pads' / 'numeric-pad'
 * (planTfjsCalls), every call checked before it is made (validate.ts).
 */
import type * as tfc from '@tensorflow/tfjs-core';
import type { RunnerName } from '../../src/case/schema.js';
import type { ConvTransposeGeometry } from '../../src/geometry/types.js';
import type { Expression, Runner } from '../types.js';
import { planTfjsCalls, type TfjsCallPlan } from './calls.js';
import { toExpression } from './describe.js';
import { executeTfjsPlan, type TfOps } from './execute.js';
import { RefusedCall } from './validate.js';

/** The tfjs API a backend runner uses: the ops plus backend selection. */
export type TfjsApi = TfOps & Pick<typeof tfc, 'getBackend' | 'setBackend'>;

export interface TfjsBackendSpec {
  readonly name: RunnerName;
  /** tfjs's name for the backend, as given to tf.setBackend. */
  readonly backend: string;
  /** Imports tfjs-core and the backend and initialises it (once per process); throws if it cannot. */
  readonly initialise: () => Promise<{ readonly tf: TfjsApi; readonly version: string }>;
}

function findPlan(name: string, geometry: ConvTransposeGeometry, expression: Expression): TfjsCallPlan {
  const planned = planTfjsCalls(geometry);
  const plan = 'plans' in planned ? planned.plans.find((p) => p.variant === expression.variant) : undefined;
  if (!plan) throw new RefusedCall(`${name}: no variant '${expression.variant}' for this geometry`);
  return plan;
}

export function tfjsBackendRunner(spec: TfjsBackendSpec): Runner {
  let loading: Promise<{ readonly tf: TfjsApi; readonly version: string }> | null = null;
  const load = (): Promise<{ readonly tf: TfjsApi; readonly version: string }> => {
    loading ??= spec.initialise().catch((error: unknown) => {
      loading = null;
      throw error;
    });
    return loading;
  };
  return {
    name: spec.name,
    isolated: true,
    plan: (geometry) => {
      const planned = planTfjsCalls(geometry);
      if ('reason' in planned) return { supported: false, reason: planned.reason };
      return { supported: true, expressions: planned.plans.map((plan) => toExpression(geometry, plan)) };
    },
    load: async () => (await load()).version,
    execute: async (geometry, expression, tensors) => {
      const plan = findPlan(spec.name, geometry, expression);
      const { tf } = await load();
      // tfjs-core's engine is per process; another runner may have switched its backend.
      if (tf.getBackend() !== spec.backend && !(await tf.setBackend(spec.backend)))
        throw new Error(`${spec.name}: tf.setBackend('${spec.backend}') failed`);
      try {
        return { status: 'ok', output: executeTfjsPlan(tf, geometry, plan, tensors), shape: geometry.outputShape };
      } catch (error) {
        if (error instanceof RefusedCall || !(error instanceof Error)) throw error;
        return { status: 'error', message: error.message };
      }
    },
  };
}

/** The first line of an error, for load failures. */
export function firstLine(error: unknown): string {
  // tfjs-backend-wasm rejects its init with a plain { message } object.
  const message =
    typeof error === 'object' && error !== null && 'message' in error ? String(error.message) : String(error);
  return message.split('\n')[0] ?? '';
}
