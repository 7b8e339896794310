/**
 * `tconv run FILE|DIR...`: every case through the reference and the selected runners, judged
 * against the reference and known divergences; reports to the console and, on request, to files.
 */
import { loadCaseFiles } from '../case/load.js';
import { selectCases } from '../case/select.js';
import { EXIT, UserError } from '../errors.js';
import { shutdownReferenceWorkers } from '../reference/index.js';
import { reportTargets } from '../report/write.js';
import { loadExpectations } from '../run/expectations.js';
import { defaultJobs, distinctSessions, openLanes } from '../run/lanes.js';
import type { DetailLevel } from '../run/report.js';
import { parseShard, selectForRun } from '../run/selection.js';
import { openSession } from '../run/sessions.js';
import { streamRun } from '../run/streamed.js';
import { registeredRunners } from '../../runners/registry.js';
import {
  COMMON_OPTIONS,
  REPORT_OPTIONS,
  integerOption,
  maxElementsOption,
  parseCommand,
  requirePositionals,
  stringList,
  type CommandDefinition,
  type OptionDefinitions,
} from './options.js';
import { RUNNER_REGISTRATION_OPTIONS, registerRunnerOptions, unknownRunnerWarnings } from './runnerOptions.js';

/** Per-case timeout of the native runners' child processes. */
const DEFAULT_TIMEOUT_MS = 60_000;

/** Before any --runner-exec/--runner-module registration, registeredRunners() is the built-ins. */
const BUILTIN_RUNNERS = registeredRunners().map((entry) => entry.runner.name);

export const RUN_OPTIONS = {
  runners: {
    type: 'string',
    multiple: true,
    value: 'a,b',
    description: 'runners to use (the reference always runs); repeatable, comma-separated',
    defaultText: `${BUILTIN_RUNNERS.join(', ')} and every runner registered with --runner-exec / --runner-module`,
  },
  filter: {
    type: 'string',
    multiple: true,
    value: 'GLOB',
    description: 'case ids to keep (file/case, * within a segment, ** across); repeatable',
  },
  case: COMMON_OPTIONS.case,
  shard: { type: 'string', value: 'i/n', description: 'keep the i-th of n deterministic shards (see tconv merge)' },
  expectations: {
    type: 'string',
    value: 'F',
    description: 'known divergences (YAML: expectations: [{id, runner, variant?, status, reason, link?}])',
  },
  timeout: {
    type: 'string',
    value: 'MS',
    description: 'per-case timeout of the native runners',
    defaultText: String(DEFAULT_TIMEOUT_MS),
  },
  ...REPORT_OPTIONS,
  details: {
    type: 'string',
    value: 'failing|all',
    description:
      'per-element data (worst elements, histograms) in the reports: for variants that are not a plain pass, or all',
    defaultText: 'failing',
  },
  jobs: {
    type: 'string',
    value: 'N',
    description: 'cases run at once, each on its own runner processes (deterministic report order)',
    defaultText: 'one per core, at most one per 48 cases',
  },
  verbose: {
    type: 'boolean',
    description: 'print a line for every case and variant (default: failures, and progress)',
  },
  ...RUNNER_REGISTRATION_OPTIONS,
  'max-elements': COMMON_OPTIONS['max-elements'],
} as const satisfies OptionDefinitions;

export const RUN_COMMAND: CommandDefinition = {
  name: 'run',
  synopsis: 'FILE|DIR... [options]',
  summary:
    'run every case on the reference and the runners, every runner variant compared with the reference; exit 0 when all hold',
  options: RUN_OPTIONS,
};

export async function runCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommand('run', argv, RUN_OPTIONS);
  requirePositionals('run', positionals, 'case files or directories');
  await registerRunnerOptions(values);
  const runnerNames = stringList(values['runners']);
  const selectedRunners = runnerNames.length ? runnerNames : registeredRunners().map((entry) => entry.runner.name);
  const filters = stringList(values['filter']);
  const shard = parseShard(typeof values['shard'] === 'string' ? values['shard'] : undefined);
  const timeoutMs = integerOption('timeout', values['timeout'] as string | undefined, DEFAULT_TIMEOUT_MS);
  const targets = reportTargets(values);
  const expectations = typeof values['expectations'] === 'string' ? loadExpectations(values['expectations']) : [];
  const files = loadCaseFiles(positionals, { maxElements: maxElementsOption(values['max-elements']) });
  const cases = selectForRun(selectCases(files, stringList(values['case'])), filters, shard);
  for (const warning of unknownRunnerWarnings(cases)) process.stderr.write(`tconv: warning: ${warning}\n`);
  const details = detailsOption(values['details']);
  const jobs = integerOption('jobs', values['jobs'] as string | undefined, defaultJobs(cases.length));
  const native = selectedRunners.filter((runner) => runner !== 'reference');
  const lanes = await openLanes(native, Math.min(jobs, Math.max(1, cases.length)), (name) =>
    openSession(name, { timeoutMs }),
  );
  try {
    return await streamRun({
      files,
      cases,
      targets,
      verbose: values['verbose'] === true,
      sessions: lanes[0]!,
      lanes: lanes.slice(1),
      details,
      expectations,
      selection: {
        filter: filters,
        shard: typeof values['shard'] === 'string' ? values['shard'] : null,
        runners: selectedRunners,
      },
    });
  } finally {
    await Promise.all(distinctSessions(lanes).map((session) => session.close()));
    await shutdownReferenceWorkers();
  }
}

function detailsOption(value: unknown): DetailLevel {
  if (value === undefined || value === 'failing' || value === 'all') return value ?? 'failing';
  throw new UserError(`--details expects 'failing' or 'all', got '${String(value)}'`, EXIT.invalidInput);
}
