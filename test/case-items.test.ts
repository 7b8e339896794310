/**
 * Reading a case file item by item (src/case/caseItems.ts, loadByItem.ts) must give exactly what
 * parsing it whole gives: the same cases and lines, and for a file with a problem the same
 * diagnostics. The whole-file parse is forced by a `%YAML 1.2` directive in front (the cut leaves
 * directives to it; the version is the default one, so the meaning is unchanged): everything
 * after it is one or two lines further down.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitCaseItems } from '../src/case/caseItems.js';
import { expandCasePaths, loadCaseFile, type LoadedFile } from '../src/case/load.js';
import { loadItemByItem } from '../src/case/loadByItem.js';
import { UserError, type Diagnostic } from '../src/errors.js';

const OPTIONS = { maxElements: 1 << 20 };
const DIRECTIVE = '%YAML 1.2\n';

let directory: string;
beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'tconv-case-items-'));
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

type Loaded = { file: Omit<LoadedFile, 'path'> } | { diagnostics: readonly Diagnostic[] };

/** The file as loaded, paths left out (they differ) and lines counted from the text's own first line. */
function loaded(path: string, linesBefore = 0): Loaded {
  try {
    const file = loadCaseFile(path, OPTIONS);
    const cases = file.cases.map((entry) => ({ ...entry, file: '', line: entry.line - linesBefore }));
    return { file: { fileId: file.fileId, description: file.description, cases } };
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    const shifted = (line: number | undefined): { line?: number } =>
      line === undefined ? {} : { line: line - linesBefore };
    return {
      diagnostics: error.diagnostics.map((diagnostic) => ({ ...diagnostic, file: '', ...shifted(diagnostic.line) })),
    };
  }
}

/** The text loaded item by item (when its layout allows) and whole, as files of the same name. */
function bothWays(text: string, name = 'suite.yaml'): { itemByItem: Loaded; whole: Loaded } {
  const write = (folder: string, content: string): string => {
    mkdirSync(join(directory, folder), { recursive: true });
    const path = join(directory, folder, name);
    writeFileSync(path, content);
    return path;
  };
  // A text with its own document marker only needs the directive.
  const prefix = text.startsWith('---') ? DIRECTIVE : `${DIRECTIVE}---\n`;
  return {
    itemByItem: loaded(write('items', text)),
    whole: loaded(write('whole', prefix + text), prefix.split('\n').length - 1),
  };
}

/** Whether the text is read item by item (not passed on to the whole-file parse). */
const readByItems = (text: string): boolean =>
  loadItemByItem(text, { path: 'x.yaml', fileId: 'x', options: OPTIONS }) !== null;

const CASE_A = '  - name: a\n    input: [1, 2, 3]\n    out_channels: 2\n    kernel: [3]\n    strides: 2\n';
const CASE_B = '  - name: b\n    input: [1, 1, 4, 4]\n    out_channels: 1\n    kernel: [2, 2]\n    padding: SAME\n';

describe('a file read item by item gives what the whole-file parse gives', () => {
  const files = expandCasePaths(['cases', 'test/fixtures']).filter((path) => /\.ya?ml$/.test(path));

  it.each(files)('%s', (path) => {
    const text = readFileSync(path, 'utf8');
    const { itemByItem, whole } = bothWays(text, path.split('/').pop());
    expect(itemByItem).toEqual(whole);
  });

  it('the bundled files without cross-case anchors are read item by item', () => {
    const byItems = files.filter((path) => path.startsWith('cases/') && readByItems(readFileSync(path, 'utf8')));
    // Most bundled files share anchors between cases; at least some exercise the item path here.
    expect(byItems.length).toBeGreaterThan(0);
  });
});

describe('layouts', () => {
  const head = 'description: layouts\n';
  it.each([
    ['indented items', `${head}cases:\n${CASE_A}${CASE_B}`, true],
    ['items at the key column', `${head}cases:\n${(CASE_A + CASE_B).replace(/^ {2}/gm, '')}`, true],
    [
      'comments and blank lines between items',
      `${head}cases: # all\n# first\n${CASE_A}\n  # second\n\n${CASE_B}`,
      true,
    ],
    [
      'a dash alone on its line',
      `${head}cases:\n  -\n    name: a\n    input: [1, 2, 3]\n    out_channels: 2\n    kernel: [3]\n${CASE_B}`,
      true,
    ],
    ['defaults after the cases', `${head}cases:\n${CASE_A}${CASE_B}defaults:\n  distribution: integers\n`, true],
    ['CRLF line ends', `${head}cases:\n${CASE_A}${CASE_B}`.replace(/\n/g, '\r\n'), true],
    [
      'a block scalar with dashes in it',
      `${head}cases:\n  - name: a\n    description: |\n      - not an item\n    input: [1, 2, 3]\n    out_channels: 2\n    kernel: [3]\n${CASE_B}`,
      true,
    ],
    ['a flow sequence of cases', `${head}cases: [{name: a, input: [1, 2, 3], out_channels: 2, kernel: [3]}]\n`, false],
    [
      'an anchor used by a later case',
      `${head}cases:\n${CASE_A.replace('out_channels: 2', 'out_channels: &m 2')}${CASE_B.replace('out_channels: 1', 'out_channels: *m')}`,
      false,
    ],
    ['a document marker', `---\n${head}cases:\n${CASE_A}`, false],
  ])('%s', (_, text, itemByItem) => {
    expect(readByItems(text)).toBe(itemByItem);
    const both = bothWays(text);
    expect(both.itemByItem).toEqual(both.whole);
  });
});

describe('problems are reported the same either way', () => {
  const head = 'description: problems\n';
  it.each([
    ['an unknown field', `${head}cases:\n${CASE_A}${CASE_B.replace('padding', 'paddin')}`],
    ['a bad geometry', `${head}cases:\n${CASE_A.replace('strides: 2', 'strides: 0')}${CASE_B}`],
    ['an impossible output shape', `${head}cases:\n${CASE_A}${CASE_B}    output_shape: [100, 100]\n`],
    ['a duplicate name', `${head}cases:\n${CASE_A}${CASE_A}`],
    ['a missing required field inherited from nowhere', `${head}cases:\n  - name: lonely\n    kernel: [3]\n`],
    ['a problem in defaults', `${head}defaults:\n  strides: 0\ncases:\n${CASE_A.replace('    strides: 2\n', '')}`],
    ['YAML that does not parse', `${head}cases:\n${CASE_A}  - name: [unclosed\n`],
    ['a duplicate key', `${head}cases:\n${CASE_A}    kernel: [2]\n`],
  ])('%s', (_, text) => {
    const both = bothWays(text);
    expect('diagnostics' in both.whole).toBe(true);
    expect(both.itemByItem).toEqual(both.whole);
  });
});

describe('the cut', () => {
  it('gives each item its text and its first line, and the head without the items', () => {
    const text = `description: d\ncases:\n${CASE_A}\n${CASE_B}defaults: {}\n`;
    const split = splitCaseItems(text)!;
    expect(split.items.map((item) => item.lineOffset)).toEqual([2, 8]);
    expect(split.items.map((item) => item.text)).toEqual([`${CASE_A}\n`, CASE_B]);
    expect(split.head).toBe('description: d\ncases:\ndefaults: {}\n');
  });

  it('gives up on a second cases key, a line at the items column that is no item, and no items', () => {
    expect(splitCaseItems(`description: d\ncases:\n${CASE_A}cases:\n${CASE_B}`)).toBeNull();
    expect(splitCaseItems(`description: d\ncases:\n${CASE_A}  name: x\n`)).toBeNull();
    expect(splitCaseItems('description: d\ncases:\n')).toBeNull();
  });
});
