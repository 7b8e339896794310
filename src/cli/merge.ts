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
import { parseCommand, requirePositionals } from './options.js';

export function mergeCommand(argv: readonly string[]): number {
  const { values, positionals } = parseCommand('merge', argv, {
    'allow-partial': { type: 'boolean' },
    report: { type: 'string' },
    json: { type: 'string' },
    junit: { type: 'string' },
    html: { type: 'string' },
  });
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
