/**
 * Several ONNX variants (of one or more cases) in one session: a graph with one independent
 * ConvTranspose node per variant (model.ts buildConvTransposeBatchModel), created and run once.
 * Session creation dominates a small variant's cost (measured with onnxruntime-node on fuzz
 * cases: ~1.1 ms CPU per variant alone, ~0.25 ms per variant 32 together), so fuzzing batches.
 *
 * Each result must be the one the variant gets alone (executeOnnx). The kernel is the same and
 * nothing connects the nodes; what differs is failure: ORT stops the whole run at the first
 * node whose kernel fails and names it ("... Name:'conv_transpose_3' ..."). That variant is
 * then run alone (for its own, exact error) and the graph is rebuilt without it. A failure that
 * names no node sends the remaining variants one at a time. Each rebuild costs a session, so the
 * variants ORT 1.30 is known to reject at run time go alone from the start (`likelyRejected`: a
 * hint for speed only; whatever it says, every variant still gets ORT's own answer).
 */
import type { InferenceSession, Tensor } from 'onnxruntime-common';
import type { ExecuteRequest, ExecuteResult } from '../types.js';
import { caseOutput, executeOnnx, onnxFeeds, variantNode, type OnnxEngine, type OrtTensorApi } from './execute.js';
import { batchNames, buildConvTransposeBatchModel, type ConvTransposeNode } from './model.js';
import { messageOf } from './session.js';

type Attempt =
  | { readonly kind: 'ok'; readonly results: readonly ExecuteResult[] }
  | { readonly kind: 'node-failed'; readonly position: number }
  | { readonly kind: 'failed' };

const FAILED_NODE = /\bconv_transpose_(\d+)\b/;

/** The batch graph's feeds: request i's X, W[, B] under X_i, W_i[, B_i]. */
function batchFeeds(ort: OrtTensorApi, requests: readonly ExecuteRequest[]): InferenceSession.FeedsType {
  const entries = requests.flatMap((request, position) => {
    const names = batchNames(position);
    const { X, W, B } = onnxFeeds(ort, request.geometry, request.tensors);
    return [[names.X, X], [names.W, W], ...(B ? [[names.B, B]] : [])] as const;
  });
  return Object.fromEntries(entries) as InferenceSession.FeedsType;
}

function outputOf(engine: OnnxEngine, request: ExecuteRequest, y: Tensor | undefined): ExecuteResult {
  if (!y || y.type !== 'float32')
    return { status: 'error', message: `${engine.name} returned no float32 Y (${y?.type})` };
  return caseOutput(request.geometry, y.data as Float32Array, y.dims);
}

/** One graph for `requests`, created, run and released. */
async function runGraph(
  engine: OnnxEngine,
  create: (bytes: Uint8Array) => Promise<InferenceSession>,
  requests: readonly ExecuteRequest[],
  nodes: readonly ConvTransposeNode[],
): Promise<Attempt> {
  let session: InferenceSession | undefined;
  try {
    const ort = await engine.load();
    session = await create(buildConvTransposeBatchModel(nodes));
    const outputs = engine.runOptions
      ? await session.run(batchFeeds(ort, requests), engine.runOptions)
      : await session.run(batchFeeds(ort, requests));
    return {
      kind: 'ok',
      results: requests.map((request, position) => outputOf(engine, request, outputs[batchNames(position).Y])),
    };
  } catch (error) {
    const named = FAILED_NODE.exec(messageOf(error));
    const position = named ? Number(named[1]) : -1;
    return position >= 0 && position < requests.length ? { kind: 'node-failed', position } : { kind: 'failed' };
  } finally {
    await session?.release().catch(() => undefined);
  }
}

/**
 * ORT 1.30's run-time rejections seen in fuzzing (src/fuzz/known.ts records them as known
 * divergences): output_padding >= stride on some axis ("output_padding may be too large"), and an
 * output_shape >= full + stride ("Explicit output_shape is inconsistent ..."), where
 * full = (i - 1) * s + (k - 1) * d + 1.
 */
export function likelyRejected({ attributes, shapes }: ConvTransposeNode): boolean {
  return attributes.strides.some((stride, axis) => {
    if ((attributes.output_padding?.[axis] ?? 0) >= stride) return true;
    const output = attributes.output_shape?.[axis];
    if (output === undefined) return false;
    const input = shapes.X[axis + 2]!;
    const full = (input - 1) * stride + (attributes.kernel_shape[axis]! - 1) * attributes.dilations[axis]! + 1;
    return output >= full + stride;
  });
}

/** Executes `requests` together where it can; every result equals the variant's result alone. */
export async function executeOnnxBatch(
  engine: OnnxEngine,
  requests: readonly ExecuteRequest[],
): Promise<ExecuteResult[]> {
  const alone = (request: ExecuteRequest): Promise<ExecuteResult> =>
    executeOnnx(engine, request.geometry, request.expression, request.tensors);
  const create = engine.createSession;
  if (!create || requests.length < 2) return Promise.all(requests.map(alone));
  const results = new Map<number, ExecuteResult>();
  const nodes = new Map<number, ConvTransposeNode>();
  requests.forEach((request, index) => {
    try {
      nodes.set(index, variantNode(engine.name, request.geometry, request.expression.variant));
    } catch (error) {
      results.set(index, { status: 'error', message: messageOf(error) });
    }
  });
  const separately = [...nodes.keys()].filter((index) => likelyRejected(nodes.get(index)!));
  let together = [...nodes.keys()].filter((index) => !separately.includes(index));
  while (together.length > 1) {
    const attempt = await runGraph(
      engine,
      create,
      together.map((index) => requests[index]!),
      together.map((index) => nodes.get(index)!),
    );
    if (attempt.kind === 'ok') {
      attempt.results.forEach((result, position) => results.set(together[position]!, result));
      together = [];
    } else if (attempt.kind === 'node-failed') {
      separately.push(together[attempt.position]!);
      together = together.filter((_, position) => position !== attempt.position);
    } else {
      break;
    }
  }
  for (const index of [...together, ...separately]) results.set(index, await alone(requests[index]!));
  return requests.map((_, index) => results.get(index)!);
}
