/**
 * test/spellings-frameworks.test.ts's plumbing: random cases -> jobs for
 * test/fixtures/spellings/frameworks.py (every expressible spelling `explain` prints, plus a
 * brute-force search of the framework where it says "cannot be spelled") -> verdicts against the
 * float64 reference within its float32 error bound.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { allowedDifference, AUTO_TOLERANCE } from '../../src/compare/index.js';
import { caseTensors } from '../../src/data/tensors.js';
import { caseArbitrary, type FuzzSpace } from '../../src/fuzz/arbitraries.js';
import { buildGeometry } from '../../src/geometry/build.js';
import { resolveGeometry } from '../../src/geometry/resolve.js';
import {
  allSpellings,
  onnxSpellings,
  type NearMiss,
  type OnnxAttributes,
  type Spelling,
} from '../../src/geometry/spellings.js';
import type { ConvTransposeGeometry } from '../../src/geometry/types.js';
import { convTransposeReference, type ReferenceResult } from '../../src/reference/index.js';
import type { CaseTensors } from '../../src/tensor.js';

export const FRAMEWORKS_SCRIPT = fileURLToPath(new URL('../fixtures/spellings/frameworks.py', import.meta.url));

type Expressible = Extract<Spelling, { expressible: true }>;
type Hinted = Extract<Spelling, { expressible: false }> & { readonly nearMiss: NearMiss };

/** The frameworks frameworks.py executes; WebNN on its model of the spec (no browser here runs WebNN). */
export const EXECUTED: readonly Spelling['framework'][] = ['tensorflow', 'keras', 'onnx', 'pytorch', 'webnn'];

/**
 * The filter layouts a WebNN spelling's note describes, with the permutation of W's axes it says
 * to pass ("filter = W [C, M/group, kH, kW], the default filterLayout 'iohw'; for 'hwoi' pass
 * transpose(W, [2, 3, 1, 0]), ..."): the spec model runs the call once per layout, so a wrong
 * permutation in the note fails.
 */
export function webnnFilterLayouts(spelling: Expressible): Record<string, number[]> {
  const layouts: Record<string, number[]> = {};
  for (const note of spelling.notes) {
    const own = /filter = W \[C, M\/group, kH, kW\], the default filterLayout '(\w+)'/.exec(note);
    if (own) layouts[own[1]!] = [0, 1, 2, 3];
    for (const match of note.matchAll(/for '(\w+)' (?:pass )?transpose\(W, \[([\d, ]+)\]\)/g)) {
      layouts[match[1]!] = match[2]!.split(',').map(Number);
    }
  }
  return layouts;
}

export interface SpellingCase {
  readonly id: string;
  readonly geometry: ConvTransposeGeometry;
  readonly tensors: CaseTensors;
  readonly reference: ReferenceResult;
  readonly spellings: readonly Spelling[];
}

/** Seeded random valid cases of every convention, rank, layout, with groups and dilations. */
export function spellingCases(space: FuzzSpace, seed: number, count: number): SpellingCase[] {
  return fc.sample(caseArbitrary(space, 'spelling'), { seed, numRuns: count }).map(({ spec }, index) => {
    const resolved = resolveGeometry(spec);
    if (!resolved.ok) throw new Error(`generated case ${index} does not resolve: ${JSON.stringify(resolved.issues)}`);
    const geometry = resolved.geometry;
    const tensors = caseTensors(spec, geometry, spec.seed ?? index);
    return {
      id: `case-${index}`,
      geometry,
      tensors,
      reference: convTransposeReference(geometry, tensors),
      spellings: allSpellings(geometry),
    };
  });
}

/** The machine-readable call of a spelling (what the Python side executes), or null. */
function callOf(spelling: Expressible): Record<string, unknown> | null {
  switch (spelling.framework) {
    case 'tensorflow':
      if (spelling.tfExplicit) return { tfExplicit: spelling.tfExplicit };
      return spelling.tf ? { tf: spelling.tf } : null;
    case 'keras':
      return spelling.keras ? { keras: spelling.keras } : null;
    case 'onnx':
      return spelling.onnx ? { onnx: spelling.onnx, executors: ['onnxruntime'] } : null;
    case 'pytorch':
      return spelling.torch ? { torch: spelling.torch } : null;
    case 'webnn':
      return spelling.webnn ? { webnn: spelling.webnn, filterLayouts: webnnFilterLayouts(spelling) } : null;
    default:
      return null;
  }
}

/** The near-miss hints explain gives where a framework cannot spell the case (issue 15). */
export function nearMisses(c: SpellingCase): { key: string; spelling: Hinted }[] {
  return c.spellings.flatMap((spelling, index) =>
    !spelling.expressible && spelling.nearMiss
      ? [
          {
            key: `${c.id}/near-miss/${spelling.framework}/${spelling.form}#${index}`,
            spelling: { ...spelling, nearMiss: spelling.nearMiss },
          },
        ]
      : [],
  );
}

/**
 * A hint's machine-readable call. ONNX hints are portable (total padding >= 0), so the onnx
 * reference evaluator must agree with ONNX Runtime too, where it runs: onnx 1.23's evaluator
 * raises on grouped ConvTranspose ("cannot reshape array of size ..."), so only for group 1.
 */
function nearMissCall(hint: NearMiss, group: number): Record<string, unknown> | null {
  if (hint.tf) return { tf: hint.tf };
  if (hint.keras) return { keras: hint.keras };
  if (hint.onnx) return { onnx: hint.onnx, executors: group === 1 ? ['onnxruntime', 'reference'] : ['onnxruntime'] };
  if (hint.torch) return { torch: hint.torch };
  return null;
}

/**
 * What the hint says its spelling computes: per axis full[b + shift : b + shift + o + sizeDelta]
 * (zeros past the full size, plus bias), as tconv's reference computes that crop.
 */
export function nearMissExpected(
  c: SpellingCase,
  hint: NearMiss,
): { geometry: ConvTransposeGeometry; reference: ReferenceResult } {
  const g = c.geometry;
  const geometry = buildGeometry({
    layout: g.layout,
    batch: g.batch,
    inChannels: g.inChannels,
    outChannels: g.outChannels,
    group: g.group,
    hasBias: g.hasBias,
    axes: g.axes.map((axis, index) => ({
      inputSize: axis.inputSize,
      kernelSize: axis.kernelSize,
      stride: axis.stride,
      dilation: axis.dilation,
      beginCrop: axis.beginCrop + hint.shift[index]!,
      outputSize: axis.outputSize + hint.sizeDelta[index]!,
      outputPadding: 0,
    })),
    convention: g.convention,
  });
  return { geometry, reference: convTransposeReference(geometry, c.tensors) };
}

/** ONNX forms explain marks not portable, with the attributes the runners use for them (onnxSpellings). */
export function notPortableForms(c: SpellingCase): { key: string; form: string; attributes: OnnxAttributes }[] {
  const runnerForms = onnxSpellings(c.geometry);
  return c.spellings.flatMap((spelling) => {
    if (spelling.framework !== 'onnx' || spelling.expressible || !spelling.reason.startsWith('not portable')) return [];
    const runner = runnerForms.find((s) => s.form === spelling.form);
    if (!runner?.expressible || !runner.onnx) return [];
    return [{ key: `${c.id}/not-portable/${spelling.form}`, form: spelling.form, attributes: runner.onnx }];
  });
}

export const spellingKey = (c: SpellingCase, spelling: Spelling, index: number): string =>
  `${c.id}/${spelling.framework}/${spelling.form}#${index}`;

/** ONNX forms a search family covers, by the found mode (frameworks.py `Search.onnx`). */
export const ONNX_MODE_FORM: Readonly<Record<string, string>> = {
  'pads:NOTSET': 'pads',
  'auto:SAME_UPPER': 'auto_pad=SAME_UPPER',
  'auto:SAME_LOWER': 'auto_pad=SAME_LOWER',
  'auto:VALID': 'auto_pad=VALID',
  'shape:NOTSET': 'output_shape',
  // With output_shape, SAME_LOWER and VALID split the total like NOTSET (conventions.ts onnxBeginCrop).
  'shape:SAME_LOWER': 'output_shape',
  'shape:VALID': 'output_shape',
  'shape:SAME_UPPER': 'output_shape+SAME_UPPER',
};

const offered = (c: SpellingCase, framework: Spelling['framework']): Expressible[] =>
  c.spellings.filter((s): s is Expressible => s.expressible && s.framework === framework);

/** Search jobs: per framework with a "cannot be spelled" (for ONNX: the families with a form missing). */
function searchJobs(c: SpellingCase): { key: string; framework: string; families?: string[] }[] {
  const jobs: { key: string; framework: string; families?: string[] }[] = [];
  for (const framework of ['tensorflow', 'keras', 'pytorch'] as const) {
    if (c.spellings.some((s) => s.framework === framework && !s.expressible)) {
      jobs.push({ key: `${c.id}/search/${framework}`, framework });
    }
  }
  const onnxForms = new Set(offered(c, 'onnx').map((s) => s.form));
  const families = [
    ...(onnxForms.has('pads') ? [] : ['pads']),
    ...(['auto_pad=SAME_UPPER', 'auto_pad=SAME_LOWER', 'auto_pad=VALID'].every((f) => onnxForms.has(f))
      ? []
      : ['auto']),
    ...(onnxForms.has('output_shape') && onnxForms.has('output_shape+SAME_UPPER') ? [] : ['shape']),
  ];
  if (families.length > 0) jobs.push({ key: `${c.id}/search/onnx`, framework: 'onnx', families });
  return jobs;
}

function caseJob(c: SpellingCase, unreadable: string[]): object {
  const g = c.geometry;
  const spellings = c.spellings.flatMap((spelling, index) => {
    if (!spelling.expressible || !EXECUTED.includes(spelling.framework)) return [];
    const call = callOf(spelling);
    if (call === null) {
      unreadable.push(`${spellingKey(c, spelling, index)}: no machine-readable call`);
      return [];
    }
    return [{ key: spellingKey(c, spelling, index), framework: spelling.framework, form: spelling.form, ...call }];
  });
  // The forms explain calls not portable, as the runners spell them: executed for the record.
  const notPortable = notPortableForms(c).map(({ key, attributes }) => ({
    key,
    framework: 'onnx',
    form: key,
    onnx: attributes,
    executors: ['onnxruntime', 'reference'],
  }));
  const hints = nearMisses(c).flatMap(({ key, spelling }) => {
    const call = nearMissCall(spelling.nearMiss, g.group);
    if (call === null) {
      unreadable.push(`${key}: no machine-readable call`);
      return [];
    }
    return [{ key, framework: spelling.framework, form: spelling.form, ...call }];
  });
  return {
    id: c.id,
    rank: g.rank,
    channelsLast: g.channelsLast,
    inputShape: g.inputShape,
    weightShape: g.weightShape,
    group: g.group,
    inChannels: g.inChannels,
    outChannels: g.outChannels,
    kernel: g.axes.map((a) => a.kernelSize),
    strides: g.axes.map((a) => a.stride),
    dilations: g.axes.map((a) => a.dilation),
    input: Array.from(c.tensors.input),
    weight: Array.from(c.tensors.weight),
    bias: c.tensors.bias ? Array.from(c.tensors.bias) : null,
    axes: g.axes.map((a) => ({
      i: a.inputSize,
      k: a.kernelSize,
      s: a.stride,
      d: a.dilation,
      begin: a.beginCrop,
      o: a.outputSize,
      full: a.fullSize,
    })),
    spellings: [...spellings, ...notPortable, ...hints],
    searches: searchJobs(c),
  };
}

export type Run =
  | { executor: string; status: 'ok'; shape: number[]; data: number[] }
  | { executor: string; status: 'error'; message: string };

export interface SearchResult {
  readonly tried: number;
  readonly found: readonly { mode: string; detail: string }[];
  readonly blocked: string | null;
  /** Some axis's output holds no tap (zeros plus bias for any data): values cannot tell crops apart. */
  readonly degenerate: boolean;
}

export interface FrameworkResults {
  readonly versions: Record<string, string>;
  /** Where the Python process spent its time (import, executions per framework, searches). */
  readonly seconds: Record<string, number>;
  readonly runs: Record<string, Run[]>;
  readonly searches: Record<string, SearchResult>;
  /** The WebNN spec model's own checks (frameworks.py webnn_self_check): what failed. */
  readonly webnnSelfCheck: string[];
  /** Expressible spellings without a machine-readable call. */
  readonly unreadable: string[];
}

/** Runs every job in one Python process; throws with its stderr when it fails. */
export function runFrameworks(python: string, cases: readonly SpellingCase[]): FrameworkResults {
  const unreadable: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'tconv-spellings-'));
  try {
    const jobsPath = join(dir, 'jobs.json');
    const resultsPath = join(dir, 'results.json');
    writeFileSync(jobsPath, JSON.stringify({ cases: cases.map((c) => caseJob(c, unreadable)) }));
    const child = spawnSync(python, [FRAMEWORKS_SCRIPT, jobsPath, resultsPath], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      // TF_ENABLE_ONEDNN_OPTS=0: TF's own (Eigen) CPU kernels. Its default oneDNN kernel of
      // Conv2DBackpropInput returns wrong values when one axis's output passes the full size
      // while another crops (e.g. x [3, 2, 3, 1], kernel 1x5, strides [2, 3], output [3, 4, 9, 1],
      // SAME), a TF bug, not a wrong spelling.
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', TF_CPP_MIN_LOG_LEVEL: '3', TF_ENABLE_ONEDNN_OPTS: '0' },
    });
    if (child.status !== 0) {
      const stderr = (child.stderr ?? '').trim().split('\n').slice(-15).join('\n');
      throw new Error(
        `${python} ${FRAMEWORKS_SCRIPT} failed (${child.error?.message ?? `exit ${child.status}`}):\n${stderr}`,
      );
    }
    const parsed = JSON.parse(readFileSync(resultsPath, 'utf8')) as Omit<FrameworkResults, 'unreadable'>;
    return { ...parsed, unreadable };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Why a run does not reproduce the case, or null when it does (float32 error bound of the reference). */
export function runProblem(c: SpellingCase, run: Run): string | null {
  return runDiffers(c.geometry, c.reference, run);
}

/** Why a run differs from a reference output of a geometry, or null (float32 error bound). */
export function runDiffers(geometry: ConvTransposeGeometry, reference: ReferenceResult, run: Run): string | null {
  if (run.status === 'error') return `${run.executor} raised ${run.message}`;
  const expected = geometry.outputShape;
  if (run.shape.join(',') !== expected.join(',')) {
    return `${run.executor} returned shape [${run.shape.join(', ')}], expected [${expected.join(', ')}]`;
  }
  const budget = { tolerance: AUTO_TOLERANCE, termCount: reference.termCount, absSum: reference.absSum };
  let bad = 0;
  let first = -1;
  run.data.forEach((value, index) => {
    const want = reference.output[index]!;
    if (!(Math.abs(value - want) <= allowedDifference(budget, want, index))) {
      bad += 1;
      if (first < 0) first = index;
    }
  });
  if (bad === 0) return null;
  return `${run.executor}: ${bad}/${run.data.length} elements outside the float32 bound (first at ${first}: ${run.data[first]} vs ${reference.output[first]})`;
}

/**
 * Whether the spelling's notes say this executor rejects it, and it did: ONNX Runtime's
 * output_padding >= stride, and TensorFlow's CPU kernels' dilation > 1 (TF_ENABLE_ONEDNN_OPTS=0
 * above; Keras's TensorFlow backend calls the same kernel).
 */
export function acknowledgedError(spelling: { readonly notes: readonly string[] }, run: Run): boolean {
  if (run.status !== 'error') return false;
  const noted = (pattern: RegExp): boolean => spelling.notes.some((note) => pattern.test(note));
  if (run.executor === 'onnxruntime') return noted(/rejected by ONNX Runtime/);
  if (run.executor === 'tf.nn' || run.executor === 'keras') {
    return noted(/reject dilation > 1/) && /do(es)? not yet support dilation rates larger than 1/.test(run.message);
  }
  return false;
}

/** The offered form a found ONNX/TF/Keras/PyTorch search mode needs, or true when one is offered. */
export function modeOffered(c: SpellingCase, framework: Spelling['framework'], mode: string): boolean {
  const forms = offered(c, framework);
  switch (framework) {
    case 'onnx':
      return forms.some((s) => s.form === ONNX_MODE_FORM[mode]);
    case 'tensorflow':
      return forms.some((s) => (mode === 'EXPLICIT' ? s.tfExplicit !== undefined : s.tf?.padding === mode));
    case 'keras':
      return forms.some((s) => s.keras?.padding === mode);
    default:
      return forms.length > 0;
  }
}
