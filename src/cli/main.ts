/** The `tconv` command line: dispatch, and the one place that turns errors into exit codes. */
import { EXIT, UserError, formatDiagnostic } from '../errors.js';
import { COMMAND_NAMES, commandUsage, fullUsage, loadCommand, shortUsage } from './commands.js';
import { HelpRequested, type CommandDefinition } from './options.js';

export const INTERNAL_ERROR_EXIT = 4;

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    process.stderr.write(await shortUsage());
    return EXIT.invalidInput;
  }
  if (name === 'help' || name === '--help' || name === '-h') return help(rest);
  const loading = loadCommand(name);
  if (!loading) {
    process.stderr.write(`tconv: unknown command '${name}'\n\n${await shortUsage()}`);
    return EXIT.invalidInput;
  }
  let definition: CommandDefinition | undefined;
  try {
    const command = await loading;
    definition = command.definition;
    return await command.handler(rest);
  } catch (error) {
    if (error instanceof HelpRequested && definition) {
      process.stdout.write(commandUsage(definition));
      return EXIT.ok;
    }
    if (error instanceof UserError) {
      for (const diagnostic of error.diagnostics) process.stderr.write(`${formatDiagnostic(diagnostic)}\n`);
      if (error.diagnostics.length === 0) process.stderr.write(`tconv: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(
      `tconv: internal error (a bug in tconv, please report it):\n${(error as Error).stack ?? String(error)}\n`,
    );
    return INTERNAL_ERROR_EXIT;
  }
}

/** `tconv help` (every command's options) or `tconv help COMMAND` (one). */
async function help(rest: readonly string[]): Promise<number> {
  const [topic] = rest;
  if (topic === undefined) {
    process.stdout.write(await fullUsage());
    return EXIT.ok;
  }
  const loading = loadCommand(topic);
  if (!loading) {
    process.stderr.write(`tconv: unknown command '${topic}' (commands: ${COMMAND_NAMES.join(', ')})\n`);
    return EXIT.invalidInput;
  }
  process.stdout.write(commandUsage((await loading).definition));
  return EXIT.ok;
}
