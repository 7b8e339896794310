/** The `tconv` command line: dispatch, and the one place that turns errors into exit codes. */
import { EXIT, UserError, formatDiagnostic } from '../errors.js';
import { COMPARE_USAGE, compareCommand } from './compare.js';
import { evalCommand } from './eval.js';
import { explainCommand } from './explain.js';
import { FUZZ_USAGE, fuzzCommand } from './fuzz.js';
import { IMPORT_USAGE, importCommand } from './import.js';
import { mergeCommand } from './merge.js';
import { runCommand } from './run.js';
import { schemaCommand } from './schema.js';

export const USAGE = `tconv: a conformance harness for transposed convolution

Usage:
  tconv run FILE|DIR... [options]              run every case on the reference and the runners
      --runners a,b        runners to use (default: all: reference, tfjs-node, onnxruntime)
      --filter GLOB        case ids to keep (file/case, * within a segment, ** across); repeatable
      --shard i/n          keep the i-th of n deterministic shards
      --expectations F     known divergences (YAML: expectations: [{id, runner, variant?, status, reason, link?}])
      --timeout MS         per-case timeout of native runners (default 60000)
      --report DIR         write DIR/tconv.json, DIR/junit.xml, DIR/index.html
      --json F, --junit F, --html F   write one report
  tconv merge SHARD.json... [--allow-partial] [--report DIR | --json F --junit F --html F]
                                               combine shard reports into one
  tconv eval FILE... [--case NAME] [--runner NAME] [--format json|table]
                                               print each case's output tensor
  tconv explain FILE... [--case NAME] [--format text|json]
                                               resolved geometry and every framework's spelling
${COMPARE_USAGE}${FUZZ_USAGE}${IMPORT_USAGE}  tconv schema [--write PATH]                  the case file JSON Schema
  tconv help

Common options:
  --max-elements N   refuse tensors larger than N elements (default 33554432; env TCONV_MAX_ELEMENTS)

Exit codes: 0 as expected, 1 mismatch, 2 invalid input or usage, 3 runner unavailable, 4 internal error.
`;

type Command = (argv: readonly string[]) => number | Promise<number>;

const COMMANDS: Readonly<Record<string, Command>> = {
  run: runCommand,
  eval: evalCommand,
  explain: explainCommand,
  schema: schemaCommand,
  merge: mergeCommand,
  fuzz: fuzzCommand,
  compare: compareCommand,
  import: importCommand,
};

export const INTERNAL_ERROR_EXIT = 4;

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(USAGE);
    return name === undefined ? EXIT.invalidInput : EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`tconv: unknown command '${name}'\n\n${USAGE}`);
    return EXIT.invalidInput;
  }
  try {
    return await command(rest);
  } catch (error) {
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
