/**
 * `--runner-module NAME=PATH[#EXPORT]`: a JavaScript/TypeScript module that exports a Runner (the
 * interface in runners/types.ts; named export `runner`, or the default export, or EXPORT). tconv
 * plans cases with it in its own process and executes them in a child process (runners/host/),
 * like the native built-in runners, so a crash or a hang is reported, not fatal.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EXIT, UserError } from '../src/errors.js';
import { splitNameValue } from './external/command.js';
import { registerRunner } from './registry.js';
import type { Runner } from './types.js';

const isRunner = (value: unknown): value is Runner =>
  typeof value === 'object' &&
  value !== null &&
  ['plan', 'load', 'execute'].every((method) => typeof (value as Record<string, unknown>)[method] === 'function');

/** Imports the module, checks its Runner and registers it under NAME; usage errors exit 2. */
export async function registerModuleRunner(given: string): Promise<void> {
  const { name, value } = splitNameValue('runner-module', given, 'PATH');
  const hash = value.lastIndexOf('#');
  const file = hash > 0 ? value.slice(0, hash) : value;
  const modulePath = resolve(file);
  if (!existsSync(modulePath)) {
    throw new UserError(`--runner-module: ${file} does not exist (looked at ${modulePath})`, EXIT.invalidInput);
  }
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(modulePath).href)) as Record<string, unknown>;
  } catch (error) {
    throw new UserError(
      `--runner-module: ${file} could not be imported: ${(error as Error).message}`,
      EXIT.invalidInput,
    );
  }
  const exportName = hash > 0 ? value.slice(hash + 1) : 'runner' in module ? 'runner' : 'default';
  const candidate = module[exportName];
  if (!isRunner(candidate)) {
    throw new UserError(
      `--runner-module: ${file} has no Runner export '${exportName}' (an object with plan, load and execute: see runners/types.ts)`,
      EXIT.invalidInput,
    );
  }
  const runner: Runner = {
    name,
    isolated: true,
    plan: (geometry) => candidate.plan(geometry),
    load: () => candidate.load(),
    execute: (geometry, expression, tensors) => candidate.execute(geometry, expression, tensors),
  };
  registerRunner({ runner, source: { modulePath, exportName } });
}
