import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DEFAULT_MAX_ELEMENTS } from '../case/load.js';
import { EXIT, UserError } from '../errors.js';
import type { OptionDefinitions } from './usage.js';

export type { CommandDefinition, OptionDefinition, OptionDefinitions } from './usage.js';

type ParserOptions = NonNullable<ParseArgsConfig['options']>;
type Values = Record<string, string | boolean | string[] | undefined>;

/**
 * `--help` / `-h` on a command: thrown by parseCommand, answered by main with that command's
 * usage (exit 0). An exception, so no command has to handle help itself.
 */
export class HelpRequested extends Error {
  constructor(readonly command: string) {
    super(`help for ${command}`);
  }
}

/** Every command answers --help / -h (not listed in the definitions: main's usage says so). */
const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const satisfies ParserOptions;

/** The parseArgs part of the definitions (parseArgs rejects keys it does not know in future versions). */
function parserOptions(options: OptionDefinitions | ParserOptions): ParserOptions {
  const result: ParserOptions = {};
  for (const [name, option] of Object.entries(options)) {
    result[name] = {
      type: option.type,
      ...(option.multiple ? { multiple: true } : {}),
      ...(option.short ? { short: option.short } : {}),
      ...(option.default !== undefined ? { default: option.default } : {}),
    } as ParserOptions[string];
  }
  return { ...result, ...HELP_OPTION };
}

/** Whether argv asks for help, read leniently (so `tconv run --bogus --help` still gets help). */
function asksForHelp(argv: readonly string[], options: ParserOptions): boolean {
  const { tokens } = parseArgs({ args: [...argv], options, allowPositionals: true, strict: false, tokens: true });
  return tokens.some((token) => token.kind === 'option' && (token.name === 'help' || token.name === 'h'));
}

/**
 * parseArgs over a command's option definitions (the ones its usage is generated from), with
 * usage errors turned into exit code 2 and --help into HelpRequested.
 */
export function parseCommand(
  command: string,
  argv: readonly string[],
  options: OptionDefinitions | ParserOptions,
): { values: Values; positionals: string[] } {
  const config = parserOptions(options);
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options: config, allowPositionals: true, strict: true }) as typeof parsed;
  } catch (error) {
    if (asksForHelp(argv, config)) throw new HelpRequested(command);
    throw new UserError(`${command}: ${(error as Error).message} (see tconv help)`, EXIT.invalidInput);
  }
  if (parsed.values['help'] === true) throw new HelpRequested(command);
  delete parsed.values['help'];
  return parsed;
}

export const COMMON_OPTIONS = {
  'max-elements': {
    type: 'string',
    value: 'N',
    description: 'refuse tensors larger than N elements',
    defaultText: `${DEFAULT_MAX_ELEMENTS}, or the environment variable TCONV_MAX_ELEMENTS`,
  },
  case: {
    type: 'string',
    multiple: true,
    value: 'NAME',
    description: 'only the cases with this name (in any of the files); repeatable or comma-separated',
  },
} as const satisfies OptionDefinitions;

/** --report DIR and the single-report options, as run, merge and compare accept them. */
export const REPORT_OPTIONS = {
  report: { type: 'string', value: 'DIR', description: 'write DIR/tconv.json, DIR/junit.xml and DIR/index.html' },
  json: { type: 'string', value: 'F', description: 'write the JSON report to F' },
  junit: { type: 'string', value: 'F', description: 'write JUnit XML to F' },
  html: { type: 'string', value: 'F', description: 'write the HTML report to F' },
} as const satisfies OptionDefinitions;

export function integerOption(name: string, value: string | undefined, fallback: number, minimum = 1): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < minimum) {
    throw new UserError(`--${name} expects an integer >= ${minimum}, got '${value}'`, EXIT.invalidInput);
  }
  return parsed;
}

export function maxElementsOption(value: string | boolean | string[] | undefined): number {
  const fromEnv = process.env['TCONV_MAX_ELEMENTS'];
  const given = typeof value === 'string' ? value : fromEnv;
  return integerOption(typeof value === 'string' ? 'max-elements' : 'TCONV_MAX_ELEMENTS', given, DEFAULT_MAX_ELEMENTS);
}

export function stringList(value: string | boolean | string[] | undefined): string[] {
  if (value === undefined || typeof value === 'boolean') return [];
  const items = Array.isArray(value) ? value : [value];
  return items
    .flatMap((item) => item.split(','))
    .map((item) => item.trim())
    .filter(Boolean);
}

export function requirePositionals(command: string, positionals: readonly string[], what: string): void {
  if (positionals.length === 0) {
    throw new UserError(`${command}: expected ${what} (see tconv help)`, EXIT.invalidInput);
  }
}
