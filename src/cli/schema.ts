/** `tconv schema [--write PATH]`: the case file JSON Schema, from the one schema definition. */
import { caseFileSchema, SCHEMA_VERSION } from '../case/schema.js';
import { toJsonSchema } from '../case/schemaDsl.js';
import { checkOutputPath, writeOutput } from '../report/targets.js';
import { parseCommand } from './options.js';

export function caseFileJsonSchema(): string {
  const document = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `https://tconv.dev/schema/v${SCHEMA_VERSION}/cases.json`,
    title: `tconv case file (schema v${SCHEMA_VERSION})`,
    ...toJsonSchema(caseFileSchema),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

export function schemaCommand(argv: readonly string[]): number {
  const { values } = parseCommand('schema', argv, { write: { type: 'string' } });
  const text = caseFileJsonSchema();
  const target = values['write'];
  if (typeof target === 'string') {
    checkOutputPath('--write', target, 'schema');
    writeOutput(target, text);
  } else process.stdout.write(text);
  return 0;
}
