/**
 * TensorFlow through @tensorflow/tfjs-node (libtensorflow's Conv2DBackpropInput /
 * Conv3DBackpropInputV2). Variants use TF's own SAME/VALID padding wherever `tfSpellings` finds
 * one; other crops, groups and dilation are labelled emulations (runners/tfjs/calls.ts).
 * Isolated: a bad argument can abort the process inside libtensorflow.
 */
import type * as tfNode from '@tensorflow/tfjs-node';
import type { ConvTransposeGeometry } from '../src/geometry/types.js';
import { planTfCalls, type TfCallPlan } from './tfjs/calls.js';
import { toExpression } from './tfjs/describe.js';
import { executeTfPlan } from './tfjs/execute.js';
import { RefusedCall } from './tfjs/validate.js';
import type { Expression, Runner } from './types.js';

type TfNode = typeof tfNode;

const BACKEND = 'tensorflow';
let loading: Promise<TfNode> | null = null;

async function importTfNode(): Promise<TfNode> {
  // Must be set before libtensorflow loads; the caller's own setting wins.
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
  // TF 2.21's oneDNN Conv2DBackpropInput (the x86 default) returns wrong values for some
  // geometries, and on some calls only: single-channel groups, and an output past the full size on
  // one axis while another axis crops (reproduced with TensorFlow in Python; right with oneDNN off).
  // A verdict that changes from run to run cannot be recorded, so the runner uses TF's own CPU
  // kernels; TF_ENABLE_ONEDNN_OPTS=1 tests oneDNN (cases/README.md, "TensorFlow oneDNN").
  process.env.TF_ENABLE_ONEDNN_OPTS ??= '0';
  try {
    const module = await import('@tensorflow/tfjs-node');
    // Node gives a CommonJS module as `default`; tsx's interop (the module sets __esModule) does not.
    return (module.default as TfNode | undefined) ?? module;
  } catch (error) {
    loading = null;
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new Error(`@tensorflow/tfjs-node cannot be loaded (run \`node scripts/setup.mjs\`): ${detail}`);
  }
}

/** tfjs-node, loaded once per process. */
function loadTfNode(): Promise<TfNode> {
  loading ??= importTfNode();
  return loading;
}

/** libtensorflow's TF_Version(), which the addon exposes on the backend's binding. */
function libtensorflowVersion(tf: TfNode): string {
  const backend: unknown = tf.findBackend(BACKEND);
  if (typeof backend !== 'object' || backend === null || !('binding' in backend)) return 'unknown';
  const binding: unknown = backend.binding;
  if (
    typeof binding === 'object' &&
    binding !== null &&
    'TF_Version' in binding &&
    typeof binding.TF_Version === 'string'
  ) {
    return binding.TF_Version;
  }
  return 'unknown';
}

function findPlan(geometry: ConvTransposeGeometry, expression: Expression): TfCallPlan {
  const planned = planTfCalls(geometry);
  const plan = 'plans' in planned ? planned.plans.find((p) => p.variant === expression.variant) : undefined;
  if (!plan) throw new RefusedCall(`tfjs-node: no variant '${expression.variant}' for this geometry`);
  return plan;
}

export const tfjsNodeRunner: Runner = {
  name: 'tfjs-node',
  isolated: true,
  plan: (geometry) => {
    const planned = planTfCalls(geometry);
    if ('reason' in planned) return { supported: false, reason: planned.reason };
    return { supported: true, expressions: planned.plans.map((plan) => toExpression(geometry, plan)) };
  },
  load: async () => {
    const tf = await loadTfNode();
    const onednn = process.env.TF_ENABLE_ONEDNN_OPTS === '0' ? '' : ', oneDNN on';
    return `tfjs-node ${tf.version['tfjs-node']} (libtensorflow ${libtensorflowVersion(tf)}${onednn})`;
  },
  execute: async (geometry, expression, tensors) => {
    const plan = findPlan(geometry, expression);
    const tf = await loadTfNode();
    // tfjs-core's engine is per process; another runner may have switched its backend.
    if (tf.getBackend() !== BACKEND) await tf.setBackend(BACKEND);
    try {
      return { status: 'ok', output: executeTfPlan(tf, geometry, plan, tensors), shape: geometry.outputShape };
    } catch (error) {
      if (error instanceof RefusedCall || !(error instanceof Error)) throw error;
      return { status: 'error', message: error.message };
    }
  },
};
