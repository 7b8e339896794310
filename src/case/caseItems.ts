/**
 * A case file's text cut into its `cases:` items, so a file of 100,000 cases can be parsed one
 * case at a time: the yaml package's Document of a whole 28 MB file took a minute and 2.5 GB.
 *
 * Only the plain layout is recognised (a top-level `cases:` key followed by a block sequence);
 * anything else gives null. The cut only decides where to look: the loader parses every piece
 * and falls back to parsing the file whole unless each one parses cleanly on its own.
 */

export interface CaseItemText {
  readonly text: string;
  /** Lines before the item's first line in the file (0-based line of the item). */
  readonly lineOffset: number;
}

export interface CaseFileText {
  /** The file without its case items: `cases:` is left with no value. */
  readonly head: string;
  readonly items: readonly CaseItemText[];
}

interface Line {
  readonly start: number;
  readonly end: number;
  /** Leading spaces. */
  readonly indent: number;
  /** Only spaces, or nothing but a comment after them: never ends an item. */
  readonly filler: boolean;
}

function lineAt(text: string, start: number): Line {
  const newline = text.indexOf('\n', start);
  const end = newline < 0 ? text.length : newline + 1;
  let indent = 0;
  while (text.charCodeAt(start + indent) === 32) indent++;
  const first = text[start + indent];
  const filler = first === undefined || first === '\n' || first === '\r' || first === '#';
  return { start, end, indent, filler };
}

function isItemStart(text: string, line: Line, indent: number): boolean {
  if (line.filler || line.indent !== indent || text[line.start + indent] !== '-') return false;
  const after = text[line.start + indent + 1];
  return after === undefined || after === ' ' || after === '\n' || after === '\r';
}

/** Directives, document markers and a second `cases:` are left to the whole-file parse. */
function unusualTopLine(text: string, line: Line): boolean {
  const first = text[line.start];
  return first === '%' || text.startsWith('---', line.start) || text.startsWith('...', line.start);
}

const CASES_KEY = /^cases:[ \t]*(#.*)?\r?\n?$/;

/** The lines after `cases:` that hold its items: [start, end) offsets and the item starts. */
function itemRegion(text: string, from: number): { items: number[]; end: number } | null {
  let line = lineAt(text, from);
  while (line.filler && line.start < text.length) line = lineAt(text, line.end);
  const indent = line.indent;
  if (!isItemStart(text, line, indent)) return null;
  const items: number[] = [];
  for (; line.start < text.length; line = lineAt(text, line.end)) {
    if (isItemStart(text, line, indent)) items.push(line.start);
    else if (!line.filler && line.indent <= indent) {
      // Back at the top level (another key): for items indented under `cases:`, a line at their
      // own indent that is not an item is no layout this cut understands.
      if (line.indent === indent && indent > 0) return null;
      return { items, end: line.start };
    }
  }
  return { items, end: text.length };
}

function lineCountBefore(text: string, offset: number, from: { offset: number; lines: number }): number {
  let lines = from.lines;
  for (let at = text.indexOf('\n', from.offset); at >= 0 && at < offset; at = text.indexOf('\n', at + 1)) lines++;
  return lines;
}

export function splitCaseItems(text: string): CaseFileText | null {
  let casesLine: Line | null = null;
  for (let line = lineAt(text, 0); line.start < text.length; line = lineAt(text, line.end)) {
    if (line.indent > 0) continue;
    if (unusualTopLine(text, line)) return null;
    if (!CASES_KEY.test(text.slice(line.start, line.end))) continue;
    if (casesLine) return null;
    casesLine = line;
  }
  if (!casesLine) return null;
  const region = itemRegion(text, casesLine.end);
  if (!region) return null;
  const items: CaseItemText[] = [];
  let counted = { offset: 0, lines: 0 };
  region.items.forEach((start, index) => {
    counted = { offset: start, lines: lineCountBefore(text, start, counted) };
    items.push({ text: text.slice(start, region.items[index + 1] ?? region.end), lineOffset: counted.lines });
  });
  return { head: text.slice(0, casesLine.end) + text.slice(region.end), items };
}
