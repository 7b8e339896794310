/**
 * The torch runner against real PyTorch (CPU, through runners/torch/bridge.py): PyTorch's
 * documented examples, hand-picked and seeded random geometries (1-D/2-D/3-D, groups, dilation,
 * output_padding, output_size, channels-last, bias, batch) against the float64 reference within
 * the float32 error bound, the 'full+crop' emulation, PyTorch's own errors, a dying bridge, and
 * the throughput of small cases.
 *
 * Without torch (no `node scripts/setup-torch.mjs`, no TCONV_PYTHON) the suite fails when CI is
 * set and is skipped locally, with the reason as the skipped test's name.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { CaseSpec } from '../src/case/types.js';
import { resolveGeometry } from '../src/geometry/resolve.js';
import type { ConvTransposeGeometry } from '../src/geometry/types.js';
import { openIsolatedSession } from '../runners/host/session.js';
import { torchRunner } from '../runners/torch.js';
const bridgePid = (): number | undefined => torchRunner.pid();
const closeBridge = (): Promise<void> => torchRunner.close();
import type { Expression } from '../runners/types.js';
import { seededRandom } from './helpers/referenceArbitraries.js';
import {
  expectOk,
  geometryOf,
  outOfBound,
  setupCase,
  unplannedExpression,
  type CaseSetup,
  type Spec,
} from './helpers/runnerChecks.js';

const availability = await torchRunner.load().then(
  (version) => ({ ok: true as const, version }),
  (error: unknown) => ({ ok: false as const, message: error instanceof Error ? error.message : String(error) }),
);

afterAll(async () => closeBridge());

const setup = (name: string, spec: Spec, seed = 7): CaseSetup => setupCase(torchRunner, name, spec, seed);

async function expectMatchesReference(name: string, spec: Spec, seed = 7): Promise<string[]> {
  const { geometry, tensors, expressions } = setup(name, spec, seed);
  const variants: string[] = [];
  for (const expression of expressions) {
    const result = await torchRunner.execute(geometry, expression, tensors);
    expectOk(result, 'torch');
    expect(result.shape, `${name}/${expression.variant} shape`).toEqual(geometry.outputShape);
    expect(result.output).toBeInstanceOf(Float32Array);
    expect(outOfBound(geometry, tensors, result.output), `${name}/${expression.variant}`).toEqual([]);
    variants.push(expression.variant);
  }
  return variants;
}

// ---------------------------------------------------------------- geometries

/** Hand-picked geometries and the variants each must plan. */
const CASES: Readonly<Record<string, { spec: Spec; variants: readonly string[] }>> = {
  '1d-dilated-bias': {
    spec: { input: [2, 3, 7], out_channels: 4, kernel: [4], strides: 3, dilations: 2, bias: true, padding: 2 },
    variants: ['padding'],
  },
  '2d-op1-doubling': {
    spec: { input: [1, 2, 3, 3], out_channels: 2, kernel: [3, 3], strides: 2, padding: 1, output_padding: 1 },
    variants: ['padding', 'output_size'],
  },
  '3d-groups-bias': {
    spec: {
      input: [1, 4, 3, 4, 3],
      out_channels: 6,
      group: 2,
      kernel: [2, 3, 2],
      strides: [2, 1, 3],
      padding: [1, 0, 1],
      bias: true,
    },
    variants: ['padding'],
  },
  'groups-3-m-per-group-2': {
    spec: { input: [2, 6, 4, 5], out_channels: 6, group: 3, kernel: [3, 3], strides: 2, padding: 1, bias: true },
    variants: ['padding'],
  },
  // output_padding 1 >= stride 1 but < dilation 2: accepted by PyTorch, not by forward(output_size).
  'op-ge-stride-lt-dilation': {
    spec: {
      input: [1, 2, 5, 4],
      out_channels: 3,
      kernel: [3, 2],
      strides: 1,
      dilations: [2, 3],
      padding: [1, 0],
      output_padding: [1, 2],
    },
    variants: ['padding'],
  },
  'output-size-min': {
    spec: { input: [1, 2, 4, 4], out_channels: 2, kernel: [3, 3], strides: 3, padding: 1, output_shape: [10, 10] },
    variants: ['padding'],
  },
  'output-size-max': {
    spec: {
      input: [1, 2, 4, 4],
      out_channels: 2,
      kernel: [3, 3],
      strides: 3,
      padding: 1,
      output_shape: [12, 12],
      bias: true,
    },
    variants: ['padding', 'output_size'],
  },
  'output-size-mixed-3d': {
    spec: {
      input: [2, 1, 2, 3, 2],
      out_channels: 2,
      kernel: [2, 2, 3],
      strides: [2, 3, 2],
      padding: [0, 1, 1],
      output_shape: [4, 8, 4],
    },
    variants: ['padding', 'output_size'],
  },
  'nhwc-bias-batch2': {
    spec: {
      input: [2, 4, 5, 3],
      layout: 'NHWC',
      out_channels: 4,
      kernel: [3, 2],
      strides: [2, 3],
      padding: [1, 0],
      output_padding: [1, 2],
      bias: true,
    },
    variants: ['padding', 'output_size'],
  },
  'nwc-groups': {
    spec: { input: [2, 6, 4], layout: 'NWC', out_channels: 2, group: 2, kernel: [3], strides: 2, padding: 1 },
    variants: ['padding'],
  },
  'ndhwc-groups-bias': {
    spec: {
      input: [1, 2, 3, 4, 4],
      layout: 'NDHWC',
      out_channels: 4,
      group: 2,
      kernel: [2, 2, 2],
      strides: [1, 2, 2],
      padding: 1,
      bias: true,
    },
    variants: ['padding'],
  },
  // ONNX explicit pads, asymmetric on both axes: PyTorch pads both sides alike, so it is emulated.
  'onnx-asymmetric-pads': {
    spec: {
      input: [1, 2, 4, 3],
      out_channels: 3,
      kernel: [3, 4],
      strides: [2, 1],
      bias: true,
      padding: { pads: [1, 0, 0, 2] },
    },
    variants: ['full+crop'],
  },
  // ONNX output_shape 3 past the full size 9 (op 3 >= stride 2 and dilation 1): emulated with bias rows.
  'onnx-output-shape-past-full': {
    spec: {
      input: [1, 1, 4, 4],
      out_channels: 2,
      kernel: [3, 3],
      strides: 2,
      bias: true,
      padding: { auto_pad: 'NOTSET' },
      output_shape: [12, 9],
    },
    variants: ['full+crop'],
  },
  // TF SAME, total padding 1: the odd pixel is cropped at the end only.
  'nhwc-tf-same-odd': {
    spec: {
      input: [1, 3, 3, 2],
      layout: 'NHWC',
      out_channels: 2,
      kernel: [3, 3],
      strides: 2,
      padding: 'SAME',
      bias: true,
    },
    variants: ['full+crop'],
  },
  // Output large enough that replies span many pipe reads (~280 KB).
  'large-frames': {
    spec: { input: [2, 8, 32, 32], out_channels: 8, kernel: [4, 4], strides: 2, padding: 1, bias: true },
    variants: ['padding'],
  },
};

type Mode = 'padding' | 'output_size' | 'onnx-pads' | 'onnx-output-shape';
const MODES: readonly Mode[] = ['padding', 'output_size', 'onnx-pads', 'onnx-output-shape'];

/** A random valid geometry spec: rank 1-3, layout, batch, groups, bias, stride, dilation, and one way to crop. */
function randomSpec(next: () => number): Spec {
  const int = (low: number, high: number): number => low + Math.floor(next() * (high - low + 1));
  for (;;) {
    const rank = int(1, 3);
    const group = int(1, 3);
    const channelsLast = next() < 0.3;
    const layout = (channelsLast ? ['NWC', 'NHWC', 'NDHWC'] : ['NCW', 'NCHW', 'NCDHW'])[rank - 1] as CaseSpec['layout'];
    const batch = int(1, 2);
    const channels = group * int(1, 2);
    const spatial = Array.from({ length: rank }, () => int(1, rank === 3 ? 4 : 6));
    const kernel = Array.from({ length: rank }, () => int(1, 4));
    const strides = Array.from({ length: rank }, () => int(1, 3));
    const dilations = Array.from({ length: rank }, () => (next() < 0.6 ? 1 : int(2, 3)));
    const base: Spec = {
      input: channelsLast ? [batch, ...spatial, channels] : [batch, channels, ...spatial],
      layout,
      out_channels: group * int(1, 2),
      group,
      kernel,
      strides,
      dilations,
      bias: next() < 0.5,
    };
    const full = spatial.map((size, a) => (size - 1) * strides[a]! + dilations[a]! * (kernel[a]! - 1) + 1);
    const mode = MODES[int(0, MODES.length - 1)]!;
    let spec: Spec;
    if (mode === 'padding') {
      spec = {
        ...base,
        padding: full.map((size) => int(0, Math.floor((size - 1) / 2))),
        output_padding: strides.map((s, a) => int(0, Math.max(s, dilations[a]!) - 1)),
      };
    } else if (mode === 'output_size') {
      const padding = full.map((size) => int(0, Math.floor((size - 1) / 2)));
      spec = {
        ...base,
        padding,
        output_shape: full.map((size, a) => size - 2 * padding[a]! + (next() < 0.5 ? 0 : strides[a]! - 1)),
      };
    } else if (mode === 'onnx-pads') {
      const begins = full.map((size) => int(0, Math.floor((size - 1) / 2)));
      const ends = full.map((size) => int(0, Math.floor((size - 1) / 2)));
      spec = { ...base, padding: { pads: [...begins, ...ends] } };
    } else {
      spec = {
        ...base,
        padding: { auto_pad: 'NOTSET' },
        output_shape: full.map((size, a) => int(Math.max(1, size - 3), size + strides[a]! + 2)),
      };
    }
    if (resolveGeometry({ name: 'random', ...spec }).ok) return spec;
  }
}

const RANDOM_CASES = 240;
const randomSpecs: Spec[] = (() => {
  const next = seededRandom(0x70c4);
  return Array.from({ length: RANDOM_CASES }, () => randomSpec(next));
})();

// ---------------------------------------------------------------- tests

if (!availability.ok) {
  if (process.env['CI']) {
    it('torch is installed (required on CI)', () => {
      expect.fail(`the torch runner cannot load PyTorch on CI: ${availability.message}`);
    });
  } else {
    it.skip(`torch runner tests skipped: ${availability.message}`, () => {});
  }
}

describe.skipIf(!availability.ok)('torch runner', () => {
  it('loads PyTorch 2.13 (CPU) and says which Python', () => {
    expect(availability.ok && availability.version).toMatch(/^torch 2\.13\.\d+(\+cpu)? \(python 3\.\d+\.\d+\)$/);
  });

  describe('PyTorch documented examples (ConvTranspose2d, x = [[0, 1], [2, 3]], k = [[4, 7], [2, 2]])', () => {
    const tensors = { input: Float32Array.of(0, 1, 2, 3), weight: Float32Array.of(4, 7, 2, 2), bias: null };
    const docCase = (padding: number): { geometry: ConvTransposeGeometry; expression: Expression } => {
      const geometry = geometryOf({ input: [1, 1, 2, 2], out_channels: 1, kernel: [2, 2], padding });
      const plan = torchRunner.plan(geometry);
      if (!plan.supported) throw new Error(plan.reason);
      return { geometry, expression: plan.expressions[0]! };
    };

    it('padding 0 -> [[0, 4, 7], [8, 28, 23], [4, 10, 6]]', async () => {
      const { geometry, expression } = docCase(0);
      const result = await torchRunner.execute(geometry, expression, tensors);
      expect(result).toEqual({
        status: 'ok',
        output: Float32Array.of(0, 4, 7, 8, 28, 23, 4, 10, 6),
        shape: [1, 1, 3, 3],
      });
    });

    it('padding 1 -> [[28]]', async () => {
      const { geometry, expression } = docCase(1);
      expect(expression.call.attributes).toMatchObject({ padding: [1, 1], output_padding: [0, 0] });
      const result = await torchRunner.execute(geometry, expression, tensors);
      expect(result).toEqual({ status: 'ok', output: Float32Array.of(28), shape: [1, 1, 1, 1] });
    });
  });

  describe('hand-picked geometries match the reference', () => {
    for (const [name, { spec, variants }] of Object.entries(CASES)) {
      it(`${name} (${variants.join(', ')})`, async () => {
        expect(await expectMatchesReference(name, spec)).toEqual(variants);
      });
    }
  });

  describe(`${RANDOM_CASES} seeded random geometries match the reference`, () => {
    it('cover every variant and feature', () => {
      const geometries = randomSpecs.map((spec, index) => geometryOf(spec, `random-${index}`));
      const variants = new Set(
        geometries.flatMap((g) => {
          const plan = torchRunner.plan(g);
          return plan.supported ? plan.expressions.map((e) => e.variant) : [];
        }),
      );
      expect([...variants].sort()).toEqual(['full+crop', 'output_size', 'padding']);
      const some = (predicate: (g: ConvTransposeGeometry) => boolean): boolean => geometries.some(predicate);
      expect(some((g) => g.rank === 1) && some((g) => g.rank === 2) && some((g) => g.rank === 3)).toBe(true);
      expect(some((g) => g.group > 1 && g.outChannelsPerGroup > 1)).toBe(true);
      expect(some((g) => g.channelsLast && g.hasBias && g.batch === 2)).toBe(true);
      expect(some((g) => g.axes.some((a) => a.outputPadding >= a.stride && a.outputPadding < a.dilation))).toBe(true);
      const emulated = (g: ConvTransposeGeometry): boolean => {
        const plan = torchRunner.plan(g);
        return plan.supported && plan.expressions[0]!.variant === 'full+crop';
      };
      expect(some((g) => emulated(g) && g.axes.some((a) => a.endCrop < 0))).toBe(true);
      expect(some((g) => emulated(g) && g.axes.some((a) => a.endCrop >= 0 && a.beginCrop > a.endCrop))).toBe(true);
    });

    for (let start = 0; start < RANDOM_CASES; start += 40) {
      it(`cases ${start}..${start + 39}`, async () => {
        for (let index = start; index < Math.min(start + 40, RANDOM_CASES); index++) {
          await expectMatchesReference(`random-${index}`, randomSpecs[index]!, index);
        }
      });
    }
  });

  describe('plan and calls', () => {
    it('describes the functional call, the module call and channels-last transpositions', () => {
      const { expressions } = setup('nhwc-bias-batch2', CASES['nhwc-bias-batch2']!.spec);
      expect(expressions[0]).toEqual({
        variant: 'padding',
        call: {
          op: 'torch.nn.functional.conv_transpose2d',
          attributes: {
            api: 'torch.nn.functional.conv_transpose',
            stride: [2, 3],
            padding: [1, 0],
            output_padding: [1, 2],
            groups: 1,
            dilation: [1, 1],
          },
          layouts: {
            input: "NCHW (tconv transposes from the case's NHWC)",
            weight: 'C,M/group,k...',
            bias: 'M',
            output: "NCHW (tconv transposes to the case's NHWC)",
          },
          shapes: { input: [2, 3, 4, 5], weight: [3, 4, 3, 2], bias: [4], output: [2, 4, 8, 16] },
        },
      });
      expect(expressions[1]).toMatchObject({
        variant: 'output_size',
        call: {
          op: 'torch.nn.ConvTranspose2d.forward(output_size)',
          attributes: {
            stride: [2, 3],
            padding: [1, 0],
            output_padding: [0, 0],
            groups: 1,
            dilation: [1, 1],
            output_size: [8, 16],
          },
        },
      });
    });

    it('labels the emulation with the reason and the crop, and describes the full-size call', () => {
      const { expressions } = setup('onnx-output-shape-past-full', CASES['onnx-output-shape-past-full']!.spec);
      expect(expressions).toHaveLength(1);
      const [emulated] = expressions;
      expect(emulated!.emulation).toMatch(
        /^PyTorch cannot spell this geometry \(needs output_padding 3: .*\); torch computes the full output 9x9 \(padding 0, output_padding 0\) and tconv keeps \[begin, begin \+ o\) per axis \(begin 0,0, o 12x9\), appending bias-only rows past the full size$/,
      );
      expect(emulated!.call).toMatchObject({
        op: 'torch.nn.functional.conv_transpose2d',
        attributes: { stride: [2, 2], padding: [0, 0], output_padding: [0, 0], groups: 1, dilation: [1, 1] },
        shapes: { input: [1, 1, 4, 4], output: [1, 2, 9, 9] },
      });
      const asymmetric = setup('onnx-asymmetric-pads', CASES['onnx-asymmetric-pads']!.spec).expressions[0]!;
      expect(asymmetric.emulation).toMatch(/^PyTorch cannot spell this geometry \(asymmetric crop \(begin 0, end 2\)/);
    });

    it('the emulated crop keeps full[begin, begin + o) and fills bias past the full size', async () => {
      const { geometry, expressions } = setup(
        'onnx-output-shape-past-full',
        CASES['onnx-output-shape-past-full']!.spec,
      );
      const tensors = {
        input: new Float32Array(16).fill(1),
        weight: new Float32Array(18).fill(1),
        bias: Float32Array.of(0.5, -2),
      };
      const result = await torchRunner.execute(geometry, expressions[0]!, tensors);
      expectOk(result, 'torch');
      expect(result.shape).toEqual([1, 2, 12, 9]);
      // Rows 9..11 of both channels are past the full 9 rows: bias only.
      expect([...result.output.subarray(9 * 9, 12 * 9)]).toEqual(new Array(27).fill(0.5));
      expect([...result.output.subarray(12 * 9 + 9 * 9, 2 * 12 * 9)]).toEqual(new Array(27).fill(-2));
      expect(result.output[0]).toBe(1.5); // full[0][0] = one tap, plus bias
    });
  });

  describe('errors', () => {
    it("returns PyTorch's output_size range error as status 'error' (forced through execute)", async () => {
      const { geometry, tensors, expressions } = setup('output-size-max', CASES['output-size-max']!.spec);
      const planned = expressions.find((e) => e.variant === 'output_size')!;
      const forced: Expression = {
        ...planned,
        call: { ...planned.call, attributes: { ...planned.call.attributes, output_size: [13, 12] } },
      };
      const result = await torchRunner.execute(geometry, forced, tensors);
      expect(result).toEqual({
        status: 'error',
        message: expect.stringMatching(
          /^ValueError: requested an output size of \[13, 12\], but valid sizes range from \[10, 10\] to \[12, 12\]/,
        ),
      });
    });

    it("returns PyTorch's output_padding error from the functional call", async () => {
      const { geometry, tensors, expressions } = setup('2d-op1-doubling', CASES['2d-op1-doubling']!.spec);
      const planned = expressions.find((e) => e.variant === 'padding')!;
      const forced: Expression = {
        ...planned,
        call: { ...planned.call, attributes: { ...planned.call.attributes, output_padding: [2, 1] } },
      };
      const result = await torchRunner.execute(geometry, forced, tensors);
      expect(result).toMatchObject({
        status: 'error',
        message: expect.stringMatching(/output padding must be smaller than either stride or dilation/),
      });
    });

    it('throws (a harness bug, not a PyTorch error) for a call it did not plan', async () => {
      const { geometry, tensors } = setup('2d-op1-doubling', CASES['2d-op1-doubling']!.spec);
      const bogus = unplannedExpression('same', 'torch.nn.functional.conv_transpose2d');
      await expect(torchRunner.execute(geometry, bogus, tensors)).rejects.toThrow(/no variant 'same'/);
    });

    it('a bridge that dies mid-request is a crash of that request, and the next request starts a new bridge', async () => {
      const { geometry, tensors, expressions } = setup('2d-op1-doubling', CASES['2d-op1-doubling']!.spec);
      const before = await torchRunner.execute(geometry, expressions[0]!, tensors);
      expectOk(before, 'torch');
      const pid = bridgePid()!;
      // Killed before tconv notices: the request goes to a process that can no longer answer.
      process.kill(pid, 'SIGKILL');
      const pending = torchRunner.execute(geometry, expressions[0]!, tensors);
      expect(await pending).toEqual({ status: 'crashed', signal: 'killed by SIGKILL', stderrTail: expect.any(String) });
      const after = await torchRunner.execute(geometry, expressions[0]!, tensors);
      expect(after).toEqual(before);
      expect(bridgePid()).not.toBe(pid);
    });

    it('pipelined requests come back in order', async () => {
      const runs = Object.entries(CASES)
        .filter(([name]) => name !== 'large-frames')
        .map(([name, { spec }]) => setup(name, spec));
      const results = await Promise.all(
        runs.map(({ geometry, tensors, expressions }) => torchRunner.execute(geometry, expressions[0]!, tensors)),
      );
      results.forEach((result, index) => {
        expectOk(result, 'torch');
        expect(result.shape).toEqual(runs[index]!.geometry.outputShape);
        expect(outOfBound(runs[index]!.geometry, runs[index]!.tensors, result.output)).toEqual([]);
      });
    });
  });

  describe('throughput (small cases)', () => {
    const small = Array.from({ length: 50 }, (_, index) =>
      setup(
        `small-${index}`,
        { input: [1, 2, 5, 5], out_channels: 2, kernel: [3, 3], strides: 2, padding: 1, output_padding: 1, bias: true },
        index,
      ),
    );

    it('in process: hundreds of cases per second through the bridge', async () => {
      const rounds = 10;
      const started = performance.now();
      for (let round = 0; round < rounds; round++) {
        for (const { geometry, tensors, expressions } of small)
          expectOk(await torchRunner.execute(geometry, expressions[0]!, tensors), 'torch');
      }
      const seconds = (performance.now() - started) / 1000;
      const perSecond = (rounds * small.length) / seconds;
      console.log(
        `torch runner, in process: ${perSecond.toFixed(0)} cases/s (${((1000 * seconds) / (rounds * small.length)).toFixed(3)} ms per case)`,
      );
      expect(perSecond).toBeGreaterThan(100);
    });

    it('isolated (the runner host child process, as tconv runs it)', async () => {
      const source = {
        modulePath: fileURLToPath(new URL('../runners/torch.ts', import.meta.url)),
        exportName: 'torchRunner',
      };
      const opened = performance.now();
      const session = await openIsolatedSession(torchRunner, source);
      const startMs = performance.now() - opened;
      try {
        expect(session.version).toBe(availability.ok ? availability.version : '');
        const started = performance.now();
        for (const { geometry, tensors } of small) {
          const results = await session.runCase(geometry, tensors);
          expect(results.map((r) => r.outcome.status)).toEqual(['ok', 'ok']);
        }
        const seconds = (performance.now() - started) / 1000;
        const variants = small.length * 2;
        console.log(
          `torch runner, isolated: child + bridge start ${startMs.toFixed(0)} ms; ${(variants / seconds).toFixed(0)} variants/s`,
        );
        expect(variants / seconds).toBeGreaterThan(50);
      } finally {
        await session.close();
      }
    }, 120_000);
  });
});
