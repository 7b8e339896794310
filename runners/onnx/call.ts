/** The ONNX spellings of a geometry as runner expressions (variants) and their native calls. */
import { layoutFor } from '../../src/geometry/build.js';
import { onnxSpellings, type OnnxAttributes, type Spelling } from '../../src/geometry/spellings.js';
import type { ConvTransposeGeometry } from '../../src/geometry/types.js';
import type { Expression, NativeCall, Plan } from '../types.js';
import { channelsFirstShape } from '../../src/layout.js';
import { ONNX_OPSET } from './model.js';

export type OnnxSpelling = Extract<Spelling, { expressible: true }> & { readonly onnx: OnnxAttributes };

const isOnnxSpelling = (spelling: Spelling): spelling is OnnxSpelling =>
  spelling.expressible && spelling.onnx !== undefined;

/** The expressible ONNX spellings; their form names are the variants. */
export const expressibleSpellings = (geometry: ConvTransposeGeometry): OnnxSpelling[] =>
  onnxSpellings(geometry).filter(isOnnxSpelling);

/** Shapes ORT sees: X and Y channels-first (the spec's [N, C, D1, ...]), W as tconv keeps it. */
export function onnxShapes(geometry: ConvTransposeGeometry): {
  X: number[];
  W: number[];
  B: number[] | null;
  Y: number[];
} {
  const first = (shape: readonly number[]): number[] =>
    geometry.channelsLast ? channelsFirstShape(shape) : [...shape];
  return {
    X: first(geometry.inputShape),
    W: [...geometry.weightShape],
    B: geometry.hasBias ? [geometry.outChannels] : null,
    Y: first(geometry.outputShape),
  };
}

function layouts(geometry: ConvTransposeGeometry): Record<string, string> {
  const onnxLayout = layoutFor(geometry.rank, false);
  const moved = (direction: 'from' | 'to'): string =>
    geometry.channelsLast ? ` (tconv transposes ${direction} the case's ${geometry.layout})` : '';
  return {
    X: `${onnxLayout}${moved('from')}`,
    W: 'C,M/group,k...',
    ...(geometry.hasBias ? { B: 'M' } : {}),
    Y: `${onnxLayout}${moved('to')}`,
  };
}

export function nativeCall(geometry: ConvTransposeGeometry, attributes: OnnxAttributes): NativeCall {
  const { B, ...shapes } = onnxShapes(geometry);
  return {
    // NativeCall has no version field: the opset is part of the op's name.
    op: `ConvTranspose (ai.onnx opset ${ONNX_OPSET})`,
    attributes: { ...attributes },
    layouts: layouts(geometry),
    shapes: B ? { ...shapes, B } : shapes,
  };
}

export function onnxPlan(geometry: ConvTransposeGeometry): Plan {
  const spellings = expressibleSpellings(geometry);
  if (spellings.length === 0) {
    const reasons = onnxSpellings(geometry).map((s) => (s.expressible ? s.form : `${s.form}: ${s.reason}`));
    return { supported: false, reason: `no ONNX spelling reproduces this geometry (${reasons.join('; ')})` };
  }
  const expressions: Expression[] = spellings.map((spelling) => ({
    variant: spelling.form,
    call: nativeCall(geometry, spelling.onnx),
  }));
  return { supported: true, expressions };
}
