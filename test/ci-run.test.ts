/**
 * The CI features of `tconv run` and `tconv merge`, end to end through the real CLI and real
 * files: exit codes (0 / 1 / 2 / 3, never a stack trace), known divergences in case files and in
 * `--expectations` files (expected-<status>, unexpected-pass), `--filter` globs on stable case ids,
 * deterministic `--shard i/n` and `merge`, and the JSON, JUnit and `--report DIR` outputs.
 *
 * Fixtures are in test/fixtures/ci/. Files under test/fixtures/ci/cases/ get ids relative to that
 * `cases/` folder (`grid/alpha`, `nested/deep/golf`, `divergence/...`); the others get ids relative
 * to the repository root (`test/fixtures/ci/wrong-expect/wrong-expect`). Only the reference and
 * onnxruntime runners are used; each describe block starts its CLI runs together in beforeAll
 * (about 35 processes in all, mostly Node + tsx start-up), so the file takes 10-20 s.
 */
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPORT_SCHEMA_VERSION, type CaseReport, type RunReport, type VariantReport } from '../src/run/report.js';
import { REPO_ROOT, runCli, STACK_TRACE_LINE, type CliResult } from './helpers/cli.js';

const FIXTURES = 'test/fixtures/ci';
const SUITE = `${FIXTURES}/cases`;
const WRONG_EXPECT = `${FIXTURES}/wrong-expect.yaml`;
const BOTH = ['--runners', 'reference,onnxruntime'];
const REFERENCE = ['--runners', 'reference'];

/** The case ids of test/fixtures/ci/cases, in run order (files sorted by path, cases in file order). */
const SUITE_IDS = [
  'divergence/ort-same-upper-k1-s2',
  'grid/delta',
  'grid/alpha',
  'grid/echo',
  'grid/bravo',
  'grid/charlie',
  'nested/deep/alpha',
  'nested/deep/foxtrot',
  'nested/deep/golf',
];

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'tconv-ci-run-'));
});
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** A fresh path in the scratch directory. */
let counter = 0;
const scratchPath = (name: string): string => join(scratch, `${++counter}-${name}`);

const readReport = (path: string): RunReport => JSON.parse(readFileSync(path, 'utf8')) as RunReport;

const ids = (report: RunReport): string[] => report.cases.map((entry) => entry.id);

const variantLabel = (variant: VariantReport): string =>
  variant.variant ? `${variant.runner} ${variant.variant}` : variant.runner;

/** Runs tconv and checks that, whatever the exit code, stderr carries no stack trace. */
async function tconv(args: readonly string[], env?: Record<string, string>): Promise<CliResult> {
  const result = await runCli(args, env ? { env } : {});
  expect(result.stderr, `stderr of tconv ${args.join(' ')}`).not.toMatch(STACK_TRACE_LINE);
  return result;
}

/** `tconv run ... --json F`: the result and the parsed report. */
async function runJson(args: readonly string[]): Promise<{ result: CliResult; report: RunReport }> {
  const path = scratchPath('report.json');
  const result = await tconv(['run', ...args, '--json', path]);
  return { result, report: readReport(path) };
}

/** The fields that measure time: everything else in a report is a function of the input. */
const TIMING_FIELDS = new Set(['startedAt', 'durationMs', 'wallMs']);

function withoutTiming(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTiming);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !TIMING_FIELDS.has(key))
        .map(([key, inner]) => [key, withoutTiming(inner)]),
    );
  }
  return value;
}

/** Calls `f` once, on first use: describe blocks start their runs together in beforeAll. */
function memo<T>(f: () => Promise<T>): () => Promise<T> {
  let promise: Promise<T> | undefined;
  return () => (promise ??= f());
}

/** Two identical runs of the fixture suite on reference + onnxruntime, shared by several blocks. */
const suiteRuns = memo(() =>
  Promise.all(
    [1, 2].map(async () => {
      const path = scratchPath('suite.json');
      // --verbose: the tests below read the lines of passing and known-divergence variants too.
      const result = await tconv(['run', SUITE, ...BOTH, '--verbose', '--json', path]);
      return { result, report: readReport(path), path };
    }),
  ),
);

function statusesOf(report: RunReport, id: string): Record<string, string> {
  const entry = report.cases.find((candidate) => candidate.id === id);
  expect(entry, id).toBeDefined();
  return Object.fromEntries(entry!.variants.map((variant) => [variantLabel(variant), variant.status]));
}

// ---------------------------------------------------------------------------------------------
// XML, parsed by Python's xml.etree (an independent, strict parser).

interface XmlNode {
  readonly tag: string;
  readonly attrib: Readonly<Record<string, string>>;
  readonly text: string | null;
  readonly children: readonly XmlNode[];
}

const XML_TO_JSON = `
import json, sys
import xml.etree.ElementTree as ET
def node(e):
    return {"tag": e.tag, "attrib": dict(e.attrib), "text": e.text, "children": [node(c) for c in e]}
print(json.dumps(node(ET.parse(sys.argv[1]).getroot())))
`;

function parseXml(path: string): XmlNode {
  return JSON.parse(execFileSync('python3', ['-c', XML_TO_JSON, path], { encoding: 'utf8' })) as XmlNode;
}

const childrenNamed = (node: XmlNode, tag: string): XmlNode[] => node.children.filter((child) => child.tag === tag);
const childNamed = (node: XmlNode, tag: string): XmlNode | undefined => childrenNamed(node, tag)[0];

// ---------------------------------------------------------------------------------------------

describe('exit codes', () => {
  const torchPython = (): string => join(scratch, 'no-such-dir', 'python3');
  const runs = {
    wrongExpect: memo(() => tconv(['run', WRONG_EXPECT, ...REFERENCE, '--verbose'])),
    ortListed: memo(() => tconv(['run', `${FIXTURES}/onnxruntime-listed.yaml`, ...BOTH])),
    referenceListed: memo(() => runJson([`${FIXTURES}/reference-listed.yaml`, ...REFERENCE])),
    missingFile: memo(() => tconv(['run', `${FIXTURES}/no-such-file.yaml`, ...REFERENCE])),
    torch: memo(() => tconv(['run', SUITE, '--runners', 'reference,torch'], { TCONV_PYTHON: torchPython() })),
  };
  beforeAll(async () => {
    await Promise.all([suiteRuns(), ...Object.values(runs).map((run) => run())]);
  });

  it('0 when every case x variant holds, known divergences included', async () => {
    const { result, report } = (await suiteRuns())[0]!;
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(ids(report)).toEqual(SUITE_IDS);
    expect(statusesOf(report, 'divergence/ort-same-upper-k1-s2')).toMatchObject({
      reference: 'pass',
      'onnxruntime pads': 'pass',
      'onnxruntime auto_pad=SAME_UPPER': 'expected-mismatch',
      'onnxruntime auto_pad=SAME_LOWER': 'expected-mismatch',
    });
    expect(statusesOf(report, 'nested/deep/golf')).toEqual({ reference: 'pass', onnxruntime: 'unsupported' });
    const variants = report.cases.flatMap((entry) => entry.variants);
    expect(result.stdout).toMatch(new RegExp(`\\n${variants.length - 1} passed, 0 failed, 1 skipped\\n`));
    expect(result.stdout).toMatch(
      /^expected-mismatch divergence\/ort-same-upper-k1-s2 {2}onnxruntime auto_pad=SAME_UPPER/m,
    );
  });

  it('1 on an unexpected mismatch (a wrong documented expect), naming the case, statistics and diagnosis', async () => {
    const result = await runs.wrongExpect();
    expect(result.code).toBe(1);
    const id = `${FIXTURES}/wrong-expect/wrong-expect`;
    expect(result.stdout).toMatch(
      new RegExp(`^MISMATCH +${id} {2}reference: vs documented expect: 1 / 1 elements differ`, 'm'),
    );
    expect(result.stdout).toMatch(new RegExp(`^pass +${FIXTURES}/wrong-expect/right-expect {2}reference`, 'm'));
    // The failure details: where, the torch-style statistics, the worst element and a diagnosis.
    const details = result.stdout.slice(result.stdout.indexOf(`MISMATCH: ${id} [reference] (${WRONG_EXPECT}:7)`));
    expect(details).not.toBe(result.stdout);
    expect(details).toContain('Mismatched elements: 1 / 1 (100.0%)');
    expect(details).toContain('Greatest absolute difference: 1 at index (0, 0, 0, 0)');
    expect(details).toMatch(/\(0, 0, 0, 0\): expect 29, reference 28/);
    expect(details).toMatch(/^ {2}Diagnosis: \S/m);
    expect(result.stdout).toMatch(/\n1 passed, 1 failed, 0 skipped\n$/);
  });

  it('1 on an unexpected pass of a divergence a case file lists for an onnxruntime spelling', async () => {
    const result = await runs.ortListed();
    expect(result.code).toBe(1);
    const id = `${FIXTURES}/onnxruntime-listed/pads-listed-but-passes`;
    expect(result.stdout).toMatch(new RegExp(`^UNEXPECTED-PASS +${id} {2}onnxruntime pads:`, 'm'));
    expect(result.stdout).toContain(`UNEXPECTED-PASS: ${id} [onnxruntime pads]`);
    expect(result.stdout).toContain('Listed as a known mismatch: Listed, but ORT computes it right');
    expect(result.stdout).toMatch(/\n\d+ passed, 1 failed, 0 skipped\n$/);
  });

  // The case's `expected` entry names the reference (a RUNNER_NAMES value, so the schema accepts
  // it) and the reference passes: the listed divergence no longer happens.
  it('1 on an unexpected pass of a divergence a case file lists for the reference', async () => {
    const { result, report } = await runs.referenceListed();
    expect(statusesOf(report, `${FIXTURES}/reference-listed/listed-but-passes`)).toEqual({
      reference: 'unexpected-pass',
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`UNEXPECTED-PASS: ${FIXTURES}/reference-listed/listed-but-passes [reference]`);
  });

  const usageErrors: [string[], RegExp][] = [
    [['--shard', '0/2'], /--shard expects i\/n with 1 <= i <= n \(e\.g\. 2\/4\), got '0\/2'/],
    [['--runners', 'reference,no-such-runner'], /unknown runner 'no-such-runner' \(available: reference, /],
    [['--filter', 'no/such/*'], /--filter 'no\/such\/\*' matched none of the 9 case ids/],
    // '*' stops at '/': the nested file's ids are nested/deep/<case>.
    [['--filter', 'nested/*'], /--filter 'nested\/\*' matched none of the 9 case ids/],
  ];
  const usageResults = new Map<string, CliResult>();
  beforeAll(async () => {
    const results = await Promise.all(usageErrors.map(([args]) => tconv(['run', SUITE, ...REFERENCE, ...args])));
    usageErrors.forEach(([args], index) => usageResults.set(args.join(' '), results[index]!));
  });

  it.each(usageErrors)('2 on invalid usage: %j', (args, message) => {
    const result = usageResults.get(args.join(' '))!;
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });

  it('2 on a case file or directory that does not exist', async () => {
    const result = await runs.missingFile();
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${FIXTURES}/no-such-file.yaml: cannot read the case file (ENOENT)`);
  });

  // runners/torch/python.ts: TCONV_PYTHON, when set, is the interpreter the torch bridge starts.
  it('3 when a requested runner is unavailable (TCONV_PYTHON names no interpreter), before any case runs', async () => {
    const python = torchPython();
    const result = await runs.torch();
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('runner torch is unavailable');
    expect(result.stderr).toContain(`TCONV_PYTHON=${python} was not found`);
    expect(result.stdout).toBe('');
  });
});

describe('--expectations FILE', () => {
  const ortUnlisted = `${FIXTURES}/onnxruntime-unlisted.yaml`;
  const ortRules = `${FIXTURES}/expectations/ort-auto-pad.yaml`;
  const referenceRule = `${FIXTURES}/expectations/wrong-expect.yaml`;
  const malformed = `${FIXTURES}/expectations/malformed.yaml`;
  const missingField = (): string => join(scratch, 'missing-field.yaml');
  const runs = {
    ortWithout: memo(() => runJson([ortUnlisted, ...BOTH])),
    ortWith: memo(() => runJson([ortUnlisted, ...BOTH, '--expectations', ortRules])),
    ortFixed: memo(() => runJson([`${FIXTURES}/onnxruntime-fixed.yaml`, ...BOTH, '--expectations', ortRules])),
    referenceWrong: memo(() => runJson([WRONG_EXPECT, ...REFERENCE, '--expectations', referenceRule])),
    referenceFixed: memo(() =>
      runJson([`${FIXTURES}/fixed-expect.yaml`, ...REFERENCE, '--expectations', referenceRule]),
    ),
    malformed: memo(() => tconv(['run', WRONG_EXPECT, ...REFERENCE, '--expectations', malformed])),
    missingField: memo(() => tconv(['run', WRONG_EXPECT, ...REFERENCE, '--expectations', missingField()])),
  };
  beforeAll(async () => {
    writeFileSync(missingField(), "expectations:\n  - id: '**'\n    runner: reference\n    status: mismatch\n");
    await Promise.all(Object.values(runs).map((run) => run()));
  });

  it('a rule matching a diverging onnxruntime case by id glob, runner and variant turns exit 1 into 0', async () => {
    const id = `${FIXTURES}/onnxruntime-unlisted/ort-same-upper-k1-s2`;
    const [without, withRules] = [await runs.ortWithout(), await runs.ortWith()];
    expect(without.result.code).toBe(1);
    expect(statusesOf(without.report, id)).toMatchObject({
      'onnxruntime auto_pad=SAME_UPPER': 'mismatch',
      'onnxruntime auto_pad=SAME_LOWER': 'mismatch',
    });
    expect(withRules.result.code).toBe(0);
    expect(statusesOf(withRules.report, id)).toMatchObject({
      'onnxruntime pads': 'pass',
      'onnxruntime auto_pad=SAME_UPPER': 'expected-mismatch',
      'onnxruntime auto_pad=SAME_LOWER': 'expected-mismatch',
    });
    const listed = withRules.report.cases[0]!.variants.find((v) => v.variant === 'auto_pad=SAME_UPPER')!;
    expect(listed.expected).toMatchObject({
      id: '**/ort-same-upper-*',
      runner: 'onnxruntime',
      status: 'mismatch',
      reason: 'ORT clamps the total padding at 0',
    });
  });

  it('the same rule on a case that passes is an unexpected pass: exit 1', async () => {
    const { result, report } = await runs.ortFixed();
    expect(result.code).toBe(1);
    expect(statusesOf(report, `${FIXTURES}/onnxruntime-fixed/ort-same-upper-k3-s2`)).toMatchObject({
      'onnxruntime pads': 'pass',
      'onnxruntime auto_pad=SAME_UPPER': 'unexpected-pass',
    });
  });

  it('a rule on the reference matching the wrong-expect case turns exit 1 into 0 (expected-mismatch)', async () => {
    const { result, report } = await runs.referenceWrong();
    expect(statusesOf(report, `${FIXTURES}/wrong-expect/wrong-expect`)).toEqual({ reference: 'expected-mismatch' });
    expect(statusesOf(report, `${FIXTURES}/wrong-expect/right-expect`)).toEqual({ reference: 'pass' });
    expect(result.code).toBe(0);
  });

  it('the same reference rule once the expect is right is an unexpected pass: exit 1', async () => {
    const { result, report } = await runs.referenceFixed();
    expect(statusesOf(report, `${FIXTURES}/fixed-expect/wrong-expect`)).toEqual({ reference: 'unexpected-pass' });
    expect(result.code).toBe(1);
  });

  it('a malformed expectations file: exit 2 with file:line:column and the field', async () => {
    const path = malformed;
    const result = await runs.malformed();
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      new RegExp(
        `^${path}:9:13: expectations\\[1\\]\\.status: expected one of "mismatch", .*found the string "broken"$`,
        'm',
      ),
    );
    expect(result.stdout).toBe('');
  });

  it('an expectations rule without its reason: exit 2 with file:line:column and the field', async () => {
    const result = await runs.missingField();
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^${missingField()}:2:\\d+: expectations\\[0\\].*reason`, 'm'));
  });
});

describe('--filter GLOB on case ids', () => {
  const filterCases: [string[], string[]][] = [
    [['grid/*'], ['grid/delta', 'grid/alpha', 'grid/echo', 'grid/bravo', 'grid/charlie']],
    [['nested/**'], ['nested/deep/alpha', 'nested/deep/foxtrot', 'nested/deep/golf']],
    [['*/alpha'], ['grid/alpha']],
    [['**/alpha'], ['grid/alpha', 'nested/deep/alpha']],
    [
      ['nested/*/g?lf', 'divergence/*,grid/alpha'],
      ['divergence/ort-same-upper-k1-s2', 'grid/alpha', 'nested/deep/golf'],
    ],
  ];
  const filterRuns = new Map<string, { result: CliResult; report: RunReport }>();
  beforeAll(async () => {
    const runs = await Promise.all(
      filterCases.map(([filters]) => runJson([SUITE, ...REFERENCE, ...filters.flatMap((f) => ['--filter', f])])),
    );
    filterCases.forEach(([filters], index) => filterRuns.set(filters.join(' '), runs[index]!));
  });

  it.each(filterCases)('%j keeps %j (in run order)', (filters, expected) => {
    const { result, report } = filterRuns.get(filters.join(' '))!;
    expect(result.code).toBe(0);
    expect(ids(report)).toEqual(expected);
    expect(report.selection.filter).toEqual(filters.flatMap((filter) => filter.split(',')));
  });
});

describe('--shard i/n and tconv merge (fixture suite, reference and onnxruntime)', () => {
  let whole: { result: CliResult; report: RunReport; path: string };
  let wholeAgain: string;
  let shardPaths: [string, string, string];
  let againPath: string;
  let shards: RunReport[];
  let again: RunReport;
  /** Real runs beside the 3-way split: other splits, runners, filter and inputs. */
  const other = {
    half: '', // SUITE --shard 2/2
    referenceOnly: '', // SUITE --runners reference --shard 2/3
    filtered: '', // SUITE --filter 'grid/*' --shard 2/3
    failingOne: '', // SUITE + WRONG_EXPECT --shard 1/2 (one case fails in one of the two)
    failingTwo: '', // SUITE + WRONG_EXPECT --shard 2/2
  };
  /** Hand-edited copies of shard 2/3 (what a report of another version or machine would say). */
  const edited = { schema: '', tool: '', revision: '', framework: '', node: '', notReport: '' };
  const merges = new Map<string, { result: CliResult; report?: RunReport; json: string }>();

  /** `tconv merge INPUTS... --json F` (F kept only when merge wrote it). */
  async function merge(name: string, inputs: readonly string[], flags: readonly string[] = []): Promise<void> {
    const json = scratchPath(`${name}.json`);
    const result = await tconv(['merge', ...inputs, ...flags, '--json', json]);
    merges.set(name, { result, json, ...(existsSync(json) ? { report: readReport(json) } : {}) });
  }

  /** An edited copy of a report. */
  function editCopy(path: string, name: string, edit: (report: RunReport) => unknown): string {
    const copy = scratchPath(name);
    writeFileSync(copy, JSON.stringify(edit(readReport(path))));
    return copy;
  }

  beforeAll(async () => {
    shardPaths = [1, 2, 3].map((index) => scratchPath(`shard-${index}.json`)) as [string, string, string];
    againPath = scratchPath('shard-2-again.json');
    const extraRuns: [keyof typeof other, string[]][] = [
      ['half', [SUITE, ...BOTH, '--shard', '2/2']],
      ['referenceOnly', [SUITE, ...REFERENCE, '--shard', '2/3']],
      ['filtered', [SUITE, ...BOTH, '--filter', 'grid/*', '--shard', '2/3']],
      ['failingOne', [SUITE, WRONG_EXPECT, ...BOTH, '--shard', '1/2']],
      ['failingTwo', [SUITE, WRONG_EXPECT, ...BOTH, '--shard', '2/2']],
    ];
    for (const [name] of extraRuns) other[name] = scratchPath(`${name}.json`);
    const [runs, ...results] = await Promise.all([
      suiteRuns(),
      ...shardPaths.map((path, index) => tconv(['run', SUITE, ...BOTH, '--shard', `${index + 1}/3`, '--json', path])),
      tconv(['run', SUITE, ...BOTH, '--shard', '2/3', '--json', againPath]),
      ...extraRuns.map(([name, args]) => tconv(['run', ...args, '--json', other[name]])),
    ]);
    whole = runs[0]!;
    wholeAgain = runs[1]!.path;
    // The wrong-expect case fails in whichever half it lands in; every other run passes.
    const failingHalves = results.splice(-2).map((result) => result.code);
    for (const result of results) expect(result.code).toBe(0);
    expect(failingHalves.sort()).toEqual([0, 1]);
    shards = shardPaths.map(readReport);
    again = readReport(againPath);

    const [one, two, three] = shardPaths;
    edited.schema = editCopy(two, 'other-version.json', (r) => ({ ...r, schemaVersion: REPORT_SCHEMA_VERSION + 1 }));
    edited.tool = editCopy(two, 'other-tool.json', (r) => ({ ...r, tool: { ...r.tool, version: '0.0.9' } }));
    edited.revision = editCopy(two, 'stale-shard.json', (r) => ({
      ...r,
      tool: { ...r.tool, revision: 'f'.repeat(40) },
    }));
    edited.framework = editCopy(two, 'other-ort.json', (r) => ({
      ...r,
      environment: { ...r.environment, runners: { ...r.environment.runners, onnxruntime: 'onnxruntime-node 0.0.1' } },
    }));
    edited.node = editCopy(two, 'other-node.json', (r) => ({
      ...r,
      environment: { ...r.environment, node: 'v0.0.1' },
    }));
    edited.notReport = editCopy(two, 'no-selection.json', (r) => ({ ...r, selection: undefined }));

    // Every merge the tests look at, in parallel (then the one that needs a merge's output).
    const plans: Record<string, readonly string[]> = {
      forward: [one, two, three],
      reverse: [three, two, one],
      overlapping: [three, two, one, two, whole.path],
      missing: [one, three],
      repeated: [one, two, againPath, three],
      'mixed-counts': [one, other.half],
      'mixed-unsharded': [one, two, three, whole.path],
      'other-version': [edited.schema, one, three],
      'not-report': [one, edited.notReport, three],
      'other-tool': [one, edited.tool, three],
      'stale-shard': [one, edited.revision, three],
      'other-runners': [one, other.referenceOnly, three],
      'other-filter': [one, other.filtered, three],
      'other-framework': [one, edited.framework, three],
      'other-node': [one, edited.node, three],
      'other-files': [other.failingOne, other.half],
      'duplicate-ids': [whole.path, wholeAgain],
      'with-failure': [other.failingTwo, other.failingOne],
    };
    await Promise.all([
      ...Object.entries(plans).map(([name, inputs]) => merge(name, inputs)),
      merge('partial', [one, three], ['--allow-partial']),
    ]);
    await merge('completed', [merges.get('partial')!.json, two]);
  });

  /** A merge refused with exit 2: nothing on stdout, nothing written; its stderr. */
  function refused(name: string): string {
    const { result, report } = merges.get(name)!;
    expect(result.code, result.stderr).toBe(2);
    expect(result.stdout).toBe('');
    expect(report).toBeUndefined();
    expect(result.stderr).toMatch(
      /^tconv: merge: the inputs are not one consistent, complete run \(nothing written\):$/m,
    );
    return result.stderr;
  }

  it('shards are disjoint, their union is the unsharded set, balanced, and the same shard twice is the same', () => {
    expect(ids(whole.report)).toEqual(SUITE_IDS);
    const shardIds = shards.map(ids);
    const union = shardIds.flat();
    expect(new Set(union).size, 'disjoint').toBe(union.length);
    expect([...union].sort()).toEqual([...SUITE_IDS].sort());
    expect(ids(again)).toEqual(shardIds[1]);
    expect(shardIds.map((shard) => shard.length)).toEqual([3, 3, 3]);
    expect(shards.map((shard) => shard.selection.shard)).toEqual(['1/3', '2/3', '3/3']);
    // The split depends on the ids only: round-robin over the sorted ids.
    const sorted = [...SUITE_IDS].sort();
    expect(shardIds.map((shard) => [...shard].sort())).toEqual(
      [0, 1, 2].map((index) => sorted.filter((_, position) => position % 3 === index)),
    );
  });

  it("each shard's results are the unsharded run's results for its cases", () => {
    const byId = new Map(whole.report.cases.map((entry) => [entry.id, withoutTiming(entry)]));
    for (const entry of shards.flatMap((shard) => shard.cases)) {
      expect(withoutTiming(entry), entry.id).toEqual(byId.get(entry.id));
    }
  });

  it('merge s1 s2 s3 --json F equals the unsharded report (timings aside), in run order, exit 0', () => {
    const { result, report } = merges.get('forward')!;
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/\nwrote \S+forward\.json\n$/);
    expect(ids(report!)).toEqual(SUITE_IDS);
    expect(report!.selection.shard).toBeNull();
    expect(withoutTiming(report)).toEqual(withoutTiming(whole.report));
    const closing = (text: string): string | undefined => /^\d+ passed, \d+ failed, \d+ skipped$/m.exec(text)?.[0];
    expect(closing(result.stdout)).toBeDefined();
    expect(closing(result.stdout)).toBe(closing(whole.result.stdout));
  });

  it('merge s3 s2 s1 (any order) gives the same report', () => {
    const { result, report } = merges.get('reverse')!;
    expect(result.code).toBe(0);
    expect(withoutTiming(report)).toEqual(withoutTiming(whole.report));
  });

  // Before merge was strict this merged to the unsharded report, keeping the first copy of each
  // case id; now each overlap is an error, all reported at once.
  it('overlapping inputs (a shard twice, the unsharded report too): exit 2 naming every problem', () => {
    const stderr = refused('overlapping');
    const [one, two, three] = shardPaths;
    expect(stderr).toContain(`  - ${two} is given more than once\n`);
    expect(stderr).toContain(
      `  - mixes sharded and unsharded reports: ${three} (3/3), ${two} (2/3), ${one} (1/3), ${whole.path} (unsharded)\n`,
    );
    expect(stderr).toMatch(/^ {2}- case id '[^']+' is in both \S+shard-\d\.json and \S+suite\.json$/m);
  });

  it('a missing shard: exit 2 naming the missing shard and the files present', () => {
    const [one, , three] = shardPaths;
    expect(refused('missing')).toContain(
      `  - missing shard 2 of 3 (have ${one} (1/3), ${three} (3/3)); --allow-partial merges anyway, marking the report partial\n`,
    );
  });

  it('--allow-partial merges the shards present and marks the report and the console partial', () => {
    const { result, report } = merges.get('partial')!;
    expect(result.code).toBe(0);
    expect(report!.selection).toEqual({
      filter: [],
      shard: 'partial: 1,3 of 3',
      runners: ['reference', 'onnxruntime'],
    });
    const present = new Set([...ids(shards[0]!), ...ids(shards[2]!)]);
    expect(ids(report!)).toEqual(SUITE_IDS.filter((id) => present.has(id)));
    expect(result.stdout).toMatch(
      /^\d+ passed, 0 failed, \d+ skipped\nPARTIAL: shards 1,3 of 3 only, missing 2 \(--allow-partial\): their cases did not run\n/m,
    );
  });

  it('a partial merge plus its missing shard is the complete report (selection.shard back to null)', () => {
    const { result, report } = merges.get('completed')!;
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('PARTIAL');
    expect(withoutTiming(report)).toEqual(withoutTiming(whole.report));
  });

  it('the same shard from two runs: exit 2 naming the shard, both files and the duplicated case ids', () => {
    const stderr = refused('repeated');
    const two = shardPaths[1];
    expect(stderr).toContain(`  - shard 2/3 is in more than one input: ${two}, ${againPath}\n`);
    const [firstId] = ids(shards[1]!);
    expect(stderr).toContain(`  - case id '${firstId}' is in both ${two} and ${againPath}\n`);
  });

  it('shards of different splits (1/3 and 2/2): exit 2', () => {
    expect(refused('mixed-counts')).toContain(
      `  - mixes shard counts (one --shard i/n split only): ${shardPaths[0]} (1/3), ${other.half} (2/2)\n`,
    );
  });

  it('every shard plus the unsharded report: exit 2', () => {
    const [one, two, three] = shardPaths;
    expect(refused('mixed-unsharded')).toContain(
      `  - mixes sharded and unsharded reports: ${one} (1/3), ${two} (2/3), ${three} (3/3), ${whole.path} (unsharded)\n`,
    );
  });

  it('a report of another schema version: exit 2, naming the file, nothing written', () => {
    const version = merges.get('other-version')!;
    expect(version.result.code).toBe(2);
    expect(version.result.stderr).toBe(
      `tconv: ${edited.schema}: not a tconv JSON report of schema version ${REPORT_SCHEMA_VERSION}\n`,
    );
    expect(version.report).toBeUndefined();
  });

  it('a schema v1 report without the fields merge checks: exit 2, naming the file and the field', () => {
    const { result, report } = merges.get('not-report')!;
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `tconv: ${edited.notReport}: not a tconv JSON report of schema version ${REPORT_SCHEMA_VERSION} (selection is missing or malformed)\n`,
    );
    expect(report).toBeUndefined();
  });

  it('another tool version: exit 2 naming the field, both values and both files', () => {
    const version = JSON.stringify(shards[0]!.tool.version);
    expect(refused('other-tool')).toContain(
      `  - different tool.version: ${version} in ${shardPaths[0]}, "0.0.9" in ${edited.tool}\n`,
    );
  });

  it('a shard of the same version from another commit (tool.revision): exit 2 naming both', () => {
    expect(shards[0]!.tool.revision).toMatch(/^[0-9a-f]{40}(-dirty)?$/);
    const revision = JSON.stringify(shards[0]!.tool.revision);
    expect(refused('stale-shard')).toContain(
      `  - different tool.revision: ${revision} in ${shardPaths[0]}, "${'f'.repeat(40)}" in ${edited.revision}\n`,
    );
  });

  it('other runners (a real --runners reference shard): exit 2 naming the runner lists and versions', () => {
    const stderr = refused('other-runners');
    expect(stderr).toContain(
      `  - different selection.runners: ["reference","onnxruntime"] in ${shardPaths[0]}, ["reference"] in ${other.referenceOnly}\n`,
    );
    const ort = JSON.stringify(shards[0]!.environment.runners['onnxruntime']);
    expect(stderr).toContain(
      `  - different environment.runners.onnxruntime: ${ort} in ${shardPaths[0]}, (absent) in ${other.referenceOnly}\n`,
    );
  });

  it("another filter (a real --filter 'grid/*' shard): exit 2 naming both filters", () => {
    expect(refused('other-filter')).toContain(
      `  - different selection.filter: [] in ${shardPaths[0]}, ["grid/*"] in ${other.filtered}\n`,
    );
  });

  it('another framework version: exit 2 naming the runner, both versions and both files', () => {
    const ort = JSON.stringify(shards[0]!.environment.runners['onnxruntime']);
    const stderr = refused('other-framework');
    expect(stderr).toContain(
      `  - different environment.runners.onnxruntime: ${ort} in ${shardPaths[0]}, "onnxruntime-node 0.0.1" in ${edited.framework}\n`,
    );
    expect(stderr.match(/^ {2}- /gm)).toHaveLength(1);
  });

  it('shards of runs over different case files: exit 2 naming the file lists', () => {
    const paths = (path: string): string => JSON.stringify(readReport(path).files.map((file) => file.path));
    expect(refused('other-files')).toContain(
      `  - different files: ${paths(other.failingOne)} in ${other.failingOne}, ${paths(other.half)} in ${other.half}\n`,
    );
  });

  it('another Node version only warns (stderr), and the merged report records the first', () => {
    const { result, report } = merges.get('other-node')!;
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      `tconv: warning: different environment.node: ${JSON.stringify(process.version)} in ${shardPaths[0]}, ` +
        `"v0.0.1" in ${edited.node}; the merged report records the first\n`,
    );
    expect(report!.environment).toEqual(whole.report.environment);
  });

  it('the same case in two unsharded reports: exit 2 naming the id and both files', () => {
    const stderr = refused('duplicate-ids');
    expect(stderr).toContain(`  - case id '${SUITE_IDS[0]}' is in both ${whole.path} and ${wholeAgain}\n`);
    expect(stderr).toContain(`  - ... and ${SUITE_IDS.length - 3} more duplicate case ids\n`);
  });

  it('merge exits 1 when a shard has a failure', () => {
    const { result, report } = merges.get('with-failure')!;
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^\d+ passed, 1 failed, 1 skipped$/m);
    expect(report!.selection.shard).toBeNull();
    expect(ids(report!)).toEqual([
      ...SUITE_IDS,
      `${FIXTURES}/wrong-expect/right-expect`,
      `${FIXTURES}/wrong-expect/wrong-expect`,
    ]);
  });
});

describe('JSON report (--json F)', () => {
  let first: RunReport;
  let second: RunReport;
  beforeAll(async () => {
    const runs = await suiteRuns();
    for (const { result } of runs) expect(result.code).toBe(0);
    [first, second] = runs.map((run) => run.report) as [RunReport, RunReport];
  });

  it('carries the schema version, tool, Node and framework versions and the selection', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(first.schemaVersion).toBe(REPORT_SCHEMA_VERSION);
    // The checkout's commit, so merge can refuse a stale shard of the same version.
    expect(first.tool).toEqual({
      name: 'tconv',
      version: pkg.version,
      revision: expect.stringMatching(/^[0-9a-f]{40}(-dirty)?$/) as unknown as string,
    });
    expect(first.environment.node).toBe(process.version);
    expect(first.environment.platform).toBe(`${process.platform}-${process.arch}`);
    expect(Object.keys(first.environment.runners)).toEqual(['reference', 'onnxruntime']);
    expect(first.environment.runners['onnxruntime']).toMatch(/^onnxruntime-node \d+\.\d+\.\d+/);
    expect(first.selection).toEqual({ filter: [], shard: null, runners: ['reference', 'onnxruntime'] });
    expect(first.files.map((file) => file.fileId)).toEqual(['divergence', 'grid', 'nested/deep']);
    expect(Number.isNaN(Date.parse(first.startedAt))).toBe(false);
  });

  it('every case has its seed, and every native variant its call; versions per variant', () => {
    for (const entry of first.cases) {
      expect(Number.isInteger(entry.seed), entry.id).toBe(true);
      for (const variant of entry.variants) {
        expect(variant.version).toBe(first.environment.runners[variant.runner]);
        if (variant.runner === 'reference' || variant.status === 'unsupported') {
          expect(variant.call, `${entry.id} ${variantLabel(variant)}`).toBeUndefined();
          continue;
        }
        expect(variant.call?.op, `${entry.id} ${variantLabel(variant)}`).toMatch(/^ConvTranspose/);
      }
    }
    const divergence = first.cases.find((entry) => entry.id === 'divergence/ort-same-upper-k1-s2')!;
    const call = (name: string): Record<string, unknown> =>
      divergence.variants.find((variant) => variant.variant === name)!.call!.attributes as Record<string, unknown>;
    expect(call('auto_pad=SAME_UPPER')).toMatchObject({ auto_pad: 'SAME_UPPER', strides: [2, 2] });
    expect(call('pads')).toMatchObject({ pads: [0, 0, 0, 0], output_padding: [1, 1] });
  });

  it('keeps descriptions, reasons and links byte for byte (markup included)', () => {
    const yaml = parse(readFileSync(join(REPO_ROOT, SUITE, 'divergence.yaml'), 'utf8')) as {
      description: string;
      cases: { description: string; expected: { reason: string; link: string }[] }[];
    };
    const spec = yaml.cases[0]!;
    expect(spec.description).toContain(`<script>alert("x&y")</script> it's`);
    const entry: CaseReport = first.cases[0]!;
    expect(entry.description).toBe(spec.description);
    expect(first.files[0]!.description).toBe(yaml.description);
    const listed = entry.variants.find((variant) => variant.variant === 'auto_pad=SAME_UPPER')!;
    expect(listed.expected).toEqual({
      runner: 'onnxruntime',
      variant: 'auto_pad=SAME_UPPER',
      status: 'mismatch',
      ...spec.expected[0],
    });
  });

  it('two runs of the same input differ only in timing fields', () => {
    expect(first.startedAt).not.toBe(second.startedAt);
    expect(withoutTiming(second)).toEqual(withoutTiming(first));
  });
});

describe('JUnit XML (--junit F)', () => {
  const inputs = [SUITE, WRONG_EXPECT, `${FIXTURES}/onnxruntime-listed.yaml`];
  let report: RunReport;
  let xml: string;
  let root: XmlNode;
  beforeAll(async () => {
    const junit = scratchPath('junit.xml');
    const json = scratchPath('junit-run.json');
    const result = await tconv(['run', ...inputs, ...BOTH, '--junit', junit, '--json', json]);
    expect(result.code).toBe(1);
    report = readReport(json);
    xml = readFileSync(junit, 'utf8');
    root = parseXml(junit);
  });

  const suites = (): XmlNode[] => childrenNamed(root, 'testsuite');
  const testcase = (id: string, label: string): XmlNode => {
    const found = suites()
      .flatMap((suite) => childrenNamed(suite, 'testcase'))
      .find((node) => node.attrib['classname'] === id && node.attrib['name'] === label);
    expect(found, `${id} ${label}`).toBeDefined();
    return found!;
  };

  it('is well-formed: <testsuites> with totals over every case x variant', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
    expect(root.tag).toBe('testsuites');
    const variants = report.cases.flatMap((entry) => entry.variants);
    expect(root.attrib).toMatchObject({ name: 'tconv', tests: String(variants.length), failures: '2' });
  });

  it('one <testsuite> per case file, one <testcase> per case x runner variant, in run order', () => {
    const files = [...new Set(report.cases.map((entry) => entry.file))];
    expect(files).toHaveLength(5);
    expect(suites().map((suite) => suite.attrib['name'])).toEqual(files);
    for (const suite of suites()) {
      const cases = report.cases.filter((entry) => entry.file === suite.attrib['name']);
      const expected = cases.flatMap((entry) =>
        entry.variants.map((variant) => ({ classname: entry.id, name: variantLabel(variant), file: entry.file })),
      );
      const actual = childrenNamed(suite, 'testcase').map(({ attrib }) => ({
        classname: attrib['classname'],
        name: attrib['name'],
        file: attrib['file'],
      }));
      expect(actual).toEqual(expected);
      const variants = cases.flatMap((entry) => entry.variants);
      expect(suite.attrib['tests']).toBe(String(variants.length));
      expect(suite.attrib['skipped']).toBe(String(variants.filter((v) => v.status.endsWith('unsupported')).length));
      for (const node of childrenNamed(suite, 'testcase'))
        expect(Number(node.attrib['time'])).toBeGreaterThanOrEqual(0);
    }
  });

  it('properties: the seed of every case and the versions of the runners and Node', () => {
    for (const suite of suites()) {
      const properties = childrenNamed(childNamed(suite, 'properties')!, 'property').map(({ attrib }) => [
        attrib['name'],
        attrib['value'],
      ]);
      const cases = report.cases.filter((entry) => entry.file === suite.attrib['name']);
      expect(Object.fromEntries(properties)).toEqual({
        'version.reference': report.environment.runners['reference'],
        'version.onnxruntime': report.environment.runners['onnxruntime'],
        node: process.version,
        ...Object.fromEntries(cases.map((entry) => [`seed.${entry.id}`, String(entry.seed)])),
      });
    }
  });

  it('<failure> for a mismatch carries the statistics and the diagnosis', () => {
    const node = testcase(`${FIXTURES}/wrong-expect/wrong-expect`, 'reference');
    const failure = childNamed(node, 'failure')!;
    expect(failure).toBeDefined();
    expect(failure.attrib['type']).toBe('mismatch');
    expect(failure.attrib['message']).toMatch(/^mismatch: vs documented expect: 1 \/ 1 elements differ/);
    expect(failure.text).toContain('Mismatched elements: 1 / 1 (100.0%)');
    expect(failure.text).toMatch(/\(0, 0, 0, 0\): expect 29, reference 28/);
    expect(failure.text).toMatch(/^Diagnosis: \S/m);
    const right = testcase(`${FIXTURES}/wrong-expect/right-expect`, 'reference');
    expect(right.children).toEqual([]);
  });

  it('<skipped> for an unsupported variant, nothing inside a pass', () => {
    const node = testcase('nested/deep/golf', 'onnxruntime');
    expect(node.children.map((child) => child.tag)).toEqual(['skipped']);
    expect(childNamed(node, 'skipped')!.attrib['message']).toBe('the case is restricted to runners: reference');
    expect(testcase('grid/alpha', 'onnxruntime pads').children).toEqual([]);
  });

  it('markup in reasons and links is escaped and round-trips exactly through the parser', () => {
    expect(xml).not.toContain('<script>');
    const divergence = report.cases.find((entry) => entry.id === 'divergence/ort-same-upper-k1-s2')!;
    const listed = divergence.variants.find((variant) => variant.variant === 'auto_pad=SAME_UPPER')!;
    const systemOut = childNamed(testcase(divergence.id, 'onnxruntime auto_pad=SAME_UPPER'), 'system-out')!;
    expect(systemOut.text).toBe(
      `known divergence (expected-mismatch): ${listed.expected!.reason}\n${listed.judgement.summary}`,
    );
    expect(listed.expected!.reason).toContain(`<script>alert("x&y")</script> it's & done`);

    const spec = (
      parse(readFileSync(join(REPO_ROOT, FIXTURES, 'onnxruntime-listed.yaml'), 'utf8')) as {
        cases: { expected: { reason: string; link: string }[] }[];
      }
    ).cases[0]!.expected[0]!;
    const failure = childNamed(
      testcase(`${FIXTURES}/onnxruntime-listed/pads-listed-but-passes`, 'onnxruntime pads'),
      'failure',
    )!;
    expect(failure.attrib['type']).toBe('unexpected-pass');
    expect(failure.text).toContain(`Listed as a known mismatch: ${spec.reason} (${spec.link})`);
  });
});

describe('--report DIR', () => {
  const fresh = (): string => join(scratch, 'fresh-reports', 'nested', 'dir');
  const existing = (): string => join(scratch, 'existing-reports');
  const unwritable = (): string => join(scratch, 'a-directory');
  const userFile = (): string => join(scratch, 'user-notes.json');
  /** An earlier tconv report: the only kind of file --report may replace. */
  const OLD_REPORT = `${JSON.stringify({ schemaVersion: 1, tool: { name: 'tconv', version: '0.0.0' }, cases: [] })}\n`;
  const USER_TEXT = '{"mine": "not a tconv report"}\n';
  const runs = {
    fresh: memo(() => tconv(['run', SUITE, ...REFERENCE, '--report', fresh()])),
    existing: memo(() =>
      tconv(['run', SUITE, ...REFERENCE, '--report', existing(), '--junit', join(scratch, 'single-junit.xml')]),
    ),
    unwritable: memo(() => runCli(['run', SUITE, ...REFERENCE, '--json', unwritable()])),
    userFile: memo(() => runCli(['run', SUITE, ...REFERENCE, '--json', userFile()])),
  };
  beforeAll(async () => {
    mkdirSync(existing());
    writeFileSync(join(existing(), 'tconv.json'), OLD_REPORT);
    writeFileSync(userFile(), USER_TEXT);
    linkSync(join(existing(), 'tconv.json'), join(existing(), 'old-link'));
    mkdirSync(unwritable());
    await Promise.all(Object.values(runs).map((run) => run()));
  });

  it('writes tconv.json, junit.xml and index.html together, creating DIR', async () => {
    const result = await runs.fresh();
    const directory = fresh();
    expect(result.code).toBe(0);
    const names = ['tconv.json', 'junit.xml', 'index.html'];
    for (const name of names) expect(result.stdout).toContain(`wrote ${join(directory, name)}\n`);
    expect(readdirSync(directory).sort()).toEqual([...names].sort());
    expect(ids(readReport(join(directory, 'tconv.json')))).toEqual(SUITE_IDS);
    expect(parseXml(join(directory, 'junit.xml')).tag).toBe('testsuites');
    const html = readFileSync(join(directory, 'index.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html.trimEnd()).toMatch(/<\/html>$/i);
    for (const id of SUITE_IDS) expect(html).toContain(id);
  });

  // src/report/write.ts promises atomic writes (temporary file + rename): an existing report is
  // replaced only by a complete new one, and whoever holds the old file keeps it whole.
  it('replaces an existing file atomically, by rename, leaves no temporary files; --junit F overrides DIR', async () => {
    const result = await runs.existing();
    const directory = existing();
    expect(result.code).toBe(0);
    expect(readFileSync(join(directory, 'old-link'), 'utf8')).toBe(OLD_REPORT);
    expect(ids(readReport(join(directory, 'tconv.json')))).toEqual(SUITE_IDS);
    expect(readdirSync(directory).sort()).toEqual(['index.html', 'old-link', 'tconv.json']);
    expect(parseXml(join(scratch, 'single-junit.xml')).tag).toBe('testsuites');
  });

  it('refuses, before running, to overwrite a file that is not a tconv report, and leaves it as it was', async () => {
    const result = await runs.userFile();
    expect(result.code).toBe(2);
    expect(result.stderr).not.toMatch(STACK_TRACE_LINE);
    expect(result.stderr).toContain(`--json ${userFile()}: refusing to overwrite an existing file that is not a tconv`);
    expect(result.stdout).toBe('');
    expect(readFileSync(userFile(), 'utf8')).toBe(USER_TEXT);
  });

  it('a report path that cannot be written is a user error, not an internal error with a stack trace', async () => {
    const result = await runs.unwritable();
    expect(result.stderr).not.toMatch(STACK_TRACE_LINE);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(unwritable());
    expect(existsSync(unwritable())).toBe(true);
  });
});
