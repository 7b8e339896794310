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
 * Streamed: inputs are indexed line by line and each case is read from its input as it is
 * written to the merged reports, so many large shards merge in the memory of one case.
 * `--allow-partial` only forgives missing shards, and marks the merged report as partial.
 */
import { EXIT } from '../errors.js';
import { closingLine, summaryTable } from '../report/console.js';
import { ReportStream, reportTargets } from '../report/write.js';
import { mergeReports, openReport, type MergeInput } from '../run/merge.js';
import { checkInputs, environmentWarnings } from '../run/mergeChecks.js';
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
  const inputs: MergeInput[] = [];
  try {
    for (const path of positionals) inputs.push(openReport(path));
    const { shard, partialNote } = checkInputs(inputs, values['allow-partial'] === true);
    for (const warning of environmentWarnings(inputs)) process.stderr.write(`tconv: ${warning}\n`);
    const merged = mergeReports(inputs, shard);
    // One case at a time from its input into the merged reports; the console totals come from the same pass.
    const reports = new ReportStream(targets, merged.header);
    for (const { input, position } of merged.order) reports.add(input.read(position));
    const { tally } = reports;
    const written = reports.finish(merged.durationMs, {
      complete: merged.complete,
      ...(merged.complete ? {} : { stopped: 'an input report is of a run that stopped early' }),
      cases: tally.cases,
      selected: tally.cases,
      counts: { ...tally.counts },
    });
    const lines = [...summaryTable(tally), '', closingLine(tally)];
    if (partialNote) lines.push(partialNote);
    process.stdout.write(`${lines.join('\n')}\n`);
    for (const path of written) process.stdout.write(`wrote ${path}\n`);
    return tally.failed > 0 ? EXIT.mismatch : EXIT.ok;
  } finally {
    for (const input of inputs) input.close();
  }
}
