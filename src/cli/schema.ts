/** `tconv schema [--write PATH]`: the case file JSON Schema, from the one schema definition. */
import { caseFileSchema, SCHEMA_VERSION } from '../case/schema.js';
import { toJsonSchema } from '../case/schemaDsl.js';
import { checkOutputPath, writeOutput } from '../report/targets.js';
import { EXIT, UserError } from '../errors.js';
import { yamlSafeJson } from '../format/yamlNumber.js';
import { parseCommand, type CommandDefinition } from './options.js';

export function caseFileJsonSchema(): string {
  const document = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `https://tconv.dev/schema/v${SCHEMA_VERSION}/cases.json`,
    title: `tconv case file (schema v${SCHEMA_VERSION})`,
    ...toJsonSchema(caseFileSchema),
  };
  return `${yamlSafeJson(JSON.stringify(document, null, 2))}\n`;
}

export const SCHEMA_COMMAND: CommandDefinition = {
  name: 'schema',
  synopsis: '[--write PATH]',
  summary: 'the case file JSON Schema (for editors: # yaml-language-server: $schema=...)',
  options: {
    write: {
      type: 'string',
      value: 'PATH',
      description: 'write it to PATH (replacing only a schema tconv wrote) instead of printing it',
    },
  },
};

export function schemaCommand(argv: readonly string[]): number {
  const { values, positionals } = parseCommand('schema', argv, SCHEMA_COMMAND.options);
  if (positionals.length) {
    throw new UserError(`schema: unexpected argument '${positionals[0]}' (see tconv help)`, EXIT.invalidInput);
  }
  const text = caseFileJsonSchema();
  const target = values['write'];
  if (typeof target === 'string') {
    checkOutputPath('--write', target, 'schema');
    writeOutput(target, text);
  } else process.stdout.write(text);
  return 0;
}
