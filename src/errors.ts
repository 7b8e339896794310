/**
 * Errors the user can fix (bad case files, bad arguments). The CLI prints them without a stack
 * trace and exits with the code; anything else is a bug in tconv.
 */
export const EXIT = {
  ok: 0,
  mismatch: 1,
  invalidInput: 2,
  runnerUnavailable: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** One located problem: `file:line:column: path: message`. */
export interface Diagnostic {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  /** Field path such as `cases[2].strides`. */
  readonly field?: string;
  readonly message: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = [d.file, d.line, d.column].filter((part) => part !== undefined).join(':');
  return `${where}: ${d.field ? `${d.field}: ` : ''}${d.message}`;
}

export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.invalidInput,
    readonly diagnostics: readonly Diagnostic[] = [],
  ) {
    super(message);
    this.name = 'UserError';
  }
}
