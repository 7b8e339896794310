/**
 * Usage is generated from the option definitions the parser reads (src/cli/usage.ts), so every
 * option the parser accepts is documented by `--help`; this checks that every command answers
 * `--help` / `-h`, that every defined option is in its usage, in `tconv help` and in README.md's
 * Commands section, and that the parser accepts each defined option.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { COMMAND_NAMES, allDefinitions, loadCommand } from '../src/cli/commands.js';
import { HelpRequested, parseCommand } from '../src/cli/options.js';
import type * as OptionsModule from '../src/cli/options.js';
import { commandUsage, type CommandDefinition, type OptionDefinition } from '../src/cli/usage.js';
import { REPO_ROOT, runCli, STACK_TRACE_LINE, type CliResult } from './helpers/cli.js';

/** The option definitions each command's parser was given, by command (see "parses with ..." below). */
const parsedWith = vi.hoisted(() => new Map<string, unknown>());
vi.mock('../src/cli/options.js', async (importOriginal) => {
  const original = await importOriginal<typeof OptionsModule>();
  return {
    ...original,
    parseCommand: (...args: Parameters<typeof original.parseCommand>) => {
      parsedWith.set(args[0], args[2]);
      return original.parseCommand(...args);
    },
  };
});

let definitions: CommandDefinition[];
beforeAll(async () => {
  definitions = await allDefinitions();
});

/** README.md's Commands section: the bullets that start with "- `NAME" (import has two). */
function readmeBullets(name: string): string {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Commands\n'));
  const end = section.indexOf('\n## ', 1);
  const bullets = (end < 0 ? section : section.slice(0, end)).split(/\n(?=- `)/);
  return bullets.filter((bullet) => bullet.startsWith(`- \`${name} `) || bullet.startsWith(`- \`${name}\``)).join('\n');
}

/** How the option may be written: `--name`, or its short form `-x`. */
const spellings = (name: string, option: OptionDefinition): string[] =>
  option.short ? [`--${name}`, `-${option.short}`] : [`--${name}`];

const mentions = (text: string, name: string, option: OptionDefinition): boolean =>
  spellings(name, option).some((flag) => new RegExp(`(^|[^\\w-])${flag}(?![\\w-])`).test(text));

describe('tconv --help', () => {
  const results: Record<string, CliResult> = {};
  beforeAll(async () => {
    const runs = COMMAND_NAMES.flatMap((name) => [
      [`${name} --help`, [name, '--help']],
      [`${name} -h`, [name, '-h']],
    ]) as [string, string[]][];
    runs.push(['(none)', []], ['help', ['help']], ['run --bogus --help', ['run', '--bogus', '--help']]);
    await Promise.all(
      runs.map(async ([key, args]) => {
        results[key] = await runCli(args);
      }),
    );
  }, 180_000);

  it('every command answers --help and -h with its own usage, exit 0', () => {
    for (const definition of definitions) {
      for (const flag of ['--help', '-h']) {
        const result = results[`${definition.name} ${flag}`]!;
        expect(result.code, `${definition.name} ${flag}: ${result.stderr}`).toBe(0);
        expect(result.stdout).toBe(commandUsage(definition));
        expect(result.stderr).toBe('');
      }
    }
  });

  it('help wins over a bad option', () => {
    expect(results['run --bogus --help']!.code).toBe(0);
    expect(results['run --bogus --help']!.stdout).toMatch(/^Usage: tconv run /);
  });

  it('tconv alone prints the short usage (every command) to stderr, exit 2', () => {
    const result = results['(none)']!;
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    for (const name of COMMAND_NAMES) expect(result.stderr).toContain(`tconv ${name} `);
    expect(result.stderr).not.toMatch(STACK_TRACE_LINE);
  });

  it('tconv help lists every option of every command, exit 0', () => {
    const result = results['help']!;
    expect(result.code).toBe(0);
    for (const definition of definitions) {
      for (const [name, option] of Object.entries(definition.options)) {
        expect(mentions(result.stdout, name, option), `${definition.name} --${name}`).toBe(true);
      }
    }
  });
});

describe('option definitions', () => {
  it('every command has a definition, with a description for each option', () => {
    expect(definitions.map((definition) => definition.name)).toEqual(COMMAND_NAMES);
    for (const definition of definitions) {
      for (const [name, option] of Object.entries(definition.options)) {
        expect(option.description.length, `${definition.name} --${name}`).toBeGreaterThan(0);
        if (option.type === 'string') expect(option.value, `${definition.name} --${name} value name`).toBeTruthy();
      }
    }
  });

  it("every option is in its command's usage and in README.md's Commands section", () => {
    const missing: string[] = [];
    for (const definition of definitions) {
      const usage = commandUsage(definition);
      const readme = readmeBullets(definition.name);
      expect(readme, `README.md has no Commands bullet for ${definition.name}`).not.toBe('');
      for (const [name, option] of Object.entries(definition.options)) {
        if (!mentions(usage, name, option)) missing.push(`usage of ${definition.name}: --${name}`);
        if (!mentions(readme, name, option)) missing.push(`README.md, ${definition.name}: --${name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('each command parses its argv with the very definitions its usage is made from (import included)', async () => {
    for (const name of COMMAND_NAMES) {
      const command = await loadCommand(name)!;
      parsedWith.delete(name);
      // --help stops every command in its parser, before it does anything.
      await expect(Promise.resolve().then(() => command.handler(['--help']))).rejects.toBeInstanceOf(HelpRequested);
      expect(parsedWith.get(name), name).toBe(command.definition.options);
    }
  });

  it('the parser accepts every defined option, and --help / -h', () => {
    for (const definition of definitions) {
      for (const [name, option] of Object.entries(definition.options)) {
        const argv = option.type === 'string' ? [`--${name}`, 'x'] : [`--${name}`];
        const { values } = parseCommand(definition.name, argv, definition.options);
        expect(values[name], `${definition.name} --${name}`).toEqual(
          option.type === 'string' ? (option.multiple ? ['x'] : 'x') : true,
        );
      }
      for (const flag of ['--help', '-h']) {
        expect(() => parseCommand(definition.name, [flag], definition.options)).toThrow(HelpRequested);
      }
    }
  });
});
