/** `tconv eval FILE... [--case NAME] [--runner NAME] [--format json|table]`: print outputs. */
import { loadCaseFiles } from '../case/load.js';
import { selectCases } from '../case/select.js';
import { caseTensors } from '../data/tensors.js';
import { EXIT, UserError } from '../errors.js';
import { losslessJson } from '../format/losslessJson.js';
import { formatTensor } from '../format/tensor.js';
import type { VariantResult } from '../run/results.js';
import { openSession } from '../run/sessions.js';
import {
  COMMON_OPTIONS,
  maxElementsOption,
  parseCommand,
  requirePositionals,
  stringList,
  type CommandDefinition,
  type OptionDefinitions,
} from './options.js';
import { RUNNER_REGISTRATION_OPTIONS, registerRunnerOptions } from './runnerOptions.js';

/** The stable `eval --format json` contract: one object per case and variant. */
export interface EvalRecord {
  readonly case: string;
  readonly runner: string;
  readonly variant?: string;
  readonly status: 'ok' | 'unsupported' | 'error';
  readonly shape: readonly number[];
  readonly data: readonly number[];
  readonly reason?: string;
}

export function evalRecord(caseId: string, result: VariantResult): EvalRecord {
  const base = { case: caseId, runner: result.runner, ...(result.variant ? { variant: result.variant } : {}) };
  const outcome = result.outcome;
  switch (outcome.status) {
    case 'ok':
      return { ...base, status: 'ok', shape: outcome.shape, data: Array.from(outcome.output) };
    case 'unsupported':
      return { ...base, status: 'unsupported', shape: [], data: [], reason: outcome.reason };
    case 'error':
      return { ...base, status: 'error', shape: [], data: [], reason: outcome.message };
    case 'crashed':
      return {
        ...base,
        status: 'error',
        shape: [],
        data: [],
        reason: `runner crashed (${outcome.signal}): ${outcome.stderrTail}`,
      };
    case 'timeout':
      return { ...base, status: 'error', shape: [], data: [], reason: `timed out after ${outcome.timeoutMs} ms` };
  }
}

const EVAL_OPTIONS = {
  case: COMMON_OPTIONS.case,
  runner: { type: 'string', value: 'NAME', default: 'reference', description: 'the runner whose outputs to print' },
  format: {
    type: 'string',
    value: 'json|table',
    default: 'table',
    description:
      'table: each tensor laid out; json: one array of {case, runner, variant?, status, shape, data, reason?} (a stable contract; in data NaN and the infinities are the strings "NaN", "Infinity", "-Infinity", -0 is -0.0)',
  },
  ...RUNNER_REGISTRATION_OPTIONS,
  'max-elements': COMMON_OPTIONS['max-elements'],
} as const satisfies OptionDefinitions;

export const EVAL_COMMAND: CommandDefinition = {
  name: 'eval',
  synopsis: 'FILE... [--case NAME] [--runner NAME] [--format json|table]',
  summary:
    "print each case's output tensors from one runner (every variant); a framework's rejection is a record, not a failure",
  options: EVAL_OPTIONS,
};

export async function evalCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommand('eval', argv, EVAL_OPTIONS);
  requirePositionals('eval', positionals, 'one or more case files');
  await registerRunnerOptions(values);
  const format = values['format'];
  if (format !== 'json' && format !== 'table') {
    throw new UserError(`--format expects json or table, got '${String(format)}'`, EXIT.invalidInput);
  }
  const names = stringList(values['case']);
  const files = loadCaseFiles(positionals, {
    maxElements: maxElementsOption(values['max-elements']),
    caseNames: names,
  });
  const cases = selectCases(files, names);
  const session = await openSession(String(values['runner']));
  const records: EvalRecord[] = [];
  try {
    for (const entry of cases) {
      const results = await session.runCase(entry.geometry, caseTensors(entry.spec, entry.geometry, entry.seed));
      for (const result of results) {
        const record = evalRecord(entry.id, result);
        if (format === 'json') records.push(record);
        else printRecord(record, entry.geometry.layout);
      }
    }
  } finally {
    await session.close();
  }
  // Lossless: JSON.stringify would print NaN and the infinities as null and -0 as 0.
  if (format === 'json') process.stdout.write(`${losslessJson(records)}\n`);
  return EXIT.ok;
}

function printRecord(record: EvalRecord, layout: string): void {
  const title = `${record.case} [${record.runner}${record.variant ? ` ${record.variant}` : ''}]`;
  if (record.status !== 'ok') {
    process.stdout.write(`${title}: ${record.status}: ${record.reason ?? ''}\n\n`);
    return;
  }
  process.stdout.write(`${title}: shape [${record.shape.join(', ')}] (${layout})\n`);
  process.stdout.write(`${formatTensor(record.data, record.shape).join('\n')}\n\n`);
}
