/** `tconv explain FILE [--case NAME] [--format text|json]` */
import { loadCaseFiles } from '../case/load.js';
import { selectCases } from '../case/select.js';
import { EXIT, UserError } from '../errors.js';
import { explainJson, explainText } from '../format/explain.js';
import { COMMON_OPTIONS, maxElementsOption, parseCommand, requirePositionals, stringList } from './options.js';

export function explainCommand(argv: readonly string[]): number {
  const { values, positionals } = parseCommand('explain', argv, {
    ...COMMON_OPTIONS,
    format: { type: 'string', default: 'text' },
  });
  requirePositionals('explain', positionals, 'a case file');
  const format = values['format'];
  if (format !== 'json' && format !== 'text') {
    throw new UserError(`--format expects text or json, got '${String(format)}'`, EXIT.invalidInput);
  }
  const files = loadCaseFiles(positionals, { maxElements: maxElementsOption(values['max-elements']) });
  const cases = selectCases(files, stringList(values['case']));
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify(cases.map(explainJson), null, 2)}\n`);
  } else {
    process.stdout.write(cases.map(explainText).join('\n'));
  }
  return EXIT.ok;
}
