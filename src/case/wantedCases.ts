/**
 * Which cases of a file to read when a command names the ones it wants (`tconv explain FILE
 * --case NAME`, `tconv eval ... --case NAME`). Parsing is what costs (the yaml package reads
 * about 1 MB/s here: one case of a 5,000-case file took 2-3 s, nearly all of it parsing and
 * resolving the other cases), so an item's name is read from its text (caseItems.ts) and only
 * the items named so are parsed, checked and resolved. The other cases are not validated: a
 * command that wants one case does not fail on another.
 *
 * Only a one-line `name:` that is plain, 'single' or "double" quoted is read from text; an item
 * whose name is written otherwise is read anyway, and the loader checks that each item read has
 * the name its text gave. When a wanted name is not found, every case is read, so the
 * unknown-name error lists the file's names as always.
 */

/** Per case to read, its index and the name expected from its text (null: not plainly written). */
export type WantedCases = ReadonlyMap<number, string | null>;

/** The cases to read given each case's name (null: unknown), or null for all of them. */
export function wantedCases(names: readonly string[], caseNames: readonly (string | null)[]): WantedCases | null {
  if (names.length === 0) return null;
  const wanted = new Set(names);
  const chosen = new Map<number, string | null>();
  caseNames.forEach((name, index) => {
    if (name === null || wanted.has(name)) chosen.set(index, name);
  });
  const found = new Set([...chosen.values()]);
  return names.every((name) => found.has(name)) ? chosen : null;
}

/** wantedCases for a file cut into its items' texts (caseItems.ts), names read from the texts. */
export function wantedItems(names: readonly string[], items: readonly { readonly text: string }[]): WantedCases | null {
  return names.length === 0
    ? null
    : wantedCases(
        names,
        items.map((item) => plainItemName(item.text)),
      );
}

/** Whether a case read has the name its text gave (a name read wrongly could hide a wanted case). */
export function namedAsExpected(wanted: WantedCases | null, index: number, name: string): boolean {
  const expected = wanted?.get(index) ?? null;
  return expected === null || expected === name;
}

const NAME_KEY = /^name[ \t]*:(?:[ \t]+(.*))?$/;

/** Leading spaces. */
const indentOf = (line: string): number => line.length - line.trimStart().length;
/** Neither blank nor only a comment. */
const isContent = (line: string): boolean => line.trim() !== '' && !line.trimStart().startsWith('#');

/** The item's lines, without line ends, one at a time (the name is usually on the first). */
function* itemLines(item: string): Generator<string, undefined> {
  for (let start = 0; start < item.length;) {
    const newline = item.indexOf('\n', start);
    const end = newline < 0 ? item.length : newline;
    yield item.slice(start, item[end - 1] === '\r' ? end - 1 : end);
    start = end + 1;
  }
}

/** The text after `name:` when the line's key at `column` is `name`, else null. */
function nameValue(line: string, column: number): string | null {
  const match = NAME_KEY.exec(line.slice(column));
  return match ? (match[1] ?? '') : null;
}

/**
 * The `name` of a case item's text (`- name: x` and its more indented lines) when written on
 * one line at the item's key column, plain or simply quoted; null when written otherwise.
 */
export function plainItemName(item: string): string | null {
  const lines = itemLines(item);
  const first = lines.next().value ?? '';
  const dashAt = indentOf(first);
  const afterDash = first.slice(dashAt + 1);
  let keyColumn = isContent(afterDash) ? dashAt + 1 + indentOf(afterDash) : -1;
  let value = keyColumn < 0 ? null : nameValue(first, keyColumn);
  for (const line of lines) {
    if (!isContent(line)) continue;
    const indent = indentOf(line);
    // A plain scalar may go on over more indented lines: then the name line is not all of it.
    if (value !== null) return indent > keyColumn ? null : scalarText(value);
    if (keyColumn < 0) keyColumn = indent;
    if (indent === keyColumn) value = nameValue(line, keyColumn);
  }
  return value === null ? null : scalarText(value);
}

/** A one-line scalar's string value when it is plain or simply quoted; null when unsure. */
function scalarText(raw: string): string | null {
  const value = raw.trim();
  if (value.startsWith('"')) {
    try {
      const parsed: unknown = JSON.parse(value);
      return typeof parsed === 'string' ? parsed : null;
    } catch {
      return null; // a YAML escape JSON does not have, or a comment after it
    }
  }
  if (value.startsWith("'")) return /^'(?:[^']|'')*'$/.test(value) ? value.slice(1, -1).replaceAll("''", "'") : null;
  const plain = value.replace(/[ \t]+#.*$/, '');
  // Indicators, anchors, tags, block scalars and flow collections are not plain names.
  return /^[^\s\-?:,[\]{}#&*!|>'"%@`]/.test(plain) && !/:( |$)/.test(plain) ? plain : null;
}

/** wantedCases for a parsed file's value (`cases` as the YAML reader gave it, not yet validated). */
export function wantedInValue(names: readonly string[], value: unknown): WantedCases | null {
  const cases = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)['cases'] : undefined;
  if (names.length === 0 || !Array.isArray(cases)) return null;
  return wantedCases(
    names,
    cases.map((entry: unknown) => {
      const name = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>)['name'] : undefined;
      return typeof name === 'string' ? name : null;
    }),
  );
}

/** Whether a problem at `path` is about a case that is read (or about the file). */
export function isWantedPath(wanted: WantedCases | null, path: readonly (string | number)[]): boolean {
  const index = path[1];
  return wanted === null || path[0] !== 'cases' || typeof index !== 'number' || wanted.has(index);
}
