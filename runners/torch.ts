/**
 * PyTorch (CPU) as a runner: runners/torch/bridge.py, an implementation of the public
 * external-runner protocol (docs/runner-protocol.md) speaking the `torch` convention, run by the
 * same machinery as `--runner-exec` runners (runners/external/). Variants are PyTorch's own
 * spellings of the geometry (runners/torch/call.ts): 'padding' (the functional call that
 * forward(x) makes), 'output_size' (forward(x, output_size)), and the labelled emulation
 * 'full+crop' where PyTorch cannot spell the geometry.
 */
import { repositoryPath } from '../src/paths.js';
import type { RunnerSession } from '../src/run/session.js';
import { DEFAULT_TIMEOUT_MS } from './host/session.js';
import { externalRunner, type ExternalRunnerSpec } from './external/runner.js';
import { openExternalSession } from './external/session.js';
import { choosePython, installHint, type PythonChoice } from './torch/python.js';

const BRIDGE_PATH = repositoryPath('runners', 'torch', 'bridge.py');

/** Which interpreter, and why that one, for messages. */
function where(python: PythonChoice): string {
  if (python.source === 'TCONV_PYTHON') return `TCONV_PYTHON=${python.executable}`;
  if (python.source === 'venv') return `the tconv venv's python (${python.executable})`;
  return `${python.executable} (no TCONV_PYTHON, no tconv venv)`;
}

function torchSpec(timeoutMs: number): ExternalRunnerSpec {
  return {
    name: 'torch',
    convention: 'torch',
    timeoutMs,
    command: () => ({
      program: choosePython().executable,
      args: ['-u', BRIDGE_PATH],
      env: {
        ...process.env,
        PYTHONDONTWRITEBYTECODE: '1',
        // Before torch loads: one intra-op thread (bridge.py also calls set_num_threads(1)).
        OMP_NUM_THREADS: '1',
        MKL_NUM_THREADS: '1',
      },
    }),
    unavailable: (reason) => {
      const python = choosePython();
      const notFound = /could not be started|ENOENT/.test(reason);
      const what = notFound ? `torch cannot be used: ${where(python)} was not found` : `${where(python)}: ${reason}`;
      return `${what}. ${installHint(python, notFound)}`;
    },
    describe: (hello) => `torch ${hello.version}`,
  };
}

export const torchRunner = externalRunner(torchSpec(DEFAULT_TIMEOUT_MS));

export const openTorchSession = ({ timeoutMs }: { readonly timeoutMs: number }): Promise<RunnerSession> =>
  openExternalSession(torchSpec(timeoutMs));
