/**
 * Loading only the cases a command names (`explain --case`, `eval --case`; src/case/wantedCases.ts):
 * the same cases as a full load, the other cases neither parsed nor checked, and the named
 * case's problems still reported at the file's own line, column and case index, both when the
 * file is read item by item and when it is parsed whole (a layout the item cut does not take).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_ELEMENTS, loadCaseFile, type LoadedCase } from '../src/case/load.js';
import { namedAsExpected, plainItemName, wantedCases } from '../src/case/wantedCases.js';
import { formatDiagnostic, UserError } from '../src/errors.js';
import { runCli } from './helpers/cli.js';
import { writeScaleSuite } from './helpers/scaleSuite.js';

const BAD = 'test/fixtures/bad';
let directory: string;
beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'tconv-case-selection-'));
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const load = (path: string, caseNames: string[], maxElements = DEFAULT_MAX_ELEMENTS): readonly LoadedCase[] =>
  loadCaseFile(path, { maxElements, caseNames }).cases;

function problems(path: string, caseNames: string[]): string[] {
  try {
    load(path, caseNames, 1000);
  } catch (error) {
    if (error instanceof UserError) return error.diagnostics.map(formatDiagnostic);
    throw error;
  }
  throw new Error(`${path} loaded without an error`);
}

function file(name: string, text: string): string {
  const path = join(directory, name);
  writeFileSync(path, text);
  return path;
}

describe('plainItemName', () => {
  it.each([
    ['- name: a\n  input: [1, 1, 2]\n', 'a'],
    ["  - name: 'it''s'\n", "it's"],
    ['  - name: "tab\\there"\n', 'tab\there'],
    ['- name: spaced out   # a comment\n', 'spaced out'],
    ['- name: a#b\n', 'a#b'],
    ['-\n    input: [1, 1, 2]\n    name: below\n', 'below'],
    ['- input: [1, 1, 2]\n  # name: commented\n  name: later\r\n', 'later'],
  ])('%j reads as %j', (item, name) => {
    expect(plainItemName(item)).toBe(name);
  });

  it.each([
    ['- name: first part\n    second part\n', 'a plain scalar continued on the next line'],
    ['- name: &anchor a\n', 'an anchor'],
    ['- name: "x" # comment\n', 'a quoted name followed by a comment'],
    ['- name: "\\x41"\n', 'a YAML escape JSON does not have'],
    ['- name: |\n    a\n', 'a block scalar'],
    ['- name:\n', 'no value'],
    ['- data:\n    name: nested\n  input: [1, 1, 2]\n', 'a deeper key of the same name'],
    ['- input: [1, 1, 2]\n', 'no name'],
  ])('%j is not read (%s)', (item) => {
    expect(plainItemName(item)).toBeNull();
  });
});

describe('loading named cases', () => {
  let suite: string;
  let all: readonly LoadedCase[];
  beforeAll(() => {
    suite = join(directory, 'suite.yaml');
    writeScaleSuite(suite, { count: 120 });
    all = load(suite, []);
  });

  it('gives exactly the cases a full load gives for those names, at their lines', () => {
    for (const names of [['case-000000'], ['case-000061'], ['case-000119', 'case-000007']]) {
      expect(load(suite, names)).toEqual(all.filter((entry) => names.includes(entry.spec.name)));
    }
  });

  it('reads every case when a name is not in the file (for the unknown-name error)', () => {
    expect(load(suite, ['case-000061', 'no-such-case'])).toEqual(all);
  });

  it('does not check the other cases, in a block sequence or a flow one', () => {
    const block = readFileSync(`${BAD}/layout-rank.yaml`, 'utf8');
    const flowCases =
      'cases: [{ name: good, input: [1, 1, 3], out_channels: 1, kernel: [3] }, { name: bad, input: [1, 1, 3], out_channels: 2, kernel: [3], group: 2 }]';
    const flow = file('flow.yaml', `description: flow\n${flowCases}\n`);
    const groupColumn = flowCases.indexOf('group: 2') + 'group: '.length + 1;
    const fixed = file(
      'layout-rank-plus.yaml',
      `${block}  - name: fine\n    input: [1, 1, 4]\n    out_channels: 1\n    kernel: [3]\n`,
    );
    expect(load(fixed, ['fine']).map((entry) => [entry.spec.name, entry.line])).toEqual([['fine', 12]]);
    expect(load(flow, ['good']).map((entry) => entry.spec.name)).toEqual(['good']);
    expect(problems(flow, ['bad'])).toEqual([
      `${flow}:2:${groupColumn}: cases[1].group: group 2 does not divide the input channels C = 1`,
    ]);
  });

  it("reports a named case's problems at the file's line, column and case index", () => {
    expect(problems(`${BAD}/layout-rank.yaml`, ['2d-input-for-3d-kernel'])).toEqual([
      `${BAD}/layout-rank.yaml:9:12: cases[1].input: input has 4 dimensions but a rank-3 kernel needs 5 ([N, C, D, H, W] in layout order)`,
    ]);
    expect(problems(`${BAD}/defaults-invalid.yaml`, ['own-group'])).toEqual([
      `${BAD}/defaults-invalid.yaml:14:12: cases[2].group: group 3 does not divide out_channels M = 2`,
    ]);
    expect(problems(`${BAD}/defaults-invalid.yaml`, ['inherits-group'])).toEqual([
      `${BAD}/defaults-invalid.yaml:5:10: defaults.group: group 2 does not divide the input channels C = 3 (in case 'inherits-group', inherited from defaults)`,
    ]);
    expect(problems(`${BAD}/duplicate-name.yaml`, ['same'])).toEqual([
      `${BAD}/duplicate-name.yaml:9:11: cases[2].name: duplicate case name 'same' (also cases[0])`,
    ]);
    expect(problems(`${BAD}/malformed-yaml.yaml`, ['broken'])).toEqual([
      `${BAD}/malformed-yaml.yaml:5:5: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]`,
      `${BAD}/malformed-yaml.yaml:5:19: invalid YAML: Nested mappings are not allowed in compact mappings`,
      `${BAD}/malformed-yaml.yaml:5:19: invalid YAML: Implicit keys need to be on a single line`,
    ]);
  });

  it('loads a valid case of a file whose other cases are invalid', () => {
    expect(load(`${BAD}/defaults-invalid.yaml`, ['overrides-group']).map((entry) => entry.line)).toEqual([7]);
    expect(load(`${BAD}/duplicate-name.yaml`, ['other']).map((entry) => entry.line)).toEqual([8]);
  });

  it('reads (and checks) a case whose name it cannot read from the text, with the named ones', () => {
    const mixed = file(
      'mixed.yaml',
      'description: m\ndefaults: { input: [1, 1, 3], out_channels: 1, kernel: [3] }\ncases:\n  - name: a\n  - name: b\n  - { name: c }\n',
    );
    expect(load(mixed, ['b']).map((entry) => entry.spec.name)).toEqual(['b', 'c']);
    expect(load(mixed, ['c']).map((entry) => entry.spec.name)).toEqual(['a', 'b', 'c']);
  });
});

describe('wantedCases', () => {
  it('keeps the named cases and those with an unread name, or all when a name is missing', () => {
    expect(wantedCases(['b'], ['a', 'b', null])).toEqual(
      new Map([
        [1, 'b'],
        [2, null],
      ]),
    );
    expect(wantedCases(['b', 'z'], ['a', 'b', null])).toBeNull();
    expect(wantedCases([], ['a'])).toBeNull();
  });

  it('a case read must have the name its text gave', () => {
    const wanted = wantedCases(['b'], ['a', 'b', null]);
    expect(namedAsExpected(wanted, 1, 'b')).toBe(true);
    expect(namedAsExpected(wanted, 1, 'b c')).toBe(false);
    expect(namedAsExpected(wanted, 2, 'anything')).toBe(true);
    expect(namedAsExpected(null, 0, 'anything')).toBe(true);
  });
});

describe('tconv explain --case through the CLI', () => {
  it('explains a valid case of a file with an invalid one, exit 0', async () => {
    const result = await runCli(['explain', `${BAD}/defaults-invalid.yaml`, '--case', 'overrides-group']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^test\/fixtures\/bad\/defaults-invalid\/overrides-group {2}\(test\/fixtures\/bad\/defaults-invalid\.yaml:7\)/,
    );
  });
});
