/** `tconv explain FILE [--case NAME] [--format text|json]` */
import { loadCaseFiles } from '../case/load.js';
import { selectCases } from '../case/select.js';
import { EXIT, UserError } from '../errors.js';
import { explainJson, explainText } from '../format/explain.js';
import {
  COMMON_OPTIONS,
  maxElementsOption,
  parseCommand,
  requirePositionals,
  stringList,
  type CommandDefinition,
  type OptionDefinitions,
} from './options.js';

const EXPLAIN_OPTIONS = {
  case: COMMON_OPTIONS.case,
  format: {
    type: 'string',
    value: 'text|json',
    default: 'text',
    description: 'text for reading, json for tools',
  },
  'max-elements': COMMON_OPTIONS['max-elements'],
} as const satisfies OptionDefinitions;

export const EXPLAIN_COMMAND: CommandDefinition = {
  name: 'explain',
  synopsis: 'FILE... [--case NAME] [--format text|json]',
  summary:
    'the resolved geometry per spatial axis and the same operation spelled in TensorFlow, Keras, ONNX and PyTorch (or why it cannot be spelled there)',
  options: EXPLAIN_OPTIONS,
};

export function explainCommand(argv: readonly string[]): number {
  const { values, positionals } = parseCommand('explain', argv, EXPLAIN_OPTIONS);
  requirePositionals('explain', positionals, 'a case file');
  const format = values['format'];
  if (format !== 'json' && format !== 'text') {
    throw new UserError(`--format expects text or json, got '${String(format)}'`, EXIT.invalidInput);
  }
  const names = stringList(values['case']);
  const files = loadCaseFiles(positionals, {
    maxElements: maxElementsOption(values['max-elements']),
    caseNames: names,
  });
  const cases = selectCases(files, names);
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify(cases.map(explainJson), null, 2)}\n`);
  } else {
    process.stdout.write(cases.map(explainText).join('\n'));
  }
  return EXIT.ok;
}
