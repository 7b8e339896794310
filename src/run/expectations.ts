/**
 * Known divergences (WPT / test262 expectation lists): from a case's `expected` entries and from
 * an optional expectations file of `{id: glob, runner, variant?, status, reason, link?}` entries.
 * A listed divergence that shows up is "expected-<status>"; one that no longer shows up is an
 * "unexpected-pass", which fails the run so that the list stays true.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import type { ExpectedDivergence } from '../case/types.js';
import { EXPECTED_STATUSES, runnerNameSchema } from '../case/schema.js';
import { validate, type Schema } from '../case/schemaDsl.js';
import { formatPath, locate } from '../case/locate.js';
import { EXIT, UserError } from '../errors.js';

export interface ExpectationRule extends ExpectedDivergence {
  /** Case-id glob (`*` within a path segment, `**` across segments). */
  readonly id: string;
}

const expectationFileSchema: Schema = {
  kind: 'object',
  required: ['expectations'],
  properties: {
    description: { kind: 'string' },
    expectations: {
      kind: 'array',
      items: {
        kind: 'object',
        required: ['id', 'runner', 'status', 'reason'],
        properties: {
          id: { kind: 'string', description: 'case id glob, e.g. "onnx/*" or "**/same-*"' },
          runner: runnerNameSchema,
          variant: { kind: 'string' },
          status: { kind: 'string', enum: EXPECTED_STATUSES },
          reason: { kind: 'string' },
          link: { kind: 'string' },
        },
      },
    },
  },
};

export function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  // NUL marks '**' while single '*' is rewritten.
  const pattern = escaped
    .replace(/\*\*/g, '\u0000')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]')
    // eslint-disable-next-line no-control-regex
    .replace(/\u0000/g, '.*');
  return new RegExp(`^${pattern}$`);
}

export function loadExpectations(path: string): ExpectationRule[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UserError(
      `${path}: cannot read the expectations file (${(error as NodeJS.ErrnoException).code})`,
      EXIT.invalidInput,
    );
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true });
  if (document.errors.length > 0) {
    const position = lineCounter.linePos(document.errors[0]!.pos[0]);
    throw new UserError(
      `${path}:${position.line}:${position.col}: invalid YAML: ${document.errors[0]!.message.split('\n')[0]}`,
      EXIT.invalidInput,
    );
  }
  const value: unknown = document.toJS({ maxAliasCount: 1000 });
  const errors = validate(expectationFileSchema, value);
  if (errors.length > 0) {
    const diagnostics = errors.map((error) => {
      const position = locate(document, lineCounter, error.path);
      return {
        file: path,
        ...(position ?? {}),
        field: formatPath(error.path),
        message: `expected ${error.expected}, found ${error.found}`,
      };
    });
    throw new UserError(`${path}: invalid expectations file`, EXIT.invalidInput, diagnostics);
  }
  return (value as { expectations: ExpectationRule[] }).expectations;
}

/** The divergence declared for this case id, runner and variant, if any (case entries first). */
export function findExpectation(
  caseId: string,
  caseEntries: readonly ExpectedDivergence[] | undefined,
  rules: readonly ExpectationRule[],
  runner: string,
  variant: string | null,
): ExpectedDivergence | undefined {
  const applies = (entry: ExpectedDivergence): boolean =>
    entry.runner === runner && (entry.variant === undefined || entry.variant === variant);
  return caseEntries?.find(applies) ?? rules.find((rule) => applies(rule) && globToRegExp(rule.id).test(caseId));
}
