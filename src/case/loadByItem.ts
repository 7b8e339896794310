/**
 * Reading a well-formed case file one case at a time: the file is cut into its `cases:` items
 * (caseItems.ts) and each item is parsed, checked and resolved on its own, then its YAML is
 * dropped, so memory holds one case's Document, not the file's (a 100,000-case file: 2.5 GB and
 * a minute, whole). Anything unusual or wrong gives null and the caller parses the file whole,
 * which reports every problem with its file:line:column.
 */
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import { splitCaseItems, type CaseItemText } from './caseItems.js';
import type { LoadedCase, LoadedFile } from './load.js';
import { numericTensors, resolveCaseEntry, type CaseFileContext, type CaseFileSource } from './resolveCase.js';
import { caseFileHeadSchema, caseSchema } from './schema.js';
import { validate } from './schemaDsl.js';
import { namedAsExpected, wantedItems } from './wantedCases.js';

/** Same options as the whole-file parse. */
const PARSE_OPTIONS = { uniqueKeys: true, prettyErrors: false } as const;
const MAX_ALIAS_COUNT = 1000;

/** A YAML text's value, or undefined when it does not parse cleanly. */
function cleanValue(text: string, lineCounter?: LineCounter): { value: unknown; contents: unknown } | undefined {
  const document = parseDocument(text, { ...PARSE_OPTIONS, ...(lineCounter ? { lineCounter } : {}) });
  if (document.errors.length > 0) return undefined;
  try {
    return { value: document.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), contents: document.contents };
  } catch {
    return undefined;
  }
}

interface FileHead {
  readonly description: string;
  readonly defaults?: Record<string, unknown>;
}

/** The file without its items: valid, with `cases:` left empty by the cut. */
function fileHead(text: string): FileHead | undefined {
  const parsed = cleanValue(text);
  if (!parsed || !isMap(parsed.contents)) return undefined;
  const { cases, ...head } = parsed.value as Record<string, unknown>;
  if (cases !== null || validate(caseFileHeadSchema, head).length > 0) return undefined;
  return head as unknown as FileHead;
}

/** One item: a sequence of one mapping, valid and resolved, with the line it starts on. */
function loadItem(item: CaseItemText, index: number, context: CaseFileContext): LoadedCase | undefined {
  const lineCounter = new LineCounter();
  const parsed = cleanValue(item.text, lineCounter);
  if (!parsed || !isSeq(parsed.contents) || parsed.contents.items.length !== 1) return undefined;
  const node = parsed.contents.items[0];
  const [rawCase] = parsed.value as unknown[];
  if (!isMap(node) || !node.range || validate(caseSchema, rawCase, ['cases', index]).length > 0) return undefined;
  const fields = rawCase as Record<string, unknown>;
  numericTensors(fields);
  let wrong = false;
  const loaded = resolveCaseEntry(fields, index, context, () => (wrong = true));
  if (!loaded || wrong) return undefined;
  return { ...loaded, line: item.lineOffset + lineCounter.linePos(node.range[0]).line };
}

export function loadItemByItem(text: string, source: CaseFileSource): LoadedFile | null {
  const split = splitCaseItems(text);
  const head = split && fileHead(split.head);
  if (!split || !head) return null;
  if (head.defaults) numericTensors(head.defaults);
  const context: CaseFileContext = {
    ...source,
    ...(head.defaults ? { defaults: head.defaults } : {}),
    seen: new Map<string, number>(),
  };
  const cases: LoadedCase[] = [];
  const wanted = wantedItems(source.options.caseNames ?? [], split.items);
  for (const [index, item] of split.items.entries()) {
    if (wanted && !wanted.has(index)) continue;
    const loaded = loadItem(item, index, context);
    if (!loaded || !namedAsExpected(wanted, index, loaded.spec.name)) return null;
    cases.push(loaded);
  }
  return { path: source.path, fileId: source.fileId, description: head.description, cases };
}
