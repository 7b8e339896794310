/**
 * The Node side of the external-runner protocol (runners/external/): frames, hello checks, the
 * command-line registration (`--runner-exec`, `--runner-module`) and its usage errors, and merge
 * of reports that name an external runner. The runners themselves (Python helper, raw protocol,
 * faults) are driven in test/external-python.test.ts; the torch runner speaks it in every
 * test/runner-torch.test.ts run.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameError, FrameReader, type WireTensor } from '../runners/external/frames.js';
import { HelloRefused, parseHello, parseReply, ProtocolViolation } from '../runners/external/messages.js';
import { commandWords, parseRunnerExec } from '../runners/external/command.js';
import { UserError } from '../src/errors.js';
import { runCli } from './helpers/cli.js';
import { venvPython } from '../runners/torch/python.js';

const UNLIMITED = (): number => Number.MAX_SAFE_INTEGER;
const joined = (parts: readonly Uint8Array[]): Buffer => Buffer.concat(parts.map((part) => Buffer.from(part)));
const PY = venvPython();

describe('frames', () => {
  it('round-trip headers and float32/float64 tensors through any chunking', () => {
    fc.assert(
      fc.property(
        fc.array(fc.float({ noNaN: true }), { maxLength: 40 }),
        fc.array(fc.double({ noNaN: true }), { maxLength: 20 }),
        fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1, maxLength: 20 }),
        (singles, doubles, cuts) => {
          const tensors: WireTensor[] = [
            { name: 'a', dtype: 'float32', shape: [singles.length], data: Float32Array.from(singles) },
            { name: 'b', dtype: 'float64', shape: [1, doubles.length], data: Float64Array.from(doubles) },
          ];
          const bytes = Buffer.concat([
            joined(encodeFrame({ type: 'result', id: 3 }, tensors)),
            joined(encodeFrame({ type: 'error', id: 4, message: 'é' })),
          ]);
          const reader = new FrameReader(UNLIMITED);
          const frames = [];
          for (let at = 0, i = 0; at < bytes.length; i++) {
            const size = cuts[i % cuts.length]!;
            frames.push(...reader.push(bytes.subarray(at, at + size)));
            at += size;
          }
          expect(frames.map((frame) => frame.header['id'])).toEqual([3, 4]);
          expect([...frames[0]!.tensors[0]!.data]).toEqual([...Float32Array.from(singles)]);
          expect([...frames[0]!.tensors[1]!.data]).toEqual(doubles);
          expect(frames[1]!.header['message']).toBe('é');
        },
      ),
    );
  });

  it.each([
    ['a header over 16 MiB', Buffer.from([0xff, 0xff, 0xff, 0x7f]), /header of \d+ bytes/],
    ['a header that is not JSON', Buffer.concat([Buffer.from([3, 0, 0, 0]), Buffer.from('abc')]), /not JSON/],
    ['a JSON array', Buffer.concat([Buffer.from([2, 0, 0, 0]), Buffer.from('[]')]), /not a JSON object/],
    [
      'an unknown dtype',
      joined(encodeFrame({ tensors: [{ name: 'x', dtype: 'int8', shape: [1] }] })),
      /dtype is "int8"/,
    ],
  ])('refuse %s', (_, bytes, message) => {
    expect(() => new FrameReader(UNLIMITED).push(bytes)).toThrow(message);
  });

  it('refuse a payload over the limit before it arrives', () => {
    const frame = encodeFrame({ id: 1 }, [
      { name: 'o', dtype: 'float32', shape: [1000], data: new Float32Array(1000) },
    ]);
    const reader = new FrameReader(() => 100);
    expect(() => reader.push(joined(frame).subarray(0, 200))).toThrow(FrameError);
  });
});

describe('messages', () => {
  const frame = (header: Record<string, unknown>) => ({ header, tensors: [] });
  it('a hello with defaults by convention', () => {
    expect(parseHello(frame({ type: 'hello', protocol: 1, name: 'x', version: '1', convention: 'tf' }))).toEqual({
      name: 'x',
      version: '1',
      convention: 'tf',
      layout: 'channels_last',
      maxInFlight: 1,
    });
  });
  it.each([
    [
      { type: 'hello', protocol: 2, name: 'x', version: '1', convention: 'onnx' },
      /speaks protocol 2; this tconv speaks protocol 1/,
    ],
    [{ type: 'hello', protocol: 1, error: 'no GPU' }, /cannot run: no GPU/],
    [{ type: 'run', id: 1 }, /first frame must be a hello/],
    [
      { type: 'hello', protocol: 1, name: 'x', version: '1', convention: 'mxnet', max_in_flight: 0 },
      /`convention`.*`max_in_flight`/,
    ],
  ])('refuse hello %j', (header, message) => {
    expect(() => parseHello(frame(header))).toThrow(HelloRefused);
    expect(() => parseHello(frame(header))).toThrow(message);
  });
  it.each([
    [{ type: 'result', id: 1 }, /has 0 tensors, expected 1/],
    [{ type: 'done', id: 1 }, /type "done"/],
    [{ type: 'error' }, /without a valid `id`/],
  ])('refuse reply %j', (header, message) => {
    expect(() => parseReply(frame(header))).toThrow(ProtocolViolation);
    expect(() => parseReply(frame(header))).toThrow(message);
  });
});

describe('--runner-exec values', () => {
  it('split like a shell, without one', () => {
    expect(commandWords('runner-exec', `py "my runner.py" --x=$HOME a\\ b 'c d'`)).toEqual([
      'py',
      'my runner.py',
      '--x=$HOME',
      'a b',
      'c d',
    ]);
    const parsed = parseRunnerExec('mine=node --version');
    expect(parsed).toMatchObject({ name: 'mine', args: ['--version'] });
    expect(parsed.program).toMatch(/\/node$/);
  });
  it.each([
    ['mine', /expects NAME=COMMAND/],
    ['=python3 x.py', /expects NAME=COMMAND/],
    ['Mine!=python3', /must match/],
    ['torch=python3 x.py', /built-in runner's name/],
    ['mine=python3 x.py | tee log', /'\|', which needs a shell/],
    ['mine=./no/such/program', /is not an executable file/],
    ['mine=no-such-program-tconv', /not found on PATH/],
  ])('%s is a usage error', (value, message) => {
    expect(() => parseRunnerExec(value)).toThrow(UserError);
    expect(() => parseRunnerExec(value)).toThrow(message);
  });
});

describe('the CLI with registered runners', () => {
  it('a usage error exits 2 before any work', async () => {
    const result = await runCli(['run', 'cases/seeds.yaml', '--runner-exec', 'onnxruntime=python3 x.py']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("'onnxruntime' is a built-in runner's name");
    expect(result.stdout).toBe('');
  });

  it('a runner whose hello fails exits 3, saying why', async () => {
    const result = await runCli(['run', 'cases/seeds.yaml', '--runners', 'x', '--runner-exec', 'x=node -e 0']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/runner x is unavailable: .*exited with code 0 before its hello/);
  });

  it('a JS module runner runs isolated under its new name', async () => {
    const result = await runCli([
      'run',
      'cases/seeds.yaml',
      '--runners',
      'mine',
      '--runner-module',
      'mine=test/fixtures/module-runner.ts',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^mine float64\s+\d+$/m);
    expect(result.stdout).toMatch(/^\d+ passed, 0 failed, 0 skipped$/m);
    const missing = await runCli(['run', 'cases/seeds.yaml', '--runner-module', 'm=test/fixtures/none.ts']);
    expect(missing.code).toBe(2);
    const noRunner = await runCli(['run', 'cases/seeds.yaml', '--runner-module', 'm=test/helpers/cli.ts']);
    expect(noRunner.code).toBe(2);
    expect(noRunner.stderr).toContain("has no Runner export 'default'");
  });

  it('eval and shards of a run with an external runner merge like built-ins', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tconv-external-'));
    const exec = `numpy=${PY} examples/numpy-deconv/deconv.py`;
    const shard = (i: number) =>
      runCli(
        [
          'run',
          'cases/seeds.yaml',
          '--runners',
          'numpy',
          '--runner-exec',
          exec,
          '--shard',
          `${i}/2`,
          '--json',
          join(dir, `s${i}.json`),
        ],
        {
          timeoutMs: 120_000,
        },
      );
    const shards = await Promise.all([shard(1), shard(2)]);
    expect(shards.map((s) => s.code)).toEqual([0, 0]);
    const merged = await runCli(['merge', join(dir, 's1.json'), join(dir, 's2.json'), '--json', join(dir, 'all.json')]);
    expect(merged.code).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'all.json'), 'utf8')) as {
      environment: { runners: Record<string, string> };
    };
    expect(report.environment.runners['numpy']).toMatch(/^numpy-deconv /);
    const evaluated = await runCli(
      [
        'eval',
        'cases/seeds.yaml',
        '--case',
        'tf-doc-same-stride2',
        '--runner',
        'numpy',
        '--runner-exec',
        exec,
        '--format',
        'json',
      ],
      { timeoutMs: 120_000 },
    );
    expect(evaluated.code).toBe(0);
    expect(JSON.parse(evaluated.stdout)).toEqual([
      expect.objectContaining({ runner: 'numpy', variant: 'canonical', status: 'ok', shape: [1, 4, 4, 1] }),
    ]);
  }, 180_000);
});
