import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DEFAULT_MAX_ELEMENTS } from '../case/load.js';
import { EXIT, UserError } from '../errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs with usage errors turned into exit code 2. */
export function parseCommand<T extends Options>(
  command: string,
  argv: readonly string[],
  options: T,
): { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] } {
  try {
    const parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
    return {
      values: parsed.values as Record<string, string | boolean | string[] | undefined>,
      positionals: parsed.positionals,
    };
  } catch (error) {
    throw new UserError(`${command}: ${(error as Error).message} (see tconv help)`, EXIT.invalidInput);
  }
}

export const COMMON_OPTIONS = {
  'max-elements': { type: 'string' },
  case: { type: 'string', multiple: true },
} as const satisfies Options;

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
