/**
 * A minimal finding as a case file (schema v1): the case itself (data generated from its `seed`,
 * plus literal data when the case was shrunk to small integer tensors), with the fuzz seed, the
 * fast-check path, the framework versions and the comparator's diagnosis in comments, the
 * description and the tags. No `expected:` entry: it is a new finding, not a known divergence.
 *
 * Files are created with flag 'wx' (an existing file is never overwritten: the next free name is
 * taken) and loaded back with `loadCaseFile` right after writing, which must give the same
 * geometry and bit-identical tensors.
 */
import { mkdirSync, openSync, writeSync, closeSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Document, isMap, isScalar, visit } from 'yaml';
import { DEFAULT_MAX_ELEMENTS, loadCaseFile } from '../case/load.js';
import type { CaseSpec } from '../case/types.js';
import { caseTensors } from '../data/tensors.js';
import { yamlNumberTags } from '../format/yamlNumber.js';
import type { FuzzFinding } from './fuzz.js';
import { REPOSITORY_ROOT } from '../paths.js';

/** Literal tensors are written when the case has integer data and at most this many values. */
export const MAX_LITERAL_VALUES = 512;

export interface SaveContext {
  /** Directory of the regression files (created when missing). */
  readonly dir: string;
  /** Runner name -> version (framework versions). */
  readonly versions: Readonly<Record<string, string>>;
  readonly toolVersion: string;
  /** The `tconv fuzz ...` command that replays this finding (without the program name). */
  readonly fuzzReplay: string;
  /** Options that register the runners the replay needs (`--runner-exec "NAME=COMMAND"` ...). */
  readonly registration?: readonly string[];
  /** Timestamp for the header (injectable for tests). */
  readonly date?: Date;
}

export interface SavedFinding {
  readonly path: string;
  /** `tconv run <file> --runners <runner>` */
  readonly runReplay: string;
}

const slug = (text: string): string => text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');

/** The case name in the file: kind-runner-variant. */
export function findingCaseName(found: FuzzFinding): string {
  const { kind, runner, variant } = found.finding;
  return slug([kind, runner, variant].filter(Boolean).join('-'));
}

/** The first file name tried; later ones add -2, -3, ... */
export function findingFileName(found: FuzzFinding, attempt = 1): string {
  return `fuzz-${findingCaseName(found)}-seed${found.seed}${attempt > 1 ? `-${attempt}` : ''}.yaml`;
}

/** `# yaml-language-server: $schema=...` for files inside this repository, else nothing. */
function schemaComment(path: string): string[] {
  const absolute = resolve(path);
  if (!absolute.startsWith(REPOSITORY_ROOT + sep)) return [];
  const schema = relative(dirname(absolute), join(REPOSITORY_ROOT, 'cases', 'schema.json'))
    .split(sep)
    .join('/');
  return [`# yaml-language-server: $schema=${schema}`];
}

function integersOnly(values: Float32Array | null): boolean {
  return values === null || values.every((value) => Number.isInteger(value));
}

/** The case as saved: the minimal spec, renamed, described, tagged, with literal data when small. */
export function regressionSpec(found: FuzzFinding, context: SaveContext): CaseSpec {
  const { spec, tensors, geometry } = found.evaluation;
  const { finding } = found;
  const literalCount = tensors.input.length + tensors.weight.length + (tensors.bias?.length ?? 0);
  const literal =
    spec.distribution === 'integers' &&
    literalCount <= MAX_LITERAL_VALUES &&
    integersOnly(tensors.input) &&
    integersOnly(tensors.weight) &&
    integersOnly(tensors.bias);
  const versions = Object.values(context.versions).join('; ');
  const description = [
    `New ${finding.kind} of ${finding.runner}${finding.variant ? ` (variant ${finding.variant})` : ''}, found by tconv fuzz and shrunk to this case.`,
    `Runner said: ${finding.summary}.`,
    finding.diagnosis && !finding.summary.includes(finding.diagnosis) ? `Diagnosis: ${finding.diagnosis}.` : '',
    `Geometry: ${geometry.axes.map((a) => `i ${a.inputSize} k ${a.kernelSize} s ${a.stride} d ${a.dilation} full ${a.fullSize} begin ${a.beginCrop} o ${a.outputSize}`).join('; ')}.`,
    `Fuzz seed ${found.seed}, fast-check path ${found.path}; ${versions}.`,
  ]
    .filter(Boolean)
    .join(' ');
  const rest = Object.fromEntries(Object.entries(spec).filter(([key]) => key !== 'name')) as Omit<CaseSpec, 'name'>;
  return {
    name: findingCaseName(found),
    description,
    tags: ['fuzz', 'regression', finding.kind, finding.runner, found.convention, `${geometry.rank}d`],
    ...rest,
    ...(literal
      ? {
          data: {
            input: Array.from(tensors.input),
            weight: Array.from(tensors.weight),
            ...(tensors.bias ? { bias: Array.from(tensors.bias) } : {}),
          },
        }
      : {}),
  };
}

/**
 * Flow style for number lists ([1, 2]) and the ONNX padding map ({auto_pad: X}), block elsewhere;
 * numbers as YAML 1.1 readers read them too (yamlNumber).
 */
function yamlText(value: unknown): string {
  const document = new Document(value, { customTags: yamlNumberTags });
  visit(document, {
    Seq(_key, node) {
      if (node.items.every((item) => isScalar(item))) node.flow = true;
    },
    Pair(_key, pair) {
      if (isScalar(pair.key) && pair.key.value === 'padding' && isMap(pair.value)) pair.value.flow = true;
    },
  });
  return document.toString({ lineWidth: 100, flowCollectionPadding: false });
}

function headerLines(found: FuzzFinding, context: SaveContext, path: string, runReplay: string): string[] {
  const { finding } = found;
  const date = (context.date ?? new Date()).toISOString();
  const wrap = (label: string, text: string): string[] => {
    const words = text.split(/\s+/);
    const lines: string[] = [];
    let line = `#   ${label}`;
    for (const word of words) {
      if (line.length + word.length > 98 && line.trim() !== '#') {
        lines.push(line);
        line = '#     ';
      }
      line += `${line.endsWith(' ') ? '' : ' '}${word}`;
    }
    lines.push(line);
    return lines;
  };
  return [
    ...schemaComment(path),
    `# Found by \`tconv fuzz\` (tconv ${context.toolVersion}) on ${date}.`,
    '# A NEW finding: no known divergence (src/fuzz/known.ts) or expectation explained it, so no',
    '# `expected:` entry is recorded. Decide whether it is a runner bug (then add an `expected:` entry',
    '# with the reason and a link) or a tconv bug (then fix tconv).',
    `#   kind: ${finding.kind}`,
    `#   runner: ${finding.runner}${finding.variant ? `, variant ${finding.variant}` : ''}`,
    ...wrap('summary:', finding.summary),
    ...(finding.diagnosis && !finding.summary.includes(finding.diagnosis) ? wrap('diagnosis:', finding.diagnosis) : []),
    ...(finding.detail
      ? ['#   stderr (last lines):', ...finding.detail.split('\n').map((line) => `#     ${line}`)]
      : []),
    ...(finding.call ? wrap('native call:', `${finding.call.op} ${JSON.stringify(finding.call.attributes)}`) : []),
    ...(finding.emulation ? wrap('emulation:', finding.emulation) : []),
    `#   fuzz seed: ${found.seed}; fast-check path: ${found.path}; round ${found.round}; ${found.shrinks} shrink steps${found.shrinkInterrupted ? ' (shrinking hit its time limit)' : ''}`,
    `#   first failing case before shrinking: ${JSON.stringify(found.original.spec)}`,
    ...Object.entries(context.versions).map(([runner, version]) => `#   ${runner}: ${version}`),
    `#   node: ${process.version} ${process.platform}-${process.arch}`,
    '# Replay:',
    `#   ${runReplay}`,
    `#   ${context.fuzzReplay}`,
  ];
}

const quote = (text: string): string =>
  /^[A-Za-z0-9._/=:+,-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;

/**
 * Writes the finding to a new file in `context.dir` and checks that it loads back as the same
 * case. Throws when the directory cannot be written or the file does not replay (a tconv bug).
 */
export function saveFinding(found: FuzzFinding, context: SaveContext): SavedFinding {
  mkdirSync(context.dir, { recursive: true });
  const spec = regressionSpec(found, context);
  const body = yamlText({
    description: `tconv fuzz regression: ${found.finding.kind} of ${found.finding.runner}${found.finding.variant ? ` ${found.finding.variant}` : ''} (minimal case).`,
    cases: [spec],
  });
  for (let attempt = 1; ; attempt++) {
    const path = join(context.dir, findingFileName(found, attempt));
    const registration = (context.registration ?? []).map((option) => ` ${option}`).join('');
    const runReplay = `tconv run ${quote(path)} --runners ${found.finding.runner === 'reference' ? 'all' : found.finding.runner}${registration}`;
    const text = `${headerLines(found, context, path, runReplay).join('\n')}\n${body}`;
    let descriptor: number;
    try {
      descriptor = openSync(path, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw error;
    }
    try {
      writeSync(descriptor, text);
    } finally {
      closeSync(descriptor);
    }
    verifySaved(path, found);
    return { path, runReplay };
  }
}

/** The saved file must load and replay exactly: same geometry, bit-identical tensors. */
export function verifySaved(path: string, found: FuzzFinding): void {
  const loaded = loadCaseFile(path, { maxElements: DEFAULT_MAX_ELEMENTS });
  const entry = loaded.cases[0];
  if (!entry || loaded.cases.length !== 1) throw new Error(`${path}: expected one case, loaded ${loaded.cases.length}`);
  const { geometry, tensors } = found.evaluation;
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  if (
    !same(entry.geometry.axes, geometry.axes) ||
    !same(entry.geometry.outputShape, geometry.outputShape) ||
    entry.geometry.layout !== geometry.layout
  ) {
    throw new Error(`${path}: the saved case resolves to another geometry than the finding's (a tconv bug)`);
  }
  const replayed = caseTensors(entry.spec, entry.geometry, entry.seed);
  const bits = (values: Float32Array | null): string =>
    values ? Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64') : '';
  if (
    bits(replayed.input) !== bits(tensors.input) ||
    bits(replayed.weight) !== bits(tensors.weight) ||
    bits(replayed.bias) !== bits(tensors.bias)
  ) {
    throw new Error(`${path}: the saved case does not replay the finding's tensors bit for bit (a tconv bug)`);
  }
}
