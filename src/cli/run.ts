/**
 * `tconv run FILE|DIR...`: every case through the reference and the selected runners, judged
 * against the reference and known divergences; reports to the console and, on request, to files.
 */
import { loadCaseFiles } from '../case/load.js';
import { selectCases } from '../case/select.js';
import { EXIT } from '../errors.js';
import { shutdownReferenceWorkers } from '../reference/index.js';
import { caseLines, closingLine, failureDetails, progressLine, summaryTable } from '../report/console.js';
import { detailLines } from '../report/details.js';
import { writeReports, reportTargets } from '../report/write.js';
import { runConformance } from '../run/conformance.js';
import { loadExpectations } from '../run/expectations.js';
import { FAILING } from '../run/status.js';
import { parseShard, selectForRun } from '../run/selection.js';
import type { RunnerSession } from '../run/session.js';
import { openSession } from '../run/sessions.js';
import { registeredRunners } from '../../runners/registry.js';
import {
  COMMON_OPTIONS,
  integerOption,
  maxElementsOption,
  parseCommand,
  requirePositionals,
  stringList,
} from './options.js';
import { RUNNER_REGISTRATION_OPTIONS, registerRunnerOptions, unknownRunnerWarnings } from './runnerOptions.js';

export const RUN_OPTIONS = {
  ...COMMON_OPTIONS,
  ...RUNNER_REGISTRATION_OPTIONS,
  runners: { type: 'string', multiple: true },
  filter: { type: 'string', multiple: true },
  shard: { type: 'string' },
  expectations: { type: 'string' },
  timeout: { type: 'string' },
  report: { type: 'string' },
  json: { type: 'string' },
  junit: { type: 'string' },
  html: { type: 'string' },
} as const;

async function openSessions(names: readonly string[], timeoutMs: number): Promise<RunnerSession[]> {
  const sessions: RunnerSession[] = [];
  try {
    for (const name of names.filter((runner) => runner !== 'reference')) {
      sessions.push(await openSession(name, { timeoutMs }));
    }
  } catch (error) {
    await Promise.all(sessions.map((session) => session.close()));
    throw error;
  }
  return sessions;
}

export async function runCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommand('run', argv, RUN_OPTIONS);
  requirePositionals('run', positionals, 'case files or directories');
  await registerRunnerOptions(values);
  const runnerNames = stringList(values['runners']);
  const selectedRunners = runnerNames.length ? runnerNames : registeredRunners().map((entry) => entry.runner.name);
  const filters = stringList(values['filter']);
  const shard = parseShard(typeof values['shard'] === 'string' ? values['shard'] : undefined);
  const timeoutMs = integerOption('timeout', values['timeout'] as string | undefined, 60_000);
  const targets = reportTargets(values);
  const expectations = typeof values['expectations'] === 'string' ? loadExpectations(values['expectations']) : [];
  const files = loadCaseFiles(positionals, { maxElements: maxElementsOption(values['max-elements']) });
  const cases = selectForRun(selectCases(files, stringList(values['case'])), filters, shard);
  for (const warning of unknownRunnerWarnings(cases)) process.stderr.write(`tconv: warning: ${warning}\n`);
  const sessions = await openSessions(selectedRunners, timeoutMs);
  const live = process.stdout.isTTY === true;
  let failures = 0;
  try {
    const report = await runConformance(files, cases, {
      sessions,
      expectations,
      selection: {
        filter: filters,
        shard: typeof values['shard'] === 'string' ? values['shard'] : null,
        runners: selectedRunners,
      },
      onCase: (entry, done, total) => {
        failures += entry.variants.filter((variant) => FAILING.has(variant.status)).length;
        if (live) process.stdout.write(`\r\x1b[2K${progressLine(entry, done, total, failures)}`);
        else process.stdout.write(`${caseLines(entry).join('\n')}\n`);
      },
    });
    if (live) process.stdout.write('\r\x1b[2K');
    const lines = ['', ...summaryTable(report), ...failureDetails(report, detailLines), '', closingLine(report)];
    process.stdout.write(`${lines.join('\n')}\n`);
    const written = writeReports(report, targets);
    for (const path of written) process.stdout.write(`wrote ${path}\n`);
    return failures > 0 ? EXIT.mismatch : EXIT.ok;
  } finally {
    await Promise.all(sessions.map((session) => session.close()));
    await shutdownReferenceWorkers();
  }
}
