/**
 * `--runner-exec NAME=COMMAND`: the name checked, the command split into words as a POSIX shell
 * would (shell-quote; quotes and backslashes only: no shell runs it, so variables stay literal and
 * operators, globs and redirections are refused), and the program found before any work starts.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { parse } from 'shell-quote';
import { RUNNER_NAME_PATTERN, RUNNER_NAMES } from '../../src/case/schema.js';
import { EXIT, UserError } from '../../src/errors.js';
import type { ExternalCommand } from './child.js';

export interface NamedCommand extends ExternalCommand {
  readonly name: string;
}

/** `NAME=VALUE` with NAME a valid, non-built-in runner name; usage errors (exit 2) otherwise. */
export function splitNameValue(option: string, given: string, what: string): { name: string; value: string } {
  const at = given.indexOf('=');
  const name = at > 0 ? given.slice(0, at).trim() : '';
  const value = at > 0 ? given.slice(at + 1).trim() : '';
  if (!name || !value) {
    throw new UserError(`--${option} expects NAME=${what}, got '${given}'`, EXIT.invalidInput);
  }
  if (!new RegExp(RUNNER_NAME_PATTERN).test(name)) {
    throw new UserError(`--${option}: runner name '${name}' must match ${RUNNER_NAME_PATTERN}`, EXIT.invalidInput);
  }
  if ((RUNNER_NAMES as readonly string[]).includes(name)) {
    throw new UserError(
      `--${option}: '${name}' is a built-in runner's name; choose another name for your runner`,
      EXIT.invalidInput,
    );
  }
  return { name, value };
}

/** The words of COMMAND; refuses what only a shell could do. */
export function commandWords(option: string, command: string): string[] {
  const words = parse(command, (variable) => `$${variable}`);
  const refused = words.find((word) => typeof word !== 'string');
  if (refused !== undefined) {
    const what =
      typeof refused === 'object' && 'op' in refused
        ? `'${refused.op === 'glob' ? refused.pattern : refused.op}'`
        : 'a comment';
    throw new UserError(
      `--${option}: the command has ${what}, which needs a shell; tconv runs the program directly (wrap it in a script if you need a shell)`,
      EXIT.invalidInput,
    );
  }
  if (words.length === 0) throw new UserError(`--${option}: the command is empty`, EXIT.invalidInput);
  return words as string[];
}

const isExecutableFile = (path: string): boolean => {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** The program's path: relative paths from the current directory, bare names on PATH. */
export function findProgram(option: string, program: string, env: NodeJS.ProcessEnv = process.env): string {
  if (program.includes('/')) {
    const path = isAbsolute(program) ? program : resolve(program);
    if (!isExecutableFile(path)) {
      throw new UserError(`--${option}: '${program}' is not an executable file (looked at ${path})`, EXIT.invalidInput);
    }
    return path;
  }
  const found = (env['PATH'] ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((directory) => join(directory, program))
    .find(isExecutableFile);
  if (!found) throw new UserError(`--${option}: program '${program}' was not found on PATH`, EXIT.invalidInput);
  return found;
}

/** One `--runner-exec` value, checked. */
export function parseRunnerExec(given: string): NamedCommand {
  const { name, value } = splitNameValue('runner-exec', given, 'COMMAND');
  const [program, ...args] = commandWords('runner-exec', value);
  return { name, program: findProgram('runner-exec', program!), args };
}
