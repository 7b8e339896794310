/**
 * ONNX Runtime (onnxruntime-node, CPU) as a runner: each ONNX spelling of the geometry (explicit
 * pads, auto_pad, output_shape; spellings.ts) runs as a one-node ConvTranspose model, opset 17.
 * Isolated: it runs in a child process, since a native abort must not take tconv down.
 */
import type { ConvTransposeGeometry } from '../src/geometry/types.js';
import { onnxPlan } from './onnx/call.js';
import { executeOnnx, variantModel, type OnnxEngine } from './onnx/execute.js';
import { executeOnnxBatch } from './onnx/batch.js';
import { createSession, loadOrt, ortPackageVersion, sessionFor } from './onnx/session.js';
import type { Runner } from './types.js';

const NATIVE_ENGINE: OnnxEngine = { name: 'onnxruntime', load: loadOrt, sessionFor, createSession };

/** The model bytes of one variant; throws (a harness bug, not ORT's) for an unknown variant. */
export function modelFor(geometry: ConvTransposeGeometry, variant: string): Uint8Array {
  return variantModel(NATIVE_ENGINE.name, geometry, variant);
}

export const onnxruntimeRunner: Runner = {
  name: 'onnxruntime',
  isolated: true,
  plan: onnxPlan,
  load: async () => {
    await loadOrt();
    return `onnxruntime-node ${await ortPackageVersion()}`;
  },
  execute: (geometry, expression, tensors) => executeOnnx(NATIVE_ENGINE, geometry, expression, tensors),
  executeBatch: (requests) => executeOnnxBatch(NATIVE_ENGINE, requests),
};
