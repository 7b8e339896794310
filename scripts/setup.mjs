#!/usr/bin/env node
// tconv setup: makes the native runners (@tensorflow/tfjs-node, onnxruntime-node) usable.
//
//   node scripts/setup.mjs            check; install what is missing; verify
//   node scripts/setup.mjs --quiet    only errors and a one-line summary (nothing when ready)
//   node scripts/setup.mjs --check    verify only, install nothing (exit 3 when not ready)
//   node scripts/setup.mjs --force    re-stage libtensorflow and rebuild the tfjs-node addon
//
// Why: npm runs no install scripts here (.npmrc: ignore-scripts=true) because tfjs-node's and
// onnxruntime-node's own scripts download from hosts outside the npm registry. onnxruntime-node
// needs nothing (its npm package ships the CPU binaries). tfjs-node needs libtensorflow and a
// compiled addon: this script takes libtensorflow from the `tensorflow-cpu` Python wheel
// (obtained with `pip download`), stages it into node_modules/@tensorflow/tfjs-node/deps and
// builds the addon from the package's bundled C++ sources with node-gyp. When pip cannot get
// the wheel it falls back to tfjs-node's official installer (downloads from Google storage).
//
// Everything expensive is cached outside the repository, in $TCONV_CACHE_DIR or
// ${XDG_CACHE_HOME:-~/.cache}/tconv:
//   wheel/                     the downloaded wheel (~270 MB)
//   libtensorflow-<version>/   lib/ (the two shared libraries, ~850 MB) and include/ (only the
//                              headers the addon needs), plus tconv-extract.json
//   setup.log                  output of the last run's child processes
//   setup.lock                 held while installing (parallel setups wait for each other)
//
// Environment: TCONV_CACHE_DIR (cache location), TCONV_TF_WHEEL (use this wheel file),
// TCONV_PYTHON (python executable, default python3), TCONV_LOCK_TIMEOUT (seconds to wait for
// another setup, default 1800).
//
// Exit codes: 0 ready, 2 bad usage, 3 not ready / setup failed.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fileLock } from './lib/lock.mjs';

const WHEEL_PACKAGE = 'tensorflow-cpu';
const WHEEL_VERSION = '2.21.0';
const WHEEL_FILE_RE = /^tensorflow_cpu-2\.21\.0-.+\.whl$/;
// deps/lib symlinks that tfjs-node's build (and its installer's "already downloaded" check) expect.
const DEPS_SYMLINKS = {
  'libtensorflow.so': 'libtensorflow_cc.so.2',
  'libtensorflow.so.2.9.1': 'libtensorflow_cc.so.2',
  'libtensorflow_framework.so': 'libtensorflow_framework.so.2',
};
const EXPECTED = [1, 1, 3, 2, 1, 1, 3, 2, 4, 4, 10, 6, 3, 3, 7, 4];
const EXIT_USAGE = 2;
const EXIT_NOT_READY = 3;
const LOG_TAIL_LINES = 20;
const PROBE_TIMEOUT_MS = 120_000;
const PIP_TIMEOUT_MS = 30 * 60_000;
const BUILD_TIMEOUT_MS = 20 * 60_000;

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rootRequire = createRequire(path.join(ROOT, 'package.json'));

// ---------------------------------------------------------------------------------------------
// Command line, output

const USAGE = `usage: node scripts/setup.mjs [--quiet] [--check | --force]
  --quiet  print only errors and a one-line summary (nothing when already set up)
  --check  verify only, install nothing; exit 3 when the native runners are not ready
  --force  re-stage libtensorflow and rebuild the tfjs-node addon even if it works`;

const opts = { quiet: false, check: false, force: false };
for (const arg of process.argv.slice(2)) {
  if (arg === '--quiet' || arg === '-q') opts.quiet = true;
  else if (arg === '--check') opts.check = true;
  else if (arg === '--force') opts.force = true;
  else if (arg === '--help' || arg === '-h') {
    console.log(USAGE);
    process.exit(0);
  } else {
    console.error(`tconv setup: unknown argument ${JSON.stringify(arg)}\n${USAGE}`);
    process.exit(EXIT_USAGE);
  }
}
if (opts.check && opts.force) {
  console.error(`tconv setup: --check and --force exclude each other\n${USAGE}`);
  process.exit(EXIT_USAGE);
}

const t0 = Date.now();
const secs = (since) => `${((Date.now() - since) / 1000).toFixed(1)}s`;
const step = (msg) => {
  if (!opts.quiet) console.log(`tconv setup: ${msg}`);
};

/** A failure with a message for the user: what is wrong and how to fix it. */
class SetupError extends Error {
  constructor(what, fix, { tail = true } = {}) {
    super(what);
    this.fix = fix;
    this.showLogTail = tail;
  }
}

const CACHE_DIR = path.resolve(
  process.env.TCONV_CACHE_DIR || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'tconv'),
);
const LOG_PATH = path.join(CACHE_DIR, 'setup.log');
const LOCK_PATH = path.join(CACHE_DIR, 'setup.lock');
let logFd = null; // opened once we hold the lock

function logWrite(text) {
  if (logFd !== null) fs.writeSync(logFd, text);
}
function logSection(title) {
  logWrite(`\n===== ${new Date().toISOString()} ${title}\n`);
}

function childEnv(extra = {}) {
  return {
    ...process.env,
    TF_CPP_MIN_LOG_LEVEL: process.env.TF_CPP_MIN_LOG_LEVEL ?? '2',
    // As the tfjs-node runner (runners/tfjs-node.ts): TF 2.21's oneDNN Conv2DBackpropInput gives
    // run-dependent wrong values for single-channel groups, this probe's own example included.
    TF_ENABLE_ONEDNN_OPTS: process.env.TF_ENABLE_ONEDNN_OPTS ?? '0',
    ...extra,
  };
}

const lastLines = (text, n) => text.trimEnd().split('\n').slice(-n).join('\n');
/** The few lines of a child's output that say what went wrong (else its last lines). */
function keyLines(text, n = 3) {
  const lines = text.split('\n').map((l) => l.trimEnd());
  const patterns = [
    /^\s*ERROR\b/, // pip
    /^\s*(\w*Error\b|gyp ERR!|make: \*\*\*)|\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT)\b/,
  ];
  for (const re of patterns) {
    const hits = [...new Set(lines.filter((l) => re.test(l)))];
    if (hits.length) return hits.slice(-n).join('\n');
  }
  const meaningful = lines.filter((l) => /[A-Za-z0-9]/.test(l) && !/^Node\.js v\d/.test(l));
  return meaningful.slice(-n).join('\n');
}

const indent = (text, pad = '    ') =>
  text
    .split('\n')
    .map((l) => pad + l)
    .join('\n');

function which(cmd) {
  if (cmd.includes('/')) return isExecutable(cmd) ? cmd : null;
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, cmd))) return path.join(dir, cmd);
  }
  return null;
}
function isExecutable(p) {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function rmrf(p) {
  fs.rmSync(p, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------
// Child processes (async, so the lock heartbeat keeps running during long steps)

const activeChildren = new Set();

/**
 * Runs a command with its output appended to the log (never to the terminal).
 * Resolves to { ok, code, signal, timedOut, error, output } where output is the last ~64 KB.
 */
function run(cmd, args, { cwd = ROOT, env = childEnv(), timeoutMs, display = args } = {}) {
  logWrite(`$ ${[cmd, ...display].join(' ')}   (cwd ${cwd})\n`);
  return new Promise((resolve) => {
    let output = '';
    let timedOut = false;
    let child;
    try {
      child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    } catch (error) {
      resolve({ ok: false, code: null, signal: null, timedOut, error, output: String(error) });
      return;
    }
    activeChildren.add(child);
    const onData = (chunk) => {
      logWrite(chunk.toString());
      output = (output + chunk.toString()).slice(-65536);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          killGroup(child, 'SIGTERM');
          setTimeout(() => killGroup(child, 'SIGKILL'), 5000).unref();
        }, timeoutMs)
      : null;
    let spawnError = null;
    child.on('error', (error) => {
      spawnError = error;
      output += `\n${error.message}`;
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      activeChildren.delete(child);
      if (timedOut) output += `\n(timed out after ${Math.round(timeoutMs / 1000)}s)`;
      logWrite(`(exit ${code ?? signal}${timedOut ? ', timed out' : ''})\n`);
      resolve({
        ok: code === 0 && !timedOut && !spawnError,
        code,
        signal,
        timedOut,
        error: spawnError,
        output,
      });
    });
  });
}

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Probe: load both native packages in a child process (a broken addon can abort the process)
// and run the same small transposed convolution on each.

const PROBE_SOURCE = String.raw`
'use strict';
const path = require('path');
const { createRequire } = require('module');
const req = createRequire(path.join(process.argv[1], 'package.json'));
const EXPECTED = ${JSON.stringify(EXPECTED)};
const emit = (o) => process.stdout.write('@@tconv-probe ' + JSON.stringify(o) + '\n');
const matches = (a) => a.length === EXPECTED.length && a.every((v, i) => Math.abs(v - EXPECTED[i]) < 1e-5);
const errText = (e) => String((e && e.message) || e).split('\n').slice(0, 8).join('\n');

// A minimal ONNX ModelProto with one ConvTranspose node, protobuf-encoded by hand:
// X [1,1,2,2], W = ones [1,1,3,3] (initializer), strides 2, pads [0,0,1,1] -> Y [1,1,4,4]
// (TensorFlow's 'same' crop for this case: the odd padding pixel at the end).
function onnxModel() {
  const varint = (n) => { const b = []; let v = BigInt(n); do { let byte = Number(v & 0x7fn); v >>= 7n; if (v) byte |= 0x80; b.push(byte); } while (v); return b; };
  const key = (field, wireType) => varint(field * 8 + wireType);
  const int = (field, n) => [...key(field, 0), ...varint(n)];
  const bytes = (field, data) => [...key(field, 2), ...varint(data.length), ...data];
  const str = (field, s) => bytes(field, [...Buffer.from(s, 'utf8')]);
  const msg = (field, ...parts) => bytes(field, parts.flat());
  const valueInfo = (field, name, dims) =>
    msg(field, str(1, name), msg(2, msg(1, int(1, 1), msg(2, ...dims.map((d) => msg(1, int(1, d)))))));
  const ints = (name, values) => msg(5, str(1, name), ...values.map((v) => int(8, v)), int(20, 7));
  const ones = Buffer.from(new Float32Array(9).fill(1).buffer);
  const weight = msg(5, ...[1, 1, 3, 3].map((d) => int(1, d)), int(2, 1), str(8, 'W'), bytes(9, [...ones]));
  const node = msg(1, str(1, 'X'), str(1, 'W'), str(2, 'Y'), str(4, 'ConvTranspose'),
    ints('kernel_shape', [3, 3]), ints('strides', [2, 2]), ints('pads', [0, 0, 1, 1]));
  const graph = msg(7, node, str(2, 'tconv_setup_probe'), weight,
    valueInfo(11, 'X', [1, 1, 2, 2]), valueInfo(12, 'Y', [1, 1, 4, 4]));
  return Uint8Array.from([...int(1, 8), ...graph, ...msg(8, str(1, ''), int(2, 17))]);
}

async function probeOrt() {
  try {
    const ort = req('onnxruntime-node');
    const versions = (ort.env && ort.env.versions) || {};
    const version = versions.node || versions.common || req('onnxruntime-node/package.json').version;
    const session = await ort.InferenceSession.create(onnxModel());
    const x = new ort.Tensor('float32', Float32Array.from([1, 2, 3, 4]), [1, 1, 2, 2]);
    const got = Array.from((await session.run({ X: x })).Y.data);
    if (session.release) await session.release();
    const ok = matches(got);
    emit({ component: 'ort', ok, version, got, error: ok ? undefined : 'ConvTranspose gave ' + JSON.stringify(got) + ', expected ' + JSON.stringify(EXPECTED) });
  } catch (e) {
    emit({ component: 'ort', ok: false, error: errText(e) });
  }
}

function probeTf() {
  try {
    const tf = req('@tensorflow/tfjs-node');
    const backend = tf.getBackend();
    let tfVersion;
    try { tfVersion = tf.backend().binding.TF_Version; } catch (e) { /* not exposed */ }
    const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    const k = tf.ones([3, 3, 1, 1]);
    const got = Array.from(tf.conv2dTranspose(x, k, [1, 4, 4, 1], 2, 'same').dataSync());
    const ok = backend === 'tensorflow' && matches(got);
    const error = ok ? undefined : backend !== 'tensorflow'
      ? 'tfjs-node loaded but the active backend is ' + JSON.stringify(backend) + ', not "tensorflow"'
      : 'conv2dTranspose gave ' + JSON.stringify(got) + ', expected ' + JSON.stringify(EXPECTED);
    emit({ component: 'tf', ok, tfjsNode: tf.version['tfjs-node'], tfVersion, backend, got, error });
  } catch (e) {
    emit({ component: 'tf', ok: false, error: errText(e) });
  }
}

(async () => {
  await probeOrt();
  probeTf();
})();
`;

/** Returns { ready, tf: {ok, error, ...}, ort: {ok, error, ...}, output, ms }. */
function probe() {
  const started = Date.now();
  const res = spawnSync(process.execPath, ['-e', PROBE_SOURCE, ROOT], {
    cwd: ROOT,
    env: childEnv(),
    encoding: 'utf8',
    timeout: PROBE_TIMEOUT_MS,
    maxBuffer: 16 * 1024 * 1024,
  });
  const output = `${res.stdout || ''}${res.stderr || ''}`;
  const found = {};
  for (const line of (res.stdout || '').split('\n')) {
    if (!line.startsWith('@@tconv-probe ')) continue;
    try {
      const r = JSON.parse(line.slice('@@tconv-probe '.length));
      found[r.component] = r;
    } catch {
      /* ignore a garbled line */
    }
  }
  const noise = output
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('@@tconv-probe '))
    .join('\n');
  const how = res.error
    ? res.error.code === 'ETIMEDOUT'
      ? `timed out after ${PROBE_TIMEOUT_MS / 1000}s`
      : res.error.message
    : res.signal
      ? `was killed by ${res.signal}`
      : `exited with code ${res.status}`;
  const missing = (name) => ({
    ok: false,
    error:
      `the check process ${how} before reporting on ${name}` +
      (noise ? `; its output ended with:\n${lastLines(noise, 8)}` : ''),
  });
  const tf = found.tf || missing('@tensorflow/tfjs-node');
  const ort = found.ort || missing('onnxruntime-node');
  logSection('probe');
  logWrite(`${output}\n`);
  return { ready: tf.ok && ort.ok, tf, ort, output: noise, ms: Date.now() - started };
}

function summary(p) {
  const tfDesc = p.tf.tfVersion ? `TensorFlow ${p.tf.tfVersion}` : 'TensorFlow';
  return (
    `ready: ${tfDesc} via @tensorflow/tfjs-node ${p.tf.tfjsNode}, ` +
    `onnxruntime-node ${p.ort.version}; conv2dTranspose/ConvTranspose check passed`
  );
}

// ---------------------------------------------------------------------------------------------
// Lock: one setup at a time per cache directory (scripts/lib/lock.mjs)

const lock = fileLock({
  path: LOCK_PATH,
  what: 'setup',
  say: step,
  failure: (message, fix) => new SetupError(message, fix, { tail: false }),
});

async function acquireLock() {
  try {
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    fs.accessSync(CACHE_DIR, fs.constants.W_OK);
  } catch (e) {
    throw new SetupError(
      `cannot use the cache directory ${CACHE_DIR}: ${e.code || e.message}`,
      'make it writable, or set TCONV_CACHE_DIR to a writable directory (~1.2 GB needed)',
      { tail: false },
    );
  }
  await lock.acquire();
}

function releaseLock() {
  lock.release();
}

process.on('exit', releaseLock);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    for (const child of activeChildren) killGroup(child, 'SIGTERM');
    releaseLock();
    console.error(`tconv setup: interrupted (${sig})`);
    process.exit(128 + (os.constants.signals[sig] || 1));
  });
}

// ---------------------------------------------------------------------------------------------
// libtensorflow from the tensorflow-cpu wheel

/** #include targets of the tfjs-node addon's C++ sources: the seeds of the header closure. */
function bindingIncludes(pkgDir) {
  const dir = path.join(pkgDir, 'binding');
  const seeds = new Set();
  for (const name of fs.readdirSync(dir)) {
    if (!/\.(cc|cpp|h|hpp)$/.test(name)) continue;
    const text = fs.readFileSync(path.join(dir, name), 'utf8');
    for (const m of text.matchAll(/^[ \t]*#[ \t]*include[ \t]*[<"]([^>"]+)[>"]/gm)) seeds.add(m[1]);
  }
  return [...seeds].sort();
}

function wheelVersion(file) {
  const m = /^tensorflow(?:[_-]cpu)?-(\d+\.\d+\.\d+[^-]*)-/.exec(path.basename(file));
  return m ? m[1] : null;
}

/** A complete extraction (manifest present, files of the recorded size), or null. */
function readExtraction(dir, seeds) {
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'tconv-extract.json'), 'utf8'));
    for (const [rel, size] of Object.entries(manifest.files)) {
      if (fs.statSync(path.join(dir, rel)).size !== size) return null;
    }
    if (!seeds.every((s) => manifest.seeds.includes(s))) return null;
    return manifest;
  } catch {
    return null;
  }
}

// Runs in python3: extracts the two libraries and the headers the addon's sources include
// (transitively; ~15 files instead of the wheel's 13,000) into a directory.
const EXTRACT_PY = String.raw`
import json, os, posixpath, re, shutil, sys, zipfile
wheel, dest, seeds = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
LIBS = ['tensorflow/libtensorflow_cc.so.2', 'tensorflow/libtensorflow_framework.so.2']
P = 'tensorflow/include/'
try:
    z = zipfile.ZipFile(wheel)
except (zipfile.BadZipFile, OSError) as e:
    print('TCONV_ERROR not a readable wheel (zip) file: %s' % e); sys.exit(4)
names = set(z.namelist())
missing = [m for m in LIBS if m not in names]
if missing:
    print('TCONV_ERROR the wheel does not contain ' + ', '.join(missing)); sys.exit(4)
def safe(n):
    return not n.startswith('/') and '..' not in n.split('/')
headers = set(n[len(P):] for n in names if n.startswith(P) and not n.endswith('/') and safe(n))
include = re.compile(rb'^[ \t]*#[ \t]*include[ \t]*[<"]([^>"]+)[>"]', re.M)
todo = [s for s in seeds if s in headers]
seen = set(todo)
while todo:
    h = todo.pop()
    for m in include.findall(z.read(P + h)):
        m = m.decode('utf-8', 'replace')
        for c in (m, posixpath.normpath(posixpath.join(posixpath.dirname(h), m))):
            if c in headers:
                if c not in seen:
                    seen.add(c); todo.append(c)
                break
if 'tensorflow/c/c_api.h' not in seen:
    print('TCONV_ERROR the wheel has no tensorflow/include/tensorflow/c/c_api.h'); sys.exit(4)
files = {}
def extract(member, rel):
    target = os.path.join(dest, *rel.split('/'))
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with z.open(member) as src, open(target, 'wb') as out:
        shutil.copyfileobj(src, out, 1 << 20)
    files[rel] = os.path.getsize(target)
for lib in LIBS:
    extract(lib, 'lib/' + posixpath.basename(lib))
    os.chmod(os.path.join(dest, 'lib', posixpath.basename(lib)), 0o755)
for h in sorted(seen):
    extract(P + h, 'include/' + h)
print('TCONV_RESULT ' + json.dumps({'files': files, 'headers': sorted(seen)}))
`;

function python() {
  return process.env.TCONV_PYTHON || 'python3';
}

/** pip download of the wheel into CACHE_DIR/wheel (via a temp dir). Returns the wheel path. */
async function pipDownload() {
  const wheelDir = path.join(CACHE_DIR, 'wheel');
  const tmp = path.join(CACHE_DIR, `wheel.tmp-${process.pid}`);
  rmrf(tmp);
  fs.mkdirSync(tmp, { recursive: true });
  const spec = `${WHEEL_PACKAGE}==${WHEEL_VERSION}`;
  const base = ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--progress-bar', 'off'];
  base.push('--disable-pip-version-check', '-d', tmp);
  const started = Date.now();
  step(`downloading the ${spec} wheel (~270 MB) with pip into ${wheelDir}`);
  logSection(`pip download ${spec}`);
  let res = await run(python(), [...base, spec], { timeoutMs: PIP_TIMEOUT_MS });
  if (!res.ok && /No matching distribution|Could not find a version/.test(res.output)) {
    // Most likely this Python is a version TensorFlow 2.21 has no wheel for: the libraries we
    // need do not depend on the Python version, so ask for the CPython 3.11 wheel explicitly.
    step(`no wheel for this Python; retrying pip for CPython 3.11 / manylinux x86_64`);
    const tags = ['--python-version', '3.11', '--implementation', 'cp', '--abi', 'cp311'];
    tags.push('--platform', 'manylinux_2_27_x86_64', '--platform', 'manylinux2014_x86_64');
    res = await run(python(), [...base, ...tags, spec], { timeoutMs: PIP_TIMEOUT_MS });
  }
  try {
    const got = res.ok && fs.readdirSync(tmp).find((f) => f.endsWith('.whl'));
    if (!got) {
      const reason = res.ok ? 'pip reported success but produced no .whl file' : pipReason(res);
      return { ok: false, reason };
    }
    fs.mkdirSync(wheelDir, { recursive: true });
    const dest = path.join(wheelDir, got);
    fs.renameSync(path.join(tmp, got), dest);
    step(`downloaded ${got} (${secs(started)})`);
    return { ok: true, wheel: dest };
  } finally {
    rmrf(tmp);
  }
}

function pipReason(res) {
  if (res.error && res.error.code === 'ENOENT') return `${python()} was not found`;
  if (/No module named pip/.test(res.output)) return `pip is not installed for ${python()}`;
  const offline = /NewConnectionError|Failed to establish a new connection|ConnectTimeout|ProxyError/.test(res.output)
    ? 'pip could not connect to (some of) its package indexes (offline?), and then:\n'
    : '';
  return offline + (keyLines(res.output) || `pip exited with code ${res.code ?? res.signal}`);
}

/**
 * Makes sure an extraction of libtensorflow exists in the cache. Returns
 * { ok: true, dir, manifest } or { ok: false, reason } when no wheel can be obtained.
 */
async function ensureLibtensorflow(seeds) {
  const userWheel = process.env.TCONV_TF_WHEEL ? path.resolve(process.env.TCONV_TF_WHEEL) : null;
  if (userWheel && !fs.existsSync(userWheel)) {
    throw new SetupError(
      `TCONV_TF_WHEEL points at ${userWheel}, which does not exist`,
      `set TCONV_TF_WHEEL to a tensorflow-cpu wheel file (e.g. tensorflow_cpu-${WHEEL_VERSION}-cp311-cp311-manylinux_2_27_x86_64.whl), or unset it to let pip download one`,
      { tail: false },
    );
  }
  const version = userWheel ? wheelVersion(userWheel) || 'custom' : WHEEL_VERSION;
  const dir = path.join(CACHE_DIR, `libtensorflow-${version}`);
  const cached = readExtraction(dir, seeds);
  if (cached && (!userWheel || cached.wheel === path.basename(userWheel))) {
    step(`using libtensorflow ${version} cached at ${dir}`);
    return { ok: true, dir, manifest: cached };
  }

  let wheel = userWheel;
  if (!wheel) {
    const wheelDir = path.join(CACHE_DIR, 'wheel');
    const found = fs.existsSync(wheelDir)
      ? fs
          .readdirSync(wheelDir)
          .filter((f) => WHEEL_FILE_RE.test(f))
          .sort()
      : [];
    if (found.length) {
      wheel = path.join(wheelDir, found[0]);
    } else {
      const dl = await pipDownload();
      if (!dl.ok) return dl;
      wheel = dl.wheel;
    }
  }

  const started = Date.now();
  step(`extracting libtensorflow from ${path.basename(wheel)} (cached at ${dir}; ~850 MB, 10-30 s)`);
  const tmp = `${dir}.tmp-${process.pid}`;
  rmrf(tmp);
  fs.mkdirSync(tmp, { recursive: true });
  logSection(`extract ${wheel}`);
  const args = [wheel, tmp, JSON.stringify(seeds)];
  const res = await run(python(), ['-c', EXTRACT_PY, ...args], {
    timeoutMs: BUILD_TIMEOUT_MS,
    display: ['-c', '<extract script in scripts/setup.mjs>', ...args],
  });
  const result = /^TCONV_RESULT (.*)$/m.exec(res.output);
  if (!res.ok || !result) {
    rmrf(tmp);
    const err = /^TCONV_ERROR (.*)$/m.exec(res.output);
    if (res.error && res.error.code === 'ENOENT') {
      throw new SetupError(
        `${python()} is needed to extract the wheel and was not found`,
        'install Python 3 (e.g. apt-get install python3) or set TCONV_PYTHON=/path/to/python3',
        { tail: false },
      );
    }
    const own = !userWheel;
    throw new SetupError(
      `could not extract libtensorflow from ${wheel}: ${err ? err[1] : keyLines(res.output)}`,
      own
        ? `delete ${wheel} (it may be damaged or incomplete) and rerun to download it again`
        : `check the TCONV_TF_WHEEL file: it must be a tensorflow-cpu (or tensorflow) Linux x86_64 wheel`,
    );
  }
  const extracted = JSON.parse(result[1]);
  const manifest = {
    wheel: path.basename(wheel),
    version,
    seeds,
    headers: extracted.headers,
    files: extracted.files,
    created: new Date().toISOString(),
  };
  fs.writeFileSync(path.join(tmp, 'tconv-extract.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  rmrf(dir); // an incomplete or outdated extraction (we hold the lock)
  fs.renameSync(tmp, dir);
  step(`extracted ${Object.keys(extracted.files).length} files (${secs(started)})`);
  return { ok: true, dir, manifest };
}

/** Hard link (no extra disk, survives cache deletion) or, across file systems, copy. */
function linkOrCopy(src, dest) {
  try {
    fs.linkSync(src, dest);
  } catch {
    fs.copyFileSync(src, dest);
  }
}

/** Builds deps/ (lib + include + symlinks) from the extraction, in a temp dir then renamed. */
function stageDeps(pkgDir, ext) {
  const deps = path.join(pkgDir, 'deps');
  const tmp = path.join(pkgDir, `deps.tconv-tmp-${process.pid}`);
  rmrf(tmp);
  for (const rel of Object.keys(ext.manifest.files)) {
    const dest = path.join(tmp, ...rel.split('/'));
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    linkOrCopy(path.join(ext.dir, ...rel.split('/')), dest);
  }
  for (const [link, target] of Object.entries(DEPS_SYMLINKS)) {
    fs.symlinkSync(target, path.join(tmp, 'lib', link));
  }
  fs.writeFileSync(
    path.join(tmp, 'tconv-source.json'),
    `${JSON.stringify({ by: 'tconv scripts/setup.mjs', from: ext.dir, wheel: ext.manifest.wheel }, null, 2)}\n`,
  );
  rmrf(deps);
  fs.renameSync(tmp, deps);
  step(`staged libtensorflow into ${path.relative(ROOT, deps)}`);
}

// ---------------------------------------------------------------------------------------------
// Building / installing tfjs-node

/** node-gyp as @mapbox/node-pre-gyp will find it (see its lib/util/compile.js). */
function findNodeGyp(pkgDir) {
  if (process.env.npm_config_node_gyp && fs.existsSync(process.env.npm_config_node_gyp)) {
    return process.env.npm_config_node_gyp;
  }
  try {
    const main = createRequire(path.join(pkgDir, 'package.json')).resolve('node-gyp');
    const bin = path.join(path.dirname(path.dirname(main)), 'bin', 'node-gyp.js');
    if (fs.existsSync(bin)) return bin;
  } catch {
    /* not installed locally */
  }
  const besideNode = path.join(
    path.dirname(path.dirname(process.execPath)),
    'lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
  );
  if (fs.existsSync(besideNode)) return besideNode;
  return which('node-gyp');
}

function buildEnv(pkgDir, extra = {}) {
  const bins = [path.join(pkgDir, 'node_modules', '.bin'), path.join(ROOT, 'node_modules', '.bin')];
  const env = childEnv({
    PATH: [...bins, process.env.PATH || ''].join(path.delimiter),
    ...extra,
  });
  if (!env.npm_config_nodedir) {
    // Use this Node's own headers when present, so node-gyp does not try to download them.
    const prefix = path.dirname(path.dirname(process.execPath));
    if (fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h'))) {
      env.npm_config_nodedir = prefix;
    }
  }
  return env;
}

function preflightBuild(pkgDir) {
  const missing = [];
  if (!findNodeGyp(pkgDir)) missing.push('node-gyp (npm install -g node-gyp)');
  const preGypBins = [pkgDir, ROOT].map((d) => path.join(d, 'node_modules', '.bin', 'node-pre-gyp'));
  if (!which('node-pre-gyp') && !preGypBins.some((p) => fs.existsSync(p))) {
    missing.push('node-pre-gyp (it comes with @tensorflow/tfjs-node: run npm ci)');
  }
  if (!(process.env.CXX || which('g++') || which('c++') || which('clang++'))) {
    missing.push('a C++ compiler (e.g. apt-get install g++)');
  }
  if (!which('make')) missing.push('make (e.g. apt-get install make)');
  if (!(process.env.PYTHON || which('python3'))) missing.push('python3 (node-gyp needs it)');
  if (missing.length) {
    throw new SetupError(
      `cannot build the tfjs-node addon: missing ${missing.join(', ')}`,
      `install the missing tools (on Debian/Ubuntu: apt-get install build-essential python3) and rerun`,
      { tail: false },
    );
  }
}

function removeAddon(pkgDir) {
  for (const name of fs.readdirSync(pkgDir)) {
    // build/ or build-tmp-napi-v*/ (node-pre-gyp), lib/napi-v*/tfjs_binding.node (the addon)
    if (name === 'build' || name === 'lib' || name.startsWith('build-tmp-napi-v')) {
      rmrf(path.join(pkgDir, name));
    }
  }
}

async function buildAddon(pkgDir, tfVersion) {
  preflightBuild(pkgDir);
  removeAddon(pkgDir);
  const started = Date.now();
  step(`building the tfjs-node addon against TensorFlow ${tfVersion} (node-gyp, ~20-60 s)`);
  logSection('tfjs-node scripts/install.js (build from source)');
  // build_from_source: never fetch the prebuilt addon, which is made for libtensorflow 2.9.1.
  const env = buildEnv(pkgDir, { npm_config_build_from_source: 'true' });
  const res = await run(process.execPath, ['scripts/install.js'], {
    cwd: pkgDir,
    env,
    timeoutMs: BUILD_TIMEOUT_MS,
  });
  if (!res.ok) {
    const headersHint = /nodedir|node headers|Could not (download|find) .*node/i.test(res.output)
      ? ' node-gyp may be missing the Node headers: install them (e.g. the nodejs dev package) or set npm_config_nodedir.'
      : '';
    const lines = res.output.split('\n');
    const causes = lines.filter(
      (l) =>
        !l.startsWith('node-pre-gyp') &&
        /\berror:|fatal error|undefined reference|cannot find -l|make: \*\*\*|gyp ERR! stack Error:/.test(l),
    );
    const cause = [...new Set(causes)].slice(0, 4).join('\n') || keyLines(res.output);
    throw new SetupError(
      `building the tfjs-node addon failed (${res.timedOut ? 'timed out' : `exit ${res.code ?? res.signal}`}):\n` +
        indent(cause),
      `fix the cause shown (the build needs a C++17 compiler, make and python3), then rerun \`node scripts/setup.mjs --force\`.${headersHint} If libtensorflow looks damaged, delete ${path.join(CACHE_DIR, `libtensorflow-${tfVersion}`)} and rerun.`,
    );
  }
  step(`built the addon (${secs(started)})`);
}

/** tfjs-node's own installer: downloads libtensorflow 2.9.1 and a prebuilt addon (needs internet). */
async function officialInstall(pkgDir) {
  rmrf(path.join(pkgDir, 'deps'));
  removeAddon(pkgDir);
  const started = Date.now();
  step(`running tfjs-node's own installer (downloads libtensorflow from storage.googleapis.com)`);
  logSection('tfjs-node scripts/install.js (official download)');
  const res = await run(process.execPath, ['scripts/install.js'], {
    cwd: pkgDir,
    env: buildEnv(pkgDir),
    timeoutMs: BUILD_TIMEOUT_MS,
  });
  if (res.ok) step(`tfjs-node's installer finished (${secs(started)})`);
  return res;
}

// ---------------------------------------------------------------------------------------------
// Main

function describeFailures(p) {
  const parts = [];
  if (!p.tf.ok) parts.push(`@tensorflow/tfjs-node: ${p.tf.error}`);
  if (!p.ort.ok) parts.push(`onnxruntime-node: ${p.ort.error}`);
  return parts.join('\n');
}

function packageDir(name) {
  try {
    return path.dirname(rootRequire.resolve(`${name}/package.json`));
  } catch {
    throw new SetupError(
      `${name} is not installed in ${path.join(ROOT, 'node_modules')}`,
      'run `npm ci` in the repository first',
      { tail: false },
    );
  }
}

async function install(first) {
  const pkgDir = packageDir('@tensorflow/tfjs-node');
  packageDir('onnxruntime-node');

  await acquireLock();
  logFd = fs.openSync(LOG_PATH, 'w');
  logSection(`tconv setup in ${ROOT} (pid ${process.pid}, args ${process.argv.slice(2).join(' ')})`);
  logWrite(`first probe:\n${describeFailures(first) || 'ready'}\n`);

  // Leftovers of interrupted runs (only the lock holder creates these).
  for (const name of fs.readdirSync(CACHE_DIR)) {
    if (/\.tmp-\d+$/.test(name)) rmrf(path.join(CACHE_DIR, name));
  }
  for (const name of fs.readdirSync(pkgDir)) {
    if (/^deps\.tconv-tmp-\d+$/.test(name)) rmrf(path.join(pkgDir, name));
  }

  if (!opts.force) {
    // Another setup may have finished while we waited for the lock.
    const again = probe();
    if (again.tf.ok) return again;
  }

  const wheelPath = process.platform === 'linux' && process.arch === 'x64';
  if (wheelPath) {
    const seeds = bindingIncludes(pkgDir);
    const lib = await ensureLibtensorflow(seeds);
    if (lib.ok) {
      stageDeps(pkgDir, lib);
      await buildAddon(pkgDir, lib.manifest.version);
      return null;
    }
    step(`pip could not download ${WHEEL_PACKAGE}==${WHEEL_VERSION}:\n${indent(lib.reason)}`);
    const res = await officialInstall(pkgDir);
    if (!res.ok) {
      throw new SetupError(
        `could not obtain libtensorflow. pip could not download ${WHEEL_PACKAGE}==${WHEEL_VERSION}:\n` +
          `${indent(lib.reason)}\n  and tfjs-node's own installer failed too (it downloads from storage.googleapis.com):\n` +
          indent(keyLines(res.output)),
        `make PyPI (or a pip index that has ${WHEEL_PACKAGE} ${WHEEL_VERSION}) reachable for ${python()} -m pip, ` +
          `or get the wheel on another machine (pip download --no-deps ${WHEEL_PACKAGE}==${WHEEL_VERSION}) and run ` +
          `TCONV_TF_WHEEL=/path/to/tensorflow_cpu-${WHEEL_VERSION}-....whl node scripts/setup.mjs, ` +
          `or put it in ${path.join(CACHE_DIR, 'wheel')}/`,
      );
    }
    return null;
  }
  step(`no ${WHEEL_PACKAGE} wheel recipe for ${process.platform}-${process.arch}; using tfjs-node's installer`);
  const res = await officialInstall(pkgDir);
  if (!res.ok) {
    throw new SetupError(
      `tfjs-node's installer failed on ${process.platform}-${process.arch}:\n${indent(keyLines(res.output))}`,
      'it needs access to storage.googleapis.com; see node_modules/@tensorflow/tfjs-node/README.md',
    );
  }
  return null;
}

async function main() {
  const first = probe();
  if (first.ready && !opts.force) {
    if (!opts.quiet) console.log(`tconv setup: ${summary(first)} (${secs(t0)})`);
    return 0;
  }
  if (opts.check) {
    console.error(
      `tconv setup: not ready:\n${indent(describeFailures(first))}\n` +
        `  Fix: run \`node scripts/setup.mjs\` (npm run setup) to install and build.`,
    );
    return EXIT_NOT_READY;
  }
  if (!opts.force) {
    const firstLine = (text) => text.split('\n')[0];
    const lines = describeFailures(first)
      .split('\n')
      .filter((l) => /^(@tensorflow|onnxruntime)/.test(l));
    step(`not ready yet:\n${indent(lines.map(firstLine).join('\n'))}`);
  }

  const done = await install(first);
  const final = done && done.tf.ok ? done : probe();
  releaseLock();
  if (!final.ready) {
    const fix = final.tf.ok
      ? `onnxruntime-node needs no build: reinstall it with \`npm ci\` and check that ` +
        `node_modules/onnxruntime-node/bin/napi-v6/${process.platform}/${process.arch}/ exists`
      : `rerun with --force; if it still fails, delete ${CACHE_DIR} and rerun`;
    throw new SetupError(`verification failed after setup:\n${indent(describeFailures(final))}`, fix);
  }
  console.log(`tconv setup: ${summary(final)} (total ${secs(t0)})`);
  return 0;
}

try {
  process.exitCode = await main();
} catch (e) {
  releaseLock();
  if (e instanceof SetupError) {
    let text = `tconv setup: FAILED: ${e.message}\n  Fix: ${e.fix}`;
    if (e.showLogTail && logFd !== null) {
      try {
        // node-gyp / node-pre-gyp end with a boilerplate stack and environment dump: skip it.
        const noise =
          /^(gyp|node-pre-gyp) (info|http|ERR! (stack|System|command|cwd|node -v|node-gyp -v|node-pre-gyp -v|not ok))/;
        const log = fs.readFileSync(LOG_PATH, 'utf8').split('\n');
        const tail = lastLines(log.filter((l) => !noise.test(l)).join('\n'), LOG_TAIL_LINES);
        text += `\n  Last ${LOG_TAIL_LINES} lines of ${LOG_PATH} (node-gyp boilerplate omitted):\n${indent(tail)}`;
      } catch {
        /* no log */
      }
    }
    if (e.showLogTail && logFd !== null) text += `\n  Full log: ${LOG_PATH}`;
    console.error(text);
  } else {
    console.error(`tconv setup: FAILED with an unexpected error: ${e && e.stack ? e.stack : e}`);
    if (logFd !== null) console.error(`  Log: ${LOG_PATH}`);
  }
  process.exitCode = EXIT_NOT_READY;
} finally {
  if (logFd !== null) fs.closeSync(logFd);
}
