/**
 * `tconv merge SHARD.json... [--allow-partial] [--report DIR] [--json F] [--junit F] [--html F]`:
 * combines the JSON reports of `tconv run --shard i/n` jobs into one report, rendered like a single
 * run. Exits 1 when the merged run has failures, like `tconv run`.
 *
 * Merge is a CI gate, so it is strict: a matrix job that silently lost a shard, ran twice, ran
 * another version or other runners would otherwise turn into a green merged report. The inputs
 * must be one run: the same tool and runner versions, runners and filter, and either every shard
 * 1..n of one `--shard i/n` split exactly once or unsharded reports with disjoint case ids.
 * Anything else exits 2 naming the files and the problem, before any output is written.
 * `--allow-partial` only forgives missing shards, and marks the merged report as partial.
 */
import { EXIT } from '../errors.js';
import { closingLine, summaryTable } from '../report/console.js';
import { reportTargets, writeReports } from '../report/write.js';
import { mergeReports, readReport } from '../run/merge.js';
import { checkInputs, environmentWarnings } from '../run/mergeChecks.js';
import { FAILING } from '../run/status.js';
import { REPORT_OPTIONS, parseCommand, requirePositionals, type CommandDefinition } from './options.js';

export const MERGE_COMMAND: CommandDefinition = {
  name: 'merge',
  synopsis: 'SHARD.json... [--allow-partial] [--report DIR | --json F --junit F --html F]',
  summary:
    'combine the JSON reports of one run (every shard of a --shard i/n split, or unsharded reports with disjoint cases) into one report; exit 1 if a merged variant fails',
  options: {
    'allow-partial': {
      type: 'boolean',
      description: 'merge despite missing shards (the report says which: partial: 1,3 of 3)',
    },
    ...REPORT_OPTIONS,
  },
};

export function mergeCommand(argv: readonly string[]): number {
  const { values, positionals } = parseCommand('merge', argv, MERGE_COMMAND.options);
  requirePositionals('merge', positionals, 'the JSON reports to merge');
  const targets = reportTargets(values);
  const inputs = positionals.map((path) => ({ path, report: readReport(path) }));
  const { shard, partialNote } = checkInputs(inputs, values['allow-partial'] === true);
  for (const warning of environmentWarnings(inputs)) process.stderr.write(`tconv: ${warning}\n`);
  const merged = mergeReports(inputs, shard);
  const lines = [...summaryTable(merged), '', closingLine(merged)];
  if (partialNote) lines.push(partialNote);
  process.stdout.write(`${lines.join('\n')}\n`);
  for (const path of writeReports(merged, targets)) process.stdout.write(`wrote ${path}\n`);
  const failing = merged.cases.some((entry) => entry.variants.some((variant) => FAILING.has(variant.status)));
  return failing ? EXIT.mismatch : EXIT.ok;
}
