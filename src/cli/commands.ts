/**
 * The commands, each loaded only when used: `tconv explain` must not pay for loading the
 * runners, fast-check or the report renderers (start-up time is a budget, bench cli_start_ms).
 */
import { commandListEntry, commandUsage, optionLines, wrap, type CommandDefinition } from './usage.js';

export type CommandHandler = (argv: readonly string[]) => number | Promise<number>;

export interface LoadedCommand {
  readonly handler: CommandHandler;
  /** The definition its options are parsed with; its usage is generated from it. */
  readonly definition: CommandDefinition;
}

const loaders: Readonly<Record<string, () => Promise<LoadedCommand>>> = {
  run: async () => {
    const m = await import('./run.js');
    return { handler: m.runCommand, definition: m.RUN_COMMAND };
  },
  eval: async () => {
    const m = await import('./eval.js');
    return { handler: m.evalCommand, definition: m.EVAL_COMMAND };
  },
  explain: async () => {
    const m = await import('./explain.js');
    return { handler: m.explainCommand, definition: m.EXPLAIN_COMMAND };
  },
  compare: async () => {
    const m = await import('./compare.js');
    return { handler: m.compareCommand, definition: m.COMPARE_COMMAND };
  },
  merge: async () => {
    const m = await import('./merge.js');
    return { handler: m.mergeCommand, definition: m.MERGE_COMMAND };
  },
  fuzz: async () => {
    const m = await import('./fuzz.js');
    return { handler: m.fuzzCommand, definition: m.FUZZ_COMMAND };
  },
  import: async () => {
    const m = await import('./import.js');
    return { handler: m.importCommand, definition: m.IMPORT_COMMAND };
  },
  schema: async () => {
    const m = await import('./schema.js');
    return { handler: m.schemaCommand, definition: m.SCHEMA_COMMAND };
  },
};

export const COMMAND_NAMES = Object.keys(loaders);

export function loadCommand(name: string): Promise<LoadedCommand> | undefined {
  return Object.hasOwn(loaders, name) ? loaders[name]!() : undefined;
}

export async function allDefinitions(): Promise<CommandDefinition[]> {
  return Promise.all(COMMAND_NAMES.map(async (name) => (await loadCommand(name)!).definition));
}

const HEADER = 'tconv: a conformance harness for transposed convolution';
const EXIT_CODES =
  'Exit codes: 0 as expected, 1 mismatch, 2 invalid input or usage, 3 runner unavailable, 4 internal error.';

/** `tconv` alone: the commands, one synopsis each. */
export async function shortUsage(): Promise<string> {
  const lines = [HEADER, '', 'Usage:', ...(await allDefinitions()).flatMap(commandListEntry)];
  lines.push('', '`tconv COMMAND --help` shows the options of one command, `tconv help` of every command.', EXIT_CODES);
  return `${lines.join('\n')}\n`;
}

/** `tconv help`: every command with its options. */
export async function fullUsage(): Promise<string> {
  const lines = [HEADER, '', 'Usage:'];
  for (const definition of await allDefinitions()) {
    lines.push(...commandListEntry(definition), ...optionLines(definition.options, 6));
    for (const note of definition.notes ?? []) lines.push(...wrap(note, 6));
  }
  lines.push('', 'Every command answers --help (-h) with its own usage.', EXIT_CODES);
  return `${lines.join('\n')}\n`;
}

export { commandUsage };
