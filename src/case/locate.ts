import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { FieldPath } from './schemaDsl.js';

export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/**
 * The source position of a field path: the value node when it exists, the key for a key whose
 * value is missing, or the closest existing ancestor.
 */
export function locate(document: Document, lineCounter: LineCounter, path: FieldPath): SourcePosition | undefined {
  let node: unknown = document.contents;
  let best: Node | undefined = isNodeWithRange(node) ? node : undefined;
  for (const segment of path) {
    const next = child(node, segment);
    if (!next) break;
    node = next.value ?? next.key;
    if (isNodeWithRange(next.value)) best = next.value;
    else if (isNodeWithRange(next.key)) best = next.key;
  }
  if (!best?.range) return undefined;
  const { line, col } = lineCounter.linePos(best.range[0]);
  return { line, column: col };
}

function child(node: unknown, segment: string | number): { key?: unknown; value: unknown } | undefined {
  if (isMap(node)) {
    const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
    return pair ? { key: pair.key, value: pair.value } : undefined;
  }
  if (isSeq(node) && typeof segment === 'number') {
    const item: unknown = node.items[segment];
    return item === undefined ? undefined : { value: item };
  }
  return undefined;
}

function isNodeWithRange(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && 'range' in value && Array.isArray((value as Node).range);
}

/** `cases[2].data.input` */
export function formatPath(path: FieldPath): string {
  return path
    .map((segment, index) => (typeof segment === 'number' ? `[${segment}]` : index === 0 ? segment : `.${segment}`))
    .join('');
}
