/**
 * `tconv compare FILE --case NAME --actual OUT`: an output saved from any framework (.npy or
 * JSON) compared with tconv's reference for the case (Polygraphy's --load-outputs idea). The
 * file becomes the output of a pseudo-runner `actual` in an ordinary conformance run, so the
 * tolerance, statistics, diagnosis, console details, reports and exit codes are `tconv run`'s.
 */
import { loadCaseFiles, type LoadedCase, type LoadedFile } from '../case/load.js';
import { selectCases } from '../case/select.js';
import { EXIT, UserError } from '../errors.js';
import { shutdownReferenceWorkers } from '../reference/index.js';
import { caseLines, closingLine, failureDetails } from '../report/console.js';
import { detailLines } from '../report/details.js';
import { reportTargets, writeReports } from '../report/write.js';
import { runConformance } from '../run/conformance.js';
import { FAILING } from '../run/status.js';
import { loadSavedOutput } from '../saved/load.js';
import { SAVED_RUNNER, savedSession } from '../saved/session.js';
import {
  COMMON_OPTIONS,
  REPORT_OPTIONS,
  maxElementsOption,
  parseCommand,
  stringList,
  type CommandDefinition,
  type OptionDefinitions,
} from './options.js';

const COMPARE_OPTIONS = {
  actual: {
    type: 'string',
    value: 'OUT',
    description:
      'the saved output (required): .npy (float16/32/64, either byte order, C or Fortran order) or JSON {"shape": [...], "data": [...]} (flat row-major or nested lists; "NaN", "Infinity", "-Infinity" allowed), in the case\'s layout (e.g. NHWC for an NHWC case; transpose a channels-first output first)',
  },
  case: {
    type: 'string',
    multiple: true,
    value: 'NAME',
    description: 'the case (required when FILE has more than one)',
  },
  ...REPORT_OPTIONS,
  'max-elements': COMMON_OPTIONS['max-elements'],
} as const satisfies OptionDefinitions;

export const COMPARE_COMMAND: CommandDefinition = {
  name: 'compare',
  synopsis: 'FILE [--case NAME] --actual OUT [--json F] [--junit F] [--html F] [--report DIR]',
  summary:
    "compare an output saved from any framework with the reference for the case, judged like a runner named 'actual' (exit 0 match, 1 mismatch)",
  options: COMPARE_OPTIONS,
};

const usage = (message: string): UserError => new UserError(`compare: ${message} (see tconv help)`, EXIT.invalidInput);

/** The one case to compare: named by --case, or the file's only case. */
function chooseCase(file: LoadedFile, names: readonly string[]): LoadedCase {
  if (names.length > 1) throw usage(`--case names one case, got ${names.join(', ')}`);
  if (names.length === 0 && file.cases.length > 1) {
    const listed = file.cases.slice(0, 8).map((entry) => entry.spec.name);
    const more = file.cases.length > listed.length ? `, and ${file.cases.length - listed.length} more` : '';
    throw usage(`${file.path} has ${file.cases.length} cases; choose one with --case (${listed.join(', ')}${more})`);
  }
  const entry = selectCases([file], names)[0]!;
  // The saved output is compared whatever runners the case is restricted to.
  return { ...entry, spec: { ...entry.spec, runners: undefined } };
}

export async function compareCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommand('compare', argv, COMPARE_OPTIONS);
  if (positionals.length !== 1) throw usage(`expected one case file, got ${positionals.length}`);
  const actualPath = values['actual'];
  if (typeof actualPath !== 'string') throw usage('--actual OUT (the saved output file) is required');
  const targets = reportTargets(values);
  const maxElements = maxElementsOption(values['max-elements']);
  const files = loadCaseFiles(positionals, { maxElements });
  const entry = chooseCase(files[0]!, stringList(values['case']));
  const saved = loadSavedOutput(actualPath, maxElements);
  const geometry = entry.geometry;
  process.stdout.write(
    `comparing ${actualPath} (${saved.format}, shape [${saved.shape.join(', ')}]) with the reference of ` +
      `${entry.id} (shape [${geometry.outputShape.join(', ')}], layout ${geometry.layout})\n`,
  );
  try {
    const report = await runConformance(files, [entry], {
      sessions: [savedSession(actualPath, saved)],
      expectations: [],
      selection: { filter: [], shard: null, runners: ['reference', SAVED_RUNNER] },
    });
    const [result] = report.cases;
    const lines = [...caseLines(result!), ...failureDetails(report, detailLines), '', closingLine(report)];
    process.stdout.write(`${lines.join('\n')}\n`);
    for (const path of writeReports(report, targets)) process.stdout.write(`wrote ${path}\n`);
    return result!.variants.some((variant) => FAILING.has(variant.status)) ? EXIT.mismatch : EXIT.ok;
  } finally {
    await shutdownReferenceWorkers();
  }
}
