/**
 * `--runner-exec NAME=COMMAND` and `--runner-module NAME=PATH` (repeatable), shared by every
 * command that runs runners: each registers a runner NAME for this invocation, checked before
 * any work starts (a malformed value, a missing program or a built-in's name exits 2).
 */
import { parseRunnerExec } from '../../runners/external/command.js';
import { registerExecRunner } from '../../runners/external/register.js';
import { registerModuleRunner } from '../../runners/module.js';
import { findRunner } from '../../runners/registry.js';
import type { LoadedCase } from '../case/load.js';
import { EXIT, UserError } from '../errors.js';
import type { OptionDefinitions } from './usage.js';

export const RUNNER_REGISTRATION_OPTIONS = {
  'runner-exec': {
    type: 'string',
    multiple: true,
    value: 'NAME=COMMAND',
    description:
      'an external runner speaking docs/runner-protocol.md, started as COMMAND (split like a shell would, no shell runs it); NAME then works wherever a runner name does; repeatable',
  },
  'runner-module': {
    type: 'string',
    multiple: true,
    value: 'NAME=PATH[#EXPORT]',
    description:
      'a JS/TS module exporting a Runner (runners/types.ts; export `runner`, the default export or EXPORT), run in a child process; repeatable',
  },
} as const satisfies OptionDefinitions;

type Values = Record<string, string | boolean | string[] | undefined>;

const given = (value: Values[string]): string[] =>
  value === undefined || typeof value === 'boolean' ? [] : Array.isArray(value) ? value : [value];

/** Registers the runners the options name; returns their names in order. */
export async function registerRunnerOptions(values: Values): Promise<string[]> {
  const names: string[] = [];
  const claim = (option: string, name: string): void => {
    if (names.includes(name) || findRunner(name)) {
      throw new UserError(`--${option}: runner '${name}' is registered twice`, EXIT.invalidInput);
    }
    names.push(name);
  };
  for (const value of given(values['runner-exec'])) {
    const command = parseRunnerExec(value);
    claim('runner-exec', command.name);
    registerExecRunner(command);
  }
  for (const value of given(values['runner-module'])) {
    const name = value.slice(0, Math.max(0, value.indexOf('='))).trim();
    if (name) claim('runner-module', name);
    await registerModuleRunner(value);
  }
  return names;
}

/** The registration options as a command line would repeat them (quoted for a POSIX shell). */
export function registrationArguments(values: Values): string[] {
  const quoted = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;
  return [
    ...given(values['runner-exec']).map((value) => `--runner-exec ${quoted(value)}`),
    ...given(values['runner-module']).map((value) => `--runner-module ${quoted(value)}`),
  ];
}

/**
 * Runner names that cases mention (`runners:`, `expected:`) but nothing registered in this
 * invocation: a typo, or a `--runner-exec` left out. Their entries have no effect in this run.
 */
export function unknownRunnerWarnings(cases: readonly LoadedCase[]): string[] {
  const unknown = new Map<string, string>();
  for (const entry of cases) {
    const names = [...(entry.spec.runners ?? []), ...(entry.spec.expected ?? []).map((e) => e.runner)];
    for (const name of names) if (!findRunner(name) && !unknown.has(name)) unknown.set(name, entry.id);
  }
  return [...unknown].map(
    ([name, id]) =>
      `runner '${name}' (named by ${id}) is neither built in nor registered (--runner-exec / --runner-module); its entries have no effect in this run`,
  );
}
