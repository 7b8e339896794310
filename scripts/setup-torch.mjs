#!/usr/bin/env node
// tconv torch setup: a Python virtual environment with PyTorch (CPU) and numpy for the `torch`
// runner, which drives PyTorch through a persistent Python child (runners/torch/bridge.py), plus
// tensorflow-cpu 2.21 (with Keras 3), onnx and onnxruntime for the test that executes every
// spelling `tconv explain` prints in its framework (test/spellings-frameworks.test.ts).
//
//   node scripts/setup-torch.mjs           check; create the venv and pip install what is missing
//   node scripts/setup-torch.mjs --quiet   only errors and a one-line summary (nothing when ready)
//   node scripts/setup-torch.mjs --check   verify only, install nothing (exit 3 when not ready)
//
// The venv lives outside the repository, in ${TCONV_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/tconv}:
//   python/                 the venv (torch 2.13.* CPU + numpy, tensorflow-cpu, onnx, onnxruntime, ~2.5 GB)
//   setup-torch.log         pip's output of the last install
//   setup-torch.lock        held while installing (parallel setups wait for each other)
//
// The interpreter the runner uses is the same one this script checks: $TCONV_PYTHON when set
// (then this script only verifies it and never installs into it; missing extras are only a
// warning there), else the venv's python when the venv exists, else python3. A venv made before
// the extras were added gets only the extras installed. The tensorflow-cpu wheel that
// scripts/setup.mjs downloaded into wheel/ is installed from there when it fits the venv's Python.
//
// Environment: TCONV_CACHE_DIR, TCONV_PYTHON (use this interpreter instead of the venv),
// TCONV_BASE_PYTHON (interpreter that creates the venv, default python3), TCONV_TORCH_INDEX_URL
// (extra pip index with CPU wheels, default https://download.pytorch.org/whl/cpu, used only when
// pip's own indexes offer no +cpu build of torch on Linux; 'none' disables it),
// TCONV_LOCK_TIMEOUT (seconds to wait for another setup, default 1800), PIP_RETRIES (default 1
// here, not pip's 5, so that an unreachable index costs little).
//
// Exit codes: 0 ready, 2 bad usage, 3 not ready / setup failed.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { clearTimeout } from 'node:timers';
import { fileLock } from './lib/lock.mjs';

const TORCH_SPEC = 'torch==2.13.*';
const NUMPY_SPEC = 'numpy';
// For tests only (the runners do not need them): distribution name -> pip requirement. Keras 3
// comes with tensorflow-cpu. test/spellings-frameworks.test.ts runs the frameworks;
// test/yaml-readers.test.ts reads the bundled case files with PyYAML (a YAML 1.1 reader).
const EXTRAS = {
  'tensorflow-cpu': 'tensorflow-cpu==2.21.*',
  keras: 'keras',
  onnx: 'onnx',
  onnxruntime: 'onnxruntime',
  PyYAML: 'PyYAML',
};
const TF_WHEEL_RE = /^tensorflow_cpu-2\.21\.\d+-(cp\d+)-.+\.whl$/;
const DEFAULT_CPU_INDEX = 'https://download.pytorch.org/whl/cpu';
const EXIT_USAGE = 2;
const EXIT_NOT_READY = 3;
const PROBE_TIMEOUT_MS = 120_000;
const PIP_TIMEOUT_MS = 30 * 60_000;

const USAGE = `usage: node scripts/setup-torch.mjs [--quiet] [--check]
  --quiet  print only errors and a one-line summary (nothing when already set up)
  --check  verify only, install nothing; exit 3 when torch is not importable`;

const opts = { quiet: false, check: false };
for (const arg of process.argv.slice(2)) {
  if (arg === '--quiet' || arg === '-q') opts.quiet = true;
  else if (arg === '--check') opts.check = true;
  else if (arg === '--help' || arg === '-h') {
    console.log(USAGE);
    process.exit(0);
  } else {
    console.error(`tconv setup-torch: unknown argument ${JSON.stringify(arg)}\n${USAGE}`);
    process.exit(EXIT_USAGE);
  }
}

const t0 = Date.now();
const secs = (since) => `${((Date.now() - since) / 1000).toFixed(1)}s`;
const say = (line) => {
  if (!opts.quiet) console.log(`tconv setup-torch: ${line}`);
};
const indent = (text, pad = '    ') =>
  text
    .split('\n')
    .map((line) => pad + line)
    .join('\n');

/** A failure for the user: what is wrong and how to fix it. */
class SetupError extends Error {
  constructor(what, fix) {
    super(what);
    this.fix = fix;
  }
}

const CACHE_DIR = path.resolve(
  process.env.TCONV_CACHE_DIR || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'tconv'),
);
const VENV_DIR = path.join(CACHE_DIR, 'python');
const VENV_PYTHON = path.join(VENV_DIR, 'bin', 'python');
const LOG_PATH = path.join(CACHE_DIR, 'setup-torch.log');
const LOCK_PATH = path.join(CACHE_DIR, 'setup-torch.lock');
const EXPLICIT_PYTHON = process.env.TCONV_PYTHON || '';
const BASE_PYTHON = process.env.TCONV_BASE_PYTHON || 'python3';

const lastLines = (text, n) => text.trimEnd().split('\n').slice(-n).join('\n');

/** The lines of pip's output that say what went wrong (else its last lines). */
function keyLines(text, n = 4) {
  const lines = text.split('\n').map((line) => line.trimEnd());
  const hits = [...new Set(lines.filter((line) => /^\s*ERROR\b|\bError\b|No matching distribution/.test(line)))];
  if (hits.length) return hits.slice(-n).join('\n');
  return lastLines(lines.filter((line) => /\S/.test(line)).join('\n'), n);
}

// ---------------------------------------------------------------------------------------------
// Probe: import torch and numpy in a child, and run PyTorch's documented ConvTranspose2d example.

const PROBE_SOURCE = String.raw`
import json, platform, sys
out = {"python": platform.python_version(), "executable": sys.executable}
try:
    import torch
    out["torch"] = torch.__version__
    import numpy
    out["numpy"] = numpy.__version__
    out["cuda"] = torch.version.cuda
    x = torch.tensor([[[[0.0, 1.0], [2.0, 3.0]]]])
    w = torch.tensor([[[[4.0, 7.0], [2.0, 2.0]]]])
    with torch.no_grad():
        y = torch.nn.functional.conv_transpose2d(x, w)
    out["got"] = y.flatten().tolist()
    out["ok"] = out["got"] == [0.0, 4.0, 7.0, 8.0, 28.0, 23.0, 4.0, 10.0, 6.0]
    if not out["ok"]:
        out["error"] = "conv_transpose2d gave %s, expected [0, 4, 7, 8, 28, 23, 4, 10, 6]" % out["got"]
except Exception as error:
    out["ok"] = False
    out["error"] = "%s: %s" % (type(error).__name__, error)
# The extras are looked up, not imported (importing tensorflow costs seconds on every setup).
import importlib.metadata as metadata
out["extras"] = {}
for name, requirement in EXTRAS_JSON.items():
    try:
        version = metadata.version(name)
    except metadata.PackageNotFoundError:
        continue
    if "==" not in requirement or version.startswith(requirement.split("==")[1].rstrip("*")):
        out["extras"][name] = version
print("@@tconv-probe " + json.dumps(out))
`;

/** { ok, python, torch?, numpy?, error? } for an interpreter. */
function probe(python) {
  const source = PROBE_SOURCE.replace('EXTRAS_JSON', JSON.stringify(EXTRAS));
  const res = spawnSync(python, ['-c', source], {
    encoding: 'utf8',
    timeout: PROBE_TIMEOUT_MS,
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', OMP_NUM_THREADS: '1' },
  });
  const line = (res.stdout || '').split('\n').find((l) => l.startsWith('@@tconv-probe '));
  if (line) {
    try {
      return JSON.parse(line.slice('@@tconv-probe '.length));
    } catch {
      /* garbled: fall through */
    }
  }
  const how = res.error
    ? res.error.code === 'ENOENT'
      ? 'was not found'
      : res.error.code === 'ETIMEDOUT'
        ? `timed out after ${PROBE_TIMEOUT_MS / 1000}s`
        : res.error.message
    : res.signal
      ? `was killed by ${res.signal}`
      : `exited with code ${res.status}`;
  const stderr = (res.stderr || '').trim();
  return { ok: false, error: `${python} ${how}${stderr ? `:\n${lastLines(stderr, 6)}` : ''}` };
}

/** The extras (package names) the probed interpreter lacks. */
const missingExtras = (p) => Object.keys(EXTRAS).filter((name) => !(p.extras && name in p.extras));

const summary = (p, python) =>
  `ready: torch ${p.torch} (python ${p.python}, numpy ${p.numpy}; ${Object.entries(p.extras ?? {})
    .map(([name, version]) => `${name} ${version}`)
    .join(', ')}) at ${python}; ConvTranspose2d check passed`;

// ---------------------------------------------------------------------------------------------
// Child processes (async, so the lock heartbeat keeps running during pip)

let logFd = null;
const logWrite = (text) => {
  if (logFd !== null) fs.writeSync(logFd, text);
};

function run(cmd, args, timeoutMs = PIP_TIMEOUT_MS) {
  logWrite(`\n$ ${[cmd, ...args].join(' ')}\n`);
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(cmd, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        // One retry per URL instead of pip's five: an unreachable index (a machine with only a
        // local index) otherwise costs ~8 s per package looked up. PIP_RETRIES in the caller's
        // environment wins.
        PIP_RETRIES: '1',
        ...process.env,
        PIP_DISABLE_PIP_VERSION_CHECK: '1',
        PIP_NO_INPUT: '1',
        PYTHONDONTWRITEBYTECODE: '1',
      },
    });
    const onData = (chunk) => {
      logWrite(chunk.toString());
      output = (output + chunk.toString()).slice(-65536);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
    }, timeoutMs);
    child.on('error', (error) => {
      output += `\n${error.message}`;
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      logWrite(`(exit ${code ?? signal}${timedOut ? ', timed out' : ''})\n`);
      resolve({ ok: code === 0 && !timedOut, code, signal, timedOut, output });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Lock: one torch setup at a time per cache directory (scripts/lib/lock.mjs)

const lock = fileLock({
  path: LOCK_PATH,
  what: 'torch setup',
  say,
  failure: (message, fix) => new SetupError(message, fix),
});
const acquireLock = () => lock.acquire();
const releaseLock = () => lock.release();

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    releaseLock();
    process.exit(130);
  });
}

// ---------------------------------------------------------------------------------------------
// Installing

const FIX_BY_HAND =
  'or install PyTorch into any Python 3.9+ yourself (`python3 -m pip install torch numpy`, CPU wheels: ' +
  `--index-url ${DEFAULT_CPU_INDEX}) and set TCONV_PYTHON=/path/to/that/python`;

async function createVenv() {
  const broken = fs.existsSync(VENV_DIR);
  say(`${broken ? 'recreating the broken' : 'creating a'} Python venv at ${VENV_DIR} (with ${BASE_PYTHON})`);
  const res = await run(BASE_PYTHON, ['-m', 'venv', '--clear', VENV_DIR], 5 * 60_000);
  if (!res.ok) {
    const noEnsurepip = /ensurepip|python3-venv/.test(res.output);
    throw new SetupError(
      `${BASE_PYTHON} -m venv failed${res.code === null && !res.signal ? ' (is python3 installed?)' : ''}:\n${indent(keyLines(res.output))}`,
      noEnsurepip
        ? 'install the venv module (Debian/Ubuntu: apt-get install python3-venv) and rerun, ' + FIX_BY_HAND
        : `install Python 3 (Debian/Ubuntu: apt-get install python3 python3-venv) or set TCONV_BASE_PYTHON, and rerun; ${FIX_BY_HAND}`,
    );
  }
}

/**
 * Downloads only the torch wheel (no dependencies) into `dir` with pip: { wheel: path | null, output }.
 * `indexArgs` replace pip's configured sources (e.g. --index-url of the CPU index).
 */
async function downloadTorchWheel(dir, indexArgs) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const args = ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--progress-bar', 'off', '-d', dir];
  const res = await run(VENV_PYTHON, [...args, ...indexArgs, TORCH_SPEC]);
  const wheel = res.ok ? fs.readdirSync(dir).find((name) => /^torch-.+\.whl$/.test(name)) : undefined;
  return { wheel: wheel ? path.join(dir, wheel) : null, output: res.output };
}

/**
 * The torch wheel to install: from pip's own sources, or from PyTorch's CPU index when those
 * offer only a CUDA build (PyPI's Linux torch pulls ~3 GB of nvidia-* packages; the CPU build is
 * ~200 MB). Resolving torch alone first keeps this cheap when an index is slow or unreachable.
 */
async function torchWheel(tmp) {
  const started = Date.now();
  say(`pip download ${TORCH_SPEC} (the wheel alone, ~200 MB)`);
  const own = await downloadTorchWheel(path.join(tmp, 'own'), []);
  const isCpu = own.wheel !== null && /\+cpu-/.test(path.basename(own.wheel));
  const indexUrl = process.env.TCONV_TORCH_INDEX_URL ?? DEFAULT_CPU_INDEX;
  if (process.platform !== 'linux' || isCpu || indexUrl === '' || indexUrl === 'none') {
    if (own.wheel) say(`got ${path.basename(own.wheel)} (${secs(started)})`);
    return own;
  }
  say(
    `${own.wheel ? `pip's sources offer ${path.basename(own.wheel)}, not a CPU build` : "pip's sources offer no torch"}; trying ${indexUrl}`,
  );
  const cpu = await downloadTorchWheel(path.join(tmp, 'cpu'), ['--index-url', indexUrl]);
  if (cpu.wheel) {
    say(`got ${path.basename(cpu.wheel)} (${secs(started)})`);
    return cpu;
  }
  if (own.wheel) {
    say(`the CPU index failed; using ${path.basename(own.wheel)}`);
    return own;
  }
  return { wheel: null, output: `${own.output}\n${cpu.output}` };
}

function pipFailure(output, what) {
  const missing = /No matching distribution found for (\S+)/.exec(output);
  return new SetupError(
    `${what}${missing ? ` (no distribution of ${missing[1]} in pip's indexes)` : ''}:\n${indent(keyLines(output))}`,
    `make a pip index with torch 2.13 (CPU) reachable (pip config, PIP_INDEX_URL / PIP_FIND_LINKS, or ` +
      `TCONV_TORCH_INDEX_URL) and rerun \`node scripts/setup-torch.mjs\`; ${FIX_BY_HAND}. Full log: ${LOG_PATH}`,
  );
}

/** pip arguments for the extras the venv lacks; tensorflow-cpu from setup.mjs's cached wheel when it fits. */
function extraRequirements(missing) {
  const wheelDir = path.join(CACHE_DIR, 'wheel');
  const tag = `cp${pythonVersion(VENV_PYTHON).split('.').slice(0, 2).join('')}`;
  const cached = fs.existsSync(wheelDir)
    ? fs.readdirSync(wheelDir).find((name) => TF_WHEEL_RE.exec(name)?.[1] === tag)
    : undefined;
  return missing.map((name) => (name === 'tensorflow-cpu' && cached ? path.join(wheelDir, cached) : EXTRAS[name]));
}

async function installExtras(missing) {
  const requirements = extraRequirements(missing);
  const started = Date.now();
  say(`pip install ${requirements.map((r) => path.basename(r)).join(' ')} into the venv (for the tests)`);
  const res = await run(VENV_PYTHON, ['-m', 'pip', 'install', '--progress-bar', 'off', ...requirements]);
  if (!res.ok) throw pipFailure(res.output, `pip could not install ${requirements.join(' ')} into ${VENV_DIR}`);
  say(`pip finished (${secs(started)})`);
}

async function install(torchReady, missing) {
  fs.writeFileSync(LOG_PATH, `tconv setup-torch ${new Date().toISOString()} (pid ${process.pid})\n`);
  logFd = fs.openSync(LOG_PATH, 'a');
  if (torchReady) {
    await installExtras(missing);
    return;
  }
  const venvWorks =
    fs.existsSync(VENV_PYTHON) && spawnSync(VENV_PYTHON, ['-c', 'import pip'], { stdio: 'ignore' }).status === 0;
  if (!venvWorks) await createVenv();

  // Leftovers of interrupted runs (only the lock holder creates these).
  for (const name of fs.readdirSync(CACHE_DIR)) {
    if (/^torch-wheel\.tmp-\d+$/.test(name)) fs.rmSync(path.join(CACHE_DIR, name), { recursive: true, force: true });
  }
  const tmp = path.join(CACHE_DIR, `torch-wheel.tmp-${process.pid}`);
  try {
    const { wheel, output } = await torchWheel(tmp);
    if (!wheel)
      throw pipFailure(output, `pip could not download ${TORCH_SPEC} for python ${pythonVersion(VENV_PYTHON)}`);
    const started = Date.now();
    say(`pip install ${path.basename(wheel)} ${NUMPY_SPEC} and their dependencies into the venv`);
    const res = await run(VENV_PYTHON, ['-m', 'pip', 'install', '--progress-bar', 'off', wheel, NUMPY_SPEC]);
    if (!res.ok)
      throw pipFailure(res.output, `pip could not install ${path.basename(wheel)} ${NUMPY_SPEC} into ${VENV_DIR}`);
    say(`pip finished (${secs(started)})`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  await installExtras(Object.keys(EXTRAS));
}

function pythonVersion(python) {
  const res = spawnSync(python, ['-c', 'import platform; print(platform.python_version())'], { encoding: 'utf8' });
  return (res.stdout || '').trim() || '?';
}

function dirSizeMb(dir) {
  const res = spawnSync('du', ['-sm', dir], { encoding: 'utf8' });
  return res.status === 0 ? Number(res.stdout.split(/\s/)[0]) : null;
}

// ---------------------------------------------------------------------------------------------
// Main

async function main() {
  if (EXPLICIT_PYTHON) {
    // The user's own interpreter: verify only, never install into it.
    const p = probe(EXPLICIT_PYTHON);
    if (p.ok) {
      const missing = missingExtras(p);
      if (missing.length) {
        console.error(
          `tconv setup-torch: warning: TCONV_PYTHON=${EXPLICIT_PYTHON} lacks ${missing.join(', ')}: test/spellings-frameworks.test.ts will fail (\`${EXPLICIT_PYTHON} -m pip install ${missing.map((name) => `'${EXTRAS[name]}'`).join(' ')}\`)`,
        );
      }
      say(`${summary(p, EXPLICIT_PYTHON)} (TCONV_PYTHON; ${secs(t0)})`);
      return 0;
    }
    throw new SetupError(
      `TCONV_PYTHON=${EXPLICIT_PYTHON} cannot run PyTorch: ${p.error}`,
      `install it there (\`${EXPLICIT_PYTHON} -m pip install 'torch==2.13.*' numpy\`), or unset TCONV_PYTHON so that ` +
        `this script creates its own venv in ${VENV_DIR}`,
    );
  }

  const first = fs.existsSync(VENV_PYTHON) ? probe(VENV_PYTHON) : null;
  if (first?.ok && missingExtras(first).length === 0) {
    say(`${summary(first, VENV_PYTHON)} (${secs(t0)})`);
    return 0;
  }
  if (opts.check) {
    const why = first?.ok
      ? `the venv lacks ${missingExtras(first).join(', ')}`
      : first
        ? first.error
        : `no venv at ${VENV_DIR}`;
    console.error(
      `tconv setup-torch: not ready: ${why}\n  Fix: run \`node scripts/setup-torch.mjs\` to create it, ${FIX_BY_HAND}.`,
    );
    return EXIT_NOT_READY;
  }
  say(
    first?.ok
      ? `the venv lacks ${missingExtras(first).join(', ')}`
      : first
        ? `the venv cannot run PyTorch yet: ${first.error.split('\n')[0]}`
        : `no venv at ${VENV_DIR} yet`,
  );

  try {
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    fs.accessSync(CACHE_DIR, fs.constants.W_OK);
  } catch (error) {
    throw new SetupError(
      `cannot use the cache directory ${CACHE_DIR}: ${error.code || error.message}`,
      'make it writable, or set TCONV_CACHE_DIR to a writable directory (~1 GB needed)',
    );
  }
  await acquireLock();
  // Another setup may have finished while we waited.
  const again = fs.existsSync(VENV_PYTHON) ? probe(VENV_PYTHON) : null;
  const done = again?.ok && missingExtras(again).length === 0;
  if (!done) await install(again?.ok === true, again?.ok ? missingExtras(again) : Object.keys(EXTRAS));
  const final = done ? again : probe(VENV_PYTHON);
  releaseLock();
  if (final.ok && missingExtras(final).length) {
    throw new SetupError(
      `pip installed the extras but ${missingExtras(final).join(', ')} cannot be found in ${VENV_DIR}`,
      `delete ${VENV_DIR} and rerun \`node scripts/setup-torch.mjs\`. Log: ${LOG_PATH}`,
    );
  }
  if (!final.ok) {
    throw new SetupError(
      `torch was installed into ${VENV_DIR} but does not work: ${final.error}`,
      `delete ${VENV_DIR} and rerun \`node scripts/setup-torch.mjs\`; ${FIX_BY_HAND}. Log: ${LOG_PATH}`,
    );
  }
  const size = dirSizeMb(VENV_DIR);
  console.log(
    `tconv setup-torch: ${summary(final, VENV_PYTHON)}${size ? `; venv ${size} MB` : ''} (total ${secs(t0)})`,
  );
  return 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  releaseLock();
  if (error instanceof SetupError) {
    console.error(`tconv setup-torch: FAILED: ${error.message}\n  Fix: ${error.fix}`);
  } else {
    console.error(`tconv setup-torch: FAILED with an unexpected error: ${error && error.stack ? error.stack : error}`);
  }
  process.exitCode = EXIT_NOT_READY;
} finally {
  if (logFd !== null) fs.closeSync(logFd);
}
