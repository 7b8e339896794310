#!/usr/bin/env node
// Classifies the runner divergences of a `tconv run cases/golden --json F` report into the known
// divergences that the suites under cases/ already record (same runner, variant, cause; reason
// and link adapted from those cases with this case's numbers), and writes them as
// scripts/golden/divergences.json, which generate.py turns into `expected:` entries.
// Anything that fits no known divergence is printed and makes the script exit 1: report it,
// do not record it.
//
//   npx tconv run cases/golden --json /tmp/golden-all.json
//   node scripts/golden/divergences.mjs /tmp/golden-all.json > scripts/golden/divergences.json
import { readFileSync } from 'node:fs';

const AXES = { 1: ['W'], 2: ['H', 'W'], 3: ['D', 'H', 'W'] };

const LINKS = {
  ortAutoPad:
    'https://github.com/onnx/onnx/blob/main/docs/Operators.md#ConvTranspose (auto_pad); ' +
    'https://github.com/microsoft/onnxruntime/blob/main/onnxruntime/core/providers/cpu/nn/conv_transpose_attributes.h',
  ortOutputPadding:
    'https://pytorch.org/docs/stable/generated/torch.nn.ConvTranspose2d.html; ' +
    'https://github.com/onnx/onnx/blob/main/docs/Operators.md#ConvTranspose (output_padding); ' +
    'https://github.com/microsoft/onnxruntime/pull/29446',
  wasmConv3d: 'https://github.com/tensorflow/tfjs/blob/tfjs-v4.22.0/tfjs-backend-wasm/src/cc/conv3d_impl.h',
  tfjsConvUtil: 'https://github.com/tensorflow/tfjs/blob/tfjs-v4.22.0/tfjs-core/src/ops/conv_util.ts',
  tfjsNumericPad: 'https://github.com/tensorflow/tfjs/issues/649',
};

// Verbatim from cases/tf/same.yaml (&tfjs-wasm-conv3d) and cases/torch/padding.yaml (&tfjs-numeric-pad).
const WASM_CONV3D =
  "tfjs-backend-wasm 4.22's conv3dTranspose kernel (conv3d_impl.h, NDHWCConv3DBackpropInputV2Impl) " +
  'has wrong loop bounds: the depth bound DivFloor(filter_depth, stride_depth) lacks the corner offset, ' +
  'rows/columns use DivFloor(k + corner, s) as an exclusive bound (the last input is dropped when there is a ' +
  'remainder), and DivCeil gives 1 for negatives in (-s, 0). Evidence: [1, 2] along depth gives [1, 0]; along W, ' +
  'i2 k3 s2 gives [0,0,3,4,6] instead of [1,2,5,4,6]. TF (tfjs-node), tfjs-cpu and the reference agree; the 2-D ' +
  'wasm kernel is right.';
const NUMERIC_PAD =
  "tfjs conv_util getPadAndOutInfo computes a numeric pad's width from the kernel HEIGHT and stride HEIGHT " +
  '(computeOutputShape2D([inHeight, inWidth], filterHeight, strideHeight, pad)), so with k_h != k_w or ' +
  's_h != s_w the width reads the wrong number of input columns; the explicit-pads spelling of the same ' +
  'geometry and TF agree with the reference.';

const ORT = new Set(['onnxruntime', 'onnxruntime-web']);

function perAxis(value, rank, fallback) {
  if (value === undefined) return new Array(rank).fill(fallback);
  return Array.isArray(value) ? value : new Array(rank).fill(value);
}

/** The known divergence this non-passing variant is, or null. */
function classify(report, variant) {
  const g = report.geometry;
  const axes = g.axes;
  const names = AXES[g.rank];
  const status = variant.status.replace(/^expected-/, '');
  if (ORT.has(variant.runner) && status === 'mismatch' && /^auto_pad=SAME_(UPPER|LOWER)$/.test(variant.variant)) {
    const short = axes
      .map((a, i) => ({ a, name: names[i] }))
      .filter(({ a }) => a.fullSize + a.outputPadding < a.inputSize * a.stride);
    if (short.length === 0 || variant.judgement.comparison?.stage !== 'shape') return null;
    const detail = short
      .map(
        ({ a, name }) =>
          `${name}: k_eff ${a.effectiveKernelSize} + output_padding ${a.outputPadding} < s ${a.stride}, full = ` +
          `${a.fullSize}, o = i*s = ${a.inputSize}*${a.stride} = ${a.outputSize}, total = ` +
          `${a.fullSize + a.outputPadding - a.outputSize} (no crop, the extra elements bias only); ORT returns ` +
          `min(i*s, full + output_padding) = ${Math.min(a.outputSize, a.fullSize + a.outputPadding)}`,
      )
      .join('; ');
    return {
      status: 'mismatch',
      reason:
        'ONNX auto_pad SAME_UPPER/SAME_LOWER "pad the input so that output_shape[i] = input_shape[i] * ' +
        `strides[i]". Reference (tconv, and this golden's framework output): ${detail}. ORT 1.30 clamps the ` +
        'total padding at 0 (ComputeTotalPad, std::max(0, ...)) and returns min(i*s, full + output_padding) ' +
        `elements (${variant.judgement.summary.split(':')[0]}); the pads and output_shape spellings of the same ` +
        'crop pass.',
      link: LINKS.ortAutoPad,
    };
  }
  if (ORT.has(variant.runner) && status === 'error') {
    const attrs = variant.call?.attributes ?? {};
    const ops = perAxis(attrs.output_padding, g.rank, 0);
    const strides = perAxis(attrs.strides, g.rank, 1);
    const dilations = perAxis(attrs.dilations, g.rank, 1);
    const bad = ops.map((op, i) => ({ op, s: strides[i], d: dilations[i], name: names[i] })).filter((x) => x.op >= x.s);
    if (bad.length === 0 || !bad.every((x) => x.op < x.d)) return null;
    const which = bad.map((x) => `${x.name}: output_padding ${x.op} >= stride ${x.s}, < dilation ${x.d}`).join('; ');
    return {
      status: 'error',
      reason:
        'PyTorch (and ONNX: output_padding less than "the corresponding stride/dilation") accept output_padding ' +
        `>= stride when it is < dilation (${which}). ORT 1.30 requires output_padding < stride and rejects this ` +
        `spelling at run time: "${variant.judgement.summary.replace(/^.*Status Message: /, '').slice(0, 260)}".`,
      link: LINKS.ortOutputPadding,
    };
  }
  if (
    variant.runner === 'tfjs-wasm' &&
    status === 'mismatch' &&
    g.rank === 3 &&
    ['same', 'valid', 'valid+crop'].includes(variant.variant)
  ) {
    return { status: 'mismatch', reason: WASM_CONV3D, link: LINKS.wasmConv3d };
  }
  if (variant.runner === 'tfjs-cpu' && variant.variant === 'same' && status === 'mismatch' && g.rank === 3) {
    const past = axes.map((a, i) => ({ a, name: names[i] })).filter(({ a }) => a.outputSize > a.fullSize);
    if (past.length === 0) return null;
    const detail = past
      .map(
        ({ a, name }) =>
          `${name}: full ${a.fullSize} < o ${a.outputSize} (k_eff ${a.effectiveKernelSize} < s ${a.stride})`,
      )
      .join('; ');
    return {
      status: 'mismatch',
      reason:
        "tfjs conv_util get3DPadAndOutInfo computes SAME padding without TF's max(0, ...): where the output is " +
        `longer than full (${detail}) the pad along is negative and the output is shifted (${variant.judgement.summary}). ` +
        "The 2-D computation, TF (tfjs-node) and tfjs's 'valid' spelling agree with the reference.",
      link: LINKS.tfjsConvUtil,
    };
  }
  if (
    (variant.runner === 'tfjs-cpu' || variant.runner === 'tfjs-wasm') &&
    variant.variant === 'numeric-pad' &&
    status === 'mismatch'
  ) {
    const [h, w] = axes;
    if (g.rank !== 2 || (h.kernelSize === w.kernelSize && h.stride === w.stride)) return null;
    return { status: 'mismatch', reason: NUMERIC_PAD, link: LINKS.tfjsNumericPad };
  }
  return null;
}

const report = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const byCase = {};
const unknown = [];
for (const entry of report.cases) {
  for (const variant of entry.variants) {
    if (variant.status === 'pass') continue;
    const known = variant.status === 'unexpected-pass' ? null : classify(entry, variant);
    if (!known) {
      unknown.push(
        `${entry.id} [${variant.runner} ${variant.variant ?? ''}] ${variant.status}: ${variant.judgement.summary}`,
      );
      continue;
    }
    (byCase[entry.name] ??= []).push({ runner: variant.runner, variant: variant.variant, ...known });
  }
}
for (const line of unknown) console.error(`NOT a known divergence: ${line}`);
process.stdout.write(JSON.stringify(byCase, null, 1) + '\n');
process.exit(unknown.length > 0 ? 1 : 0);
