/**
 * `tconv fuzz`: property-based differential fuzzing of the runners against the reference over
 * valid generated cases (src/fuzz/). Exit codes: 0 no new findings, 1 new findings, 2 bad usage,
 * 3 a runner is unavailable.
 */
import { resolve } from 'node:path';
import { EXIT, UserError } from '../errors.js';
import {
  CONVENTION_NAMES,
  DEFAULT_FUZZ_MAX_ELEMENTS,
  DEFAULT_FUZZ_MAX_WORK,
  RANKS,
  feasibleRanks,
  type ConventionName,
  type FuzzSpace,
} from '../fuzz/arbitraries.js';
import {
  runFuzz,
  DEFAULT_MAX_FINDINGS,
  DEFAULT_RUNS,
  DEFAULT_SHRINK_TIME_MS,
  type FuzzFinding,
  type FuzzProgress,
} from '../fuzz/fuzz.js';
import { KNOWN_DIVERGENCES } from '../fuzz/known.js';
import {
  fuzzJson,
  fuzzJunit,
  summaryLines,
  type FindingReplay,
  type FuzzReportInput,
  type FuzzReportOptions,
} from '../fuzz/report.js';
import { saveFinding } from '../fuzz/save.js';
import { DEFAULT_FUZZ_TIMEOUT_MS, DEFAULT_RECYCLE_EVERY, openFuzzSessions } from '../fuzz/sessions.js';
import type { Rank } from '../geometry/types.js';
import { encodeNonFinite } from '../report/json.js';
import { toolVersion } from '../run/conformance.js';
import { loadExpectations } from '../run/expectations.js';
import { integerOption, parseCommand, stringList, type CommandDefinition, type OptionDefinitions } from './options.js';
import { RUNNER_REGISTRATION_OPTIONS, registerRunnerOptions, registrationArguments } from './runnerOptions.js';
import { checkOutputPath, writeOutput } from '../report/targets.js';

export const DEFAULT_SAVE_DIR = 'cases/regressions';
/** The native runners (child processes); others are chosen with --runners. */
export const DEFAULT_FUZZ_RUNNERS = ['tfjs-node', 'onnxruntime'] as const;

export const FUZZ_OPTIONS = {
  runs: {
    type: 'string',
    value: 'N',
    description: 'generated cases to run (unbounded with --time)',
    defaultText: String(DEFAULT_RUNS),
  },
  time: {
    type: 'string',
    value: 'T',
    description: 'time budget for fuzzing, e.g. 90s, 10m, 1h (shrinking may add --shrink-time)',
  },
  seed: { type: 'string', value: 'S', description: 'fast-check seed', defaultText: 'random, printed' },
  path: { type: 'string', value: 'P', description: 'with --seed: replay the one finding at this fast-check path' },
  runners: {
    type: 'string',
    multiple: true,
    value: 'a,b',
    description: 'runners to compare with the reference and each other; repeatable, comma-separated',
    defaultText: `${DEFAULT_FUZZ_RUNNERS.join(', ')} and every runner registered with --runner-exec / --runner-module`,
  },
  ...RUNNER_REGISTRATION_OPTIONS,
  conventions: {
    type: 'string',
    multiple: true,
    value: 'c,..',
    description: `conventions of the generated cases: ${CONVENTION_NAMES.join(', ')}`,
    defaultText: 'all',
  },
  dims: {
    type: 'string',
    multiple: true,
    value: 'd,..',
    description: `spatial ranks of the generated cases: ${RANKS.join(', ')}`,
    defaultText: 'all',
  },
  special: {
    type: 'boolean',
    description:
      'also draw tensors with special values: NaN, infinities, signed zeros, subnormals, values near float32 max (distributions special, subnormal, large)',
  },
  'max-elements': {
    type: 'string',
    value: 'N',
    description: 'largest input/weight/output tensor',
    defaultText: String(DEFAULT_FUZZ_MAX_ELEMENTS),
  },
  'max-work': {
    type: 'string',
    value: 'N',
    description:
      'largest dense work of a case in multiply-adds (full output x dilated kernel x channels x batch); channels and batch are drawn within it',
    defaultText: String(DEFAULT_FUZZ_MAX_WORK),
  },
  save: {
    type: 'string',
    value: 'DIR',
    description: 'where minimal findings are written (never overwriting)',
    defaultText: `${DEFAULT_SAVE_DIR}; none when replaying with --path`,
  },
  'no-save': { type: 'boolean', description: 'write no finding files' },
  expectations: {
    type: 'string',
    value: 'F',
    description: 'further known divergences (as for tconv run; ids are fuzz/<convention>/<padding>)',
  },
  json: { type: 'string', value: 'F', description: 'write the fuzz report (JSON) to F' },
  junit: { type: 'string', value: 'F', description: 'write JUnit XML to F' },
  timeout: {
    type: 'string',
    value: 'MS',
    description: 'per-variant timeout of the native runners',
    defaultText: String(DEFAULT_FUZZ_TIMEOUT_MS),
  },
  'shrink-time': {
    type: 'string',
    value: 'T',
    description: 'time limit for shrinking one finding (0: no shrinking)',
    defaultText: `${DEFAULT_SHRINK_TIME_MS / 1000}s`,
  },
  'max-findings': {
    type: 'string',
    value: 'N',
    description: 'stop after N distinct findings',
    defaultText: String(DEFAULT_MAX_FINDINGS),
  },
  'recycle-every': {
    type: 'string',
    value: 'N',
    description: 'restart the onnxruntime process every N cases (0: never)',
    defaultText: String(DEFAULT_RECYCLE_EVERY),
  },
} as const satisfies OptionDefinitions;

export const FUZZ_COMMAND: CommandDefinition = {
  name: 'fuzz',
  synopsis: '[--runs N | --time 60s] [--seed S [--path P]] [options]',
  summary:
    'generate valid cases, compare every runner with the reference and each other, shrink each new finding to a minimal case and save it with its replay commands',
  options: FUZZ_OPTIONS,
  notes: ['Exit codes: 0 no new findings, 1 new findings, 2 invalid usage, 3 a runner is unavailable.'],
};

/** '90', '90s', '1500ms', '10m', '1h' -> milliseconds (a bare number is seconds). */
export function parseDuration(name: string, text: string, allowZero = false): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match?.[2] ?? 's']!;
  const ms = match ? Math.round(Number(match[1]) * unit) : 0;
  // A zero --time would be a green run that tested nothing; --shrink-time 0 turns shrinking off.
  if (!match || ms < 0 || (ms === 0 && !allowZero)) {
    throw new UserError(
      `--${name} expects a positive duration such as 60s, 10m or 1h, got '${text}'`,
      EXIT.invalidInput,
    );
  }
  return ms;
}

function parseSeed(text: string): number {
  const seed = Number(text);
  if (!Number.isInteger(seed) || seed < -(2 ** 31) || seed >= 2 ** 32) {
    throw new UserError(`--seed expects a 32-bit integer, got '${text}'`, EXIT.invalidInput);
  }
  return seed;
}

/** A fresh seed for a run without --seed (printed, so the run can be replayed). */
function freshSeed(): number {
  const words = new Uint32Array(1);
  globalThis.crypto.getRandomValues(words);
  return words[0]! & 0x7fffffff;
}

function pick<T extends string | number>(
  name: string,
  given: string[],
  allowed: readonly T[],
  parse: (text: string) => T,
): T[] {
  if (given.length === 0) return [...allowed];
  const values = given.map(parse);
  const unknown = values.filter((value) => !allowed.includes(value));
  if (unknown.length)
    throw new UserError(
      `--${name}: unknown value(s) ${unknown.join(', ')} (choose from ${allowed.join(', ')})`,
      EXIT.invalidInput,
    );
  return [...new Set(values)];
}

interface ParsedFuzz {
  readonly report: FuzzReportOptions;
  readonly space: FuzzSpace;
  readonly replayOnly: boolean;
  readonly json: string | null;
  readonly junit: string | null;
}

function parseFuzzArguments(argv: readonly string[], registered: readonly string[]): ParsedFuzz {
  const { values, positionals } = parseCommand('fuzz', argv, FUZZ_OPTIONS);
  if (positionals.length)
    throw new UserError(`tconv fuzz: unexpected argument '${positionals[0]}' (see tconv help)`, EXIT.invalidInput);
  const text = (name: keyof typeof FUZZ_OPTIONS): string | undefined =>
    typeof values[name] === 'string' ? (values[name] as string) : undefined;
  const path = text('path') ?? null;
  if (path !== null && text('seed') === undefined)
    throw new UserError('--path needs the --seed of the run that printed it', EXIT.invalidInput);
  if (path !== null && !/^\d+(:\d+)*$/.test(path))
    throw new UserError(`--path expects a fast-check path such as 12:3:0, got '${path}'`, EXIT.invalidInput);
  const timeMs = text('time') === undefined ? null : parseDuration('time', text('time')!);
  const runs =
    text('runs') === undefined
      ? timeMs === null
        ? DEFAULT_RUNS
        : null
      : integerOption('runs', text('runs'), DEFAULT_RUNS);
  const runnerNames = stringList(values['runners']).filter((name) => name !== 'reference');
  const conventions = pick<ConventionName>(
    'conventions',
    stringList(values['conventions']),
    CONVENTION_NAMES,
    (t) => t as ConventionName,
  );
  const dims = pick<Rank>(
    'dims',
    stringList(values['dims']),
    RANKS,
    (t) => Number(t.replace(/d$/i, '')) as Rank,
  ).sort();
  const maxElements = integerOption('max-elements', text('max-elements'), DEFAULT_FUZZ_MAX_ELEMENTS);
  const maxWork = integerOption('max-work', text('max-work'), DEFAULT_FUZZ_MAX_WORK);
  const special = values['special'] === true;
  const space: FuzzSpace = { conventions, dims, maxElements, maxWork, ...(special ? { special } : {}) };
  if (feasibleRanks(space).length === 0) {
    throw new UserError(
      `--max-elements ${maxElements} is too small for rank ${dims.join('/')} cases (a rank-r case needs at least 2^r)`,
      EXIT.invalidInput,
    );
  }
  const noSave = values['no-save'] === true;
  const save = noSave ? null : (text('save') ?? (path === null ? DEFAULT_SAVE_DIR : null));
  return {
    space,
    replayOnly: path !== null,
    json: text('json') ?? null,
    junit: text('junit') ?? null,
    report: {
      seed: text('seed') === undefined ? freshSeed() : parseSeed(text('seed')!),
      path,
      runs,
      timeMs,
      runners: runnerNames.length ? [...new Set(runnerNames)] : [...DEFAULT_FUZZ_RUNNERS, ...registered],
      registration: registrationArguments(values),
      conventions,
      dims,
      maxElements,
      maxWork,
      ...(special ? { special } : {}),
      save,
      expectations: text('expectations') ?? null,
      timeoutMs: integerOption('timeout', text('timeout'), DEFAULT_FUZZ_TIMEOUT_MS),
      shrinkTimeMs:
        text('shrink-time') === undefined
          ? DEFAULT_SHRINK_TIME_MS
          : parseDuration('shrink-time', text('shrink-time')!, true),
      maxFindings: integerOption('max-findings', text('max-findings'), DEFAULT_MAX_FINDINGS),
      recycleEvery: integerOption('recycle-every', text('recycle-every'), DEFAULT_RECYCLE_EVERY, 0),
    },
  };
}

/** The command that replays one finding: the round's seed, its path, the same search space. */
export function fuzzReplayCommand(options: FuzzReportOptions, found: Pick<FuzzFinding, 'seed' | 'path'>): string {
  const parts = [
    'tconv fuzz',
    `--seed ${found.seed}`,
    `--path ${found.path}`,
    `--runners ${options.runners.join(',')}`,
    `--conventions ${options.conventions.join(',')}`,
    `--dims ${options.dims.join(',')}`,
    `--max-elements ${options.maxElements}`,
    `--max-work ${options.maxWork}`,
    ...(options.special ? ['--special'] : []),
    ...(options.expectations ? [`--expectations ${options.expectations}`] : []),
    ...(options.registration ?? []),
  ];
  return parts.join(' ');
}

/** Progress: one line updated in place on a TTY, a plain line every 10 s otherwise. */
function progressPrinter(
  live: boolean,
  budget: string,
  limits: { readonly runs: number | null; readonly timeMs: number | null } = { runs: null, timeMs: null },
): { update: (progress: FuzzProgress) => void; clear: () => void } {
  // ETA: whichever budget ends first (runs at the current rate, or the time limit).
  const eta = (p: FuzzProgress): string => {
    const left = [
      limits.runs !== null && p.casesPerSecond > 0 ? (limits.runs - p.runs) / p.casesPerSecond : Infinity,
      limits.timeMs !== null ? (limits.timeMs - p.elapsedMs) / 1000 : Infinity,
    ];
    const seconds = Math.max(0, Math.min(...left));
    return Number.isFinite(seconds) ? `, ETA ${seconds.toFixed(0)} s` : '';
  };
  let last = 0;
  const interval = live ? 100 : 10_000;
  const line = (p: FuzzProgress): string => {
    const head = `fuzz: ${p.runs} runs${budget}, ${p.findings} new finding(s), ${p.known} known, ${p.casesPerSecond.toFixed(1)} cases/s, ${(p.elapsedMs / 1000).toFixed(0)} s${eta(p)}`;
    return p.shrinking
      ? `${head}; shrinking ${p.shrinking.signature}: ${p.shrinking.steps} steps, ${p.shrinkEvaluations} evaluations`
      : head;
  };
  return {
    update: (progress) => {
      const now = performance.now();
      if (now - last < interval) return;
      last = now;
      const text = line(progress);
      if (live) process.stdout.write(`\r\x1b[2K${text.slice(0, (process.stdout.columns ?? 120) - 1)}`);
      else process.stdout.write(`${text}\n`);
    },
    clear: () => {
      if (live) process.stdout.write('\r\x1b[2K');
    },
  };
}

const budgetText = (options: FuzzReportOptions): string =>
  [
    options.timeMs !== null ? `time ${options.timeMs / 1000} s` : '',
    options.runs !== null ? `${options.runs} runs` : '',
  ]
    .filter(Boolean)
    .join(', ');

export async function fuzzCommand(argv: readonly string[]): Promise<number> {
  const registered = await registerRunnerOptions(parseCommand('fuzz', argv, FUZZ_OPTIONS).values);
  const parsed = parseFuzzArguments(argv, registered);
  if (parsed.json) checkOutputPath('--json', parsed.json, 'json');
  if (parsed.junit) checkOutputPath('--junit', parsed.junit, 'junit');
  const options = parsed.report;
  const expectations = options.expectations ? loadExpectations(options.expectations) : [];
  const sessions = await openFuzzSessions(options.runners, {
    timeoutMs: options.timeoutMs,
    recycleEvery: options.recycleEvery,
  });
  const versions = Object.fromEntries(sessions.map((session) => [session.runner.name, session.version]));
  const startedAt = new Date();
  const live = process.stdout.isTTY === true;
  const budget = options.runs !== null ? `/${options.runs}` : '';
  const printer = progressPrinter(live, budget, { runs: options.runs, timeMs: options.timeMs });
  const replays = new Map<FuzzFinding, FindingReplay>();
  const say = (lines: string[]): void => {
    printer.clear();
    process.stdout.write(`${lines.join('\n')}\n`);
  };
  say([
    `tconv fuzz: seed ${options.seed}${options.path ? `, replaying path ${options.path}` : ''}; runners ${options.runners.join(', ') || 'none'} (+ reference); conventions ${options.conventions.join(', ')}; dims ${options.dims.join(', ')}; max elements ${options.maxElements}; max work ${options.maxWork}${options.special ? '; special values' : ''}${options.path ? '' : `; ${budgetText(options)}`}`,
  ]);
  let stopRequested = false;
  const onSignal = (): void => {
    if (stopRequested) process.exit(130);
    stopRequested = true;
    say(['tconv fuzz: interrupted, finishing (Ctrl-C again to quit at once)']);
  };
  process.on('SIGINT', onSignal);
  try {
    const result = await runFuzz({
      seed: options.seed,
      ...(options.path !== null ? { path: options.path } : {}),
      ...(options.runs !== null ? { runs: options.runs } : {}),
      ...(options.timeMs !== null ? { timeMs: options.timeMs } : {}),
      space: parsed.space,
      context: { sessions, known: KNOWN_DIVERGENCES, expectations },
      shrinkTimeMs: options.shrinkTimeMs,
      maxFindings: options.maxFindings,
      shouldStop: () => stopRequested,
      onProgress: printer.update,
      onFinding: (found) => {
        const fuzz = fuzzReplayCommand(options, found);
        let replay: FindingReplay = { file: null, run: null, fuzz };
        if (options.save !== null) {
          const saved = saveFinding(found, {
            dir: resolve(options.save),
            versions,
            toolVersion: toolVersion(),
            fuzzReplay: fuzz,
            registration: options.registration ?? [],
          });
          replay = { file: saved.path, run: saved.runReplay, fuzz };
        }
        replays.set(found, replay);
        say([
          `NEW ${found.finding.kind.toUpperCase()}: ${found.signature}: ${found.finding.summary}`,
          ...(found.finding.diagnosis ? [`  diagnosis: ${found.finding.diagnosis}`] : []),
          `  minimal case (${found.shrinks} shrink steps${found.shrinkInterrupted ? ', shrinking stopped at its time limit' : ''}): ${JSON.stringify(found.evaluation.spec)}`,
          ...(replay.file ? [`  saved ${replay.file}`, `  replay: ${replay.run}`] : []),
          `  replay: ${fuzz}`,
        ]);
      },
    });
    printer.clear();
    const input: FuzzReportInput = { result, options, versions, toolVersion: toolVersion(), startedAt, replays };
    process.stdout.write(`\n${summaryLines(input).join('\n')}\n`);
    if (parsed.json) {
      writeOutput(parsed.json, `${JSON.stringify(fuzzJson(input), encodeNonFinite, 1)}\n`);
      process.stdout.write(`wrote ${parsed.json}\n`);
    }
    if (parsed.junit) {
      writeOutput(parsed.junit, fuzzJunit(input));
      process.stdout.write(`wrote ${parsed.junit}\n`);
    }
    return result.findings.length > 0 ? EXIT.mismatch : EXIT.ok;
  } finally {
    process.off('SIGINT', onSignal);
    await Promise.all(sessions.map((session) => session.close()));
  }
}
