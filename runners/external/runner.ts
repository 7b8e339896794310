/**
 * A Runner backed by an external process that speaks the tconv runner protocol
 * (docs/runner-protocol.md): `--runner-exec` runners and the built-in torch runner. The process
 * is the isolation (no Node child in between): it is started by `load`, each expression becomes
 * one request, and its faults come back as that variant's 'crashed' / 'timeout' / 'error'.
 */
import type { ConvTransposeGeometry } from '../../src/geometry/types.js';
import type { CaseTensors } from '../../src/tensor.js';
import type { ExecuteResult, Expression, Plan, Runner } from '../types.js';
import type { ExternalCommand } from './child.js';
import { ExternalConnection, type Answer } from './connection.js';
import { conventionPlan, weightShape } from './conventions.js';
import type { WireTensor } from './frames.js';
import { HelloRefused, type Convention, type Hello, type LayoutChoice } from './messages.js';
import { cropFull, isChannelsLastLayout, moveLayout, moveShape, requestLayout, tfWeight } from './tensors.js';

export interface ExternalRunnerSpec {
  readonly name: string;
  /** The command, computed when the process is first started. */
  readonly command: () => ExternalCommand;
  readonly timeoutMs: number;
  /** A convention known in advance (built-ins): `plan` works before `load`, and the hello must say it. */
  readonly convention?: Convention;
  /** The message users see when the runner cannot start (e.g. with an install hint). */
  readonly unavailable?: (reason: string) => string;
  /** The version string from the hello (default: "NAME VERSION"). */
  readonly describe?: (hello: Hello) => string;
}

export interface ExternalRunner extends Runner {
  /** The running process's pid (tests). */
  pid(): number | undefined;
  /** Closes the process (stdin EOF, then SIGKILL after a grace period). */
  close(): Promise<void>;
}

/** Output elements accepted per expected element (a wrong shape is a mismatch, a huge one a fault). */
const OUTPUT_SLACK = 16;
const MIN_OUTPUT_BYTES = 1 << 20;

export function externalRunner(spec: ExternalRunnerSpec): ExternalRunner {
  let connection: ExternalConnection | null = null;
  const speaking = (): { convention: Convention; layout: LayoutChoice } | null => {
    const hello = connection?.hello;
    if (hello) return { convention: hello.convention, layout: hello.layout };
    return spec.convention
      ? { convention: spec.convention, layout: spec.convention === 'tf' ? 'channels_last' : 'channels_first' }
      : null;
  };
  const load = async (): Promise<string> => {
    connection ??= new ExternalConnection(spec.command(), { timeoutMs: spec.timeoutMs });
    try {
      const hello = await connection.open();
      if (spec.convention && hello.convention !== spec.convention) {
        throw new HelloRefused(`it speaks the ${hello.convention} convention, expected ${spec.convention}`);
      }
      return spec.describe?.(hello) ?? `${hello.name} ${hello.version}`;
    } catch (error) {
      const failed = connection;
      connection = null;
      await failed.close();
      const message = (error as Error).message;
      throw new Error(spec.unavailable?.(message) ?? message);
    }
  };
  return {
    name: spec.name,
    isolated: false,
    get concurrency() {
      return connection?.hello?.maxInFlight ?? 1;
    },
    load,
    plan: (geometry): Plan => {
      const speech = speaking();
      if (!speech) return { supported: false, reason: `${spec.name} is not loaded (its hello names the convention)` };
      return conventionPlan(speech.convention, geometry, requestLayout(geometry, speech.layout));
    },
    execute: async (geometry, expression, tensors) => {
      if (!connection) await load();
      const speech = speaking()!;
      const planned = conventionPlan(speech.convention, geometry, requestLayout(geometry, speech.layout));
      if (!planned.supported || !planned.expressions.some((e) => e.variant === expression.variant)) {
        throw new Error(`${spec.name}: no variant '${expression.variant}' for this geometry`);
      }
      const layout = requestLayout(geometry, speech.layout);
      const answer = await connection!.submit(submission(geometry, speech.convention, layout, expression, tensors));
      return toResult(geometry, layout, expression, tensors, answer);
    },
    pid: () => connection?.pid,
    close: async () => {
      const open = connection;
      connection = null;
      await open?.close();
    },
  };
}

function submission(
  g: ConvTransposeGeometry,
  convention: Convention,
  layout: ConvTransposeGeometry['layout'],
  expression: Expression,
  tensors: CaseTensors,
): Parameters<ExternalConnection['submit']>[0] {
  const input = moveLayout(tensors.input, g.inputShape, g.layout, layout);
  const weight =
    convention === 'tf' ? tfWeight(g, tensors.weight) : { data: tensors.weight, shape: weightShape(g, convention) };
  const wire: WireTensor[] = [
    { name: 'input', dtype: 'float32', shape: moveShape(g.inputShape, g.layout, layout), data: input },
    { name: 'weight', dtype: 'float32', shape: weight.shape, data: weight.data },
    ...(g.hasBias && tensors.bias
      ? [{ name: 'bias', dtype: 'float32' as const, shape: [g.outChannels], data: tensors.bias }]
      : []),
  ];
  const expected = (expression.call.shapes['output'] ?? g.outputShape).reduce((a, b) => a * b, 1);
  return {
    header: {
      convention,
      variant: expression.variant,
      ...(expression.emulation ? { emulation: expression.emulation } : {}),
      rank: g.rank,
      layout,
      attributes: expression.call.attributes,
    },
    tensors: wire,
    maxOutputBytes: Math.max(MIN_OUTPUT_BYTES, expected * 8 * OUTPUT_SLACK),
  };
}

/** The reply as the case's output: in the case's layout, cropped for an emulation. */
function toResult(
  g: ConvTransposeGeometry,
  layout: ConvTransposeGeometry['layout'],
  expression: Expression,
  tensors: CaseTensors,
  answer: Answer,
): ExecuteResult {
  if (answer.status !== 'result') return answer;
  const { data, shape } = answer.output;
  if (shape.length !== g.rank + 2) return { status: 'ok', output: data, shape };
  if (!expression.emulation) {
    return {
      status: 'ok',
      output: moveLayout(data, shape, layout, g.layout),
      shape: moveShape(shape, layout, g.layout),
    };
  }
  const firstShape = moveShape(shape, layout, 'NCHW');
  const fullShape = [g.batch, g.outChannels, ...g.axes.map((axis) => axis.fullSize)];
  if (firstShape.join() !== fullShape.join()) {
    return {
      status: 'error',
      message: `returned shape [${firstShape.join(', ')}] (channels first) for the full output, expected [${fullShape.join(', ')}]; not cropped`,
    };
  }
  const cropped = cropFull(
    g,
    moveLayout(data, shape, layout, isChannelsLastLayout(layout) ? 'NCHW' : layout),
    g.hasBias ? tensors.bias : null,
  );
  const croppedShape = [g.batch, g.outChannels, ...g.axes.map((axis) => axis.outputSize)];
  return {
    status: 'ok',
    output: moveLayout(cropped, croppedShape, 'NCHW', g.layout),
    shape: moveShape(croppedShape, 'NCHW', g.layout),
  };
}
