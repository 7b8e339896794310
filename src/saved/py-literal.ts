/**
 * The .npy header is a Python dict literal (`{'descr': '<f4', 'fortran_order': False, 'shape':
 * (2, 3), }`), written by numpy's repr. This reads the subset numpy writes: strings, integers
 * (with Python 2's `L` suffix in old files), True/False/None, tuples, lists and dicts. A real
 * parser rather than regular expressions, so that a structured dtype or a damaged header is
 * reported as such instead of being half-matched.
 */
import { SavedFormatError } from './array.js';

export type PyValue = string | number | boolean | null | readonly PyValue[] | PyDict;

export interface PyDict {
  readonly kind: 'dict';
  readonly entries: ReadonlyMap<string, PyValue>;
}

const CLOSING: Record<string, string> = { '(': ')', '[': ']' };

class Reader {
  private position = 0;

  constructor(private readonly text: string) {}

  fail(what: string): never {
    const near = JSON.stringify(this.text.slice(this.position, this.position + 20));
    throw new SavedFormatError(`header is not a valid Python literal: ${what} at character ${this.position} (${near})`);
  }

  skipSpace(): void {
    while (/\s/.test(this.text[this.position] ?? '')) this.position++;
  }

  peek(): string | undefined {
    this.skipSpace();
    return this.text[this.position];
  }

  expect(char: string): void {
    if (this.peek() !== char) this.fail(`expected '${char}'`);
    this.position++;
  }

  atEnd(): boolean {
    return this.peek() === undefined;
  }

  value(): PyValue {
    const next = this.peek();
    if (next === '{') return this.dict();
    if (next === '(' || next === '[') return this.sequence(next);
    if (next === "'" || next === '"') return this.string(next);
    return this.word();
  }

  private dict(): PyDict {
    this.expect('{');
    const entries = new Map<string, PyValue>();
    while (this.peek() !== '}') {
      const key = this.value();
      if (typeof key !== 'string') this.fail('expected a string key');
      if (entries.has(key)) this.fail(`duplicate key '${key}'`);
      this.expect(':');
      entries.set(key, this.value());
      if (this.peek() !== ',') break;
      this.position++;
    }
    this.expect('}');
    return { kind: 'dict', entries };
  }

  private sequence(open: string): PyValue[] {
    const close = CLOSING[open]!;
    this.expect(open);
    const items: PyValue[] = [];
    while (this.peek() !== close) {
      items.push(this.value());
      if (this.peek() !== ',') break;
      this.position++;
    }
    this.expect(close);
    return items;
  }

  private string(quote: string): string {
    this.position++;
    const start = this.position;
    // numpy's descr and keys never contain escapes; a backslash is refused rather than misread.
    while (this.position < this.text.length && this.text[this.position] !== quote) {
      if (this.text[this.position] === '\\') this.fail('escapes in strings are not supported');
      this.position++;
    }
    if (this.position >= this.text.length) this.fail('unterminated string');
    return this.text.slice(start, this.position++);
  }

  private word(): PyValue {
    const match = /^[-+]?\w+/.exec(this.text.slice(this.position));
    if (!match) this.fail('unexpected character');
    this.position += match[0].length;
    const word = match[0];
    if (word === 'True') return true;
    if (word === 'False') return false;
    if (word === 'None') return null;
    const integer = /^[-+]?\d+L?$/.exec(word);
    if (!integer) {
      this.position -= word.length;
      this.fail(`unexpected '${word}'`);
    }
    return Number(word.replace('L', ''));
  }
}

/** Parses one Python literal (the whole text must be that literal, surrounding spaces aside). */
export function parsePyLiteral(text: string): PyValue {
  const reader = new Reader(text);
  const value = reader.value();
  if (!reader.atEnd()) reader.fail('unexpected text after the literal');
  return value;
}

export function isPyDict(value: PyValue): value is PyDict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
