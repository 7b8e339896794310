/**
 * `tconv import MODEL [-o FILE] [--weights] [--input-shape NAME=DIMS ...] [--max-elements N]`:
 * a case file with one case per transposed convolution of an ONNX, Keras or TF.js model;
 * `tconv import A B --compare`: whether two models' layers resolve to the same geometry.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { DEFAULT_MAX_ELEMENTS, loadCaseFiles } from '../case/load.js';
import { EXIT, UserError } from '../errors.js';
import { caseFile, type CaseFile } from '../import/cases.js';
import { compareModels, formatComparison } from '../import/compare.js';
import { modelError } from '../import/errors.js';
import { layerGeometry, layerLabel } from '../import/geometry.js';
import { importModel } from '../import/index.js';
import { checkImportTarget, writeImport } from '../import/output.js';
import { parseInputShapes, shapeText } from '../import/shapes.js';
import type { ImportedModel } from '../import/types.js';
import { maxElementsOption, parseCommand, requirePositionals, type CommandDefinition } from './options.js';

const DEFAULT_OUTPUT = join('cases', 'imported.yaml');

/** The command's options, which its parser and its usage (`tconv import --help`) both read. */
export const IMPORT_COMMAND: CommandDefinition = {
  name: 'import',
  synopsis: 'MODEL [-o FILE] [--weights] [--input-shape NAME=DIMS ...] | A B --compare',
  summary:
    "one case per transposed convolution of an ONNX (.onnx), Keras (.keras) or TF.js (model.json) model; with --compare, whether both models' layers resolve to the same geometry",
  options: {
    output: {
      type: 'string',
      short: 'o',
      value: 'FILE',
      description: 'the case file to write (replaces only a file tconv import wrote)',
      defaultText: DEFAULT_OUTPUT,
    },
    weights: {
      type: 'boolean',
      description: "embed the model's weights and bias as literal data (else seeded tensors)",
    },
    'input-shape': {
      type: 'string',
      multiple: true,
      value: 'NAME=DIMS',
      description:
        'size of dynamic dimensions: an ONNX graph input, or a Keras/TF.js layer path, e.g. input=1x3x64x64; repeatable',
    },
    compare: {
      type: 'boolean',
      description: 'compare two models (A B): whether their layers resolve to the same geometry; writes nothing',
    },
    'max-elements': {
      type: 'string',
      value: 'N',
      description: 'refuse tensors larger than N elements, and --weights embedding more values',
      defaultText: `${DEFAULT_MAX_ELEMENTS}, or the environment variable TCONV_MAX_ELEMENTS`,
    },
  },
};

function sizeText(bytes: number): string {
  return bytes < 1024
    ? `${bytes} B`
    : bytes < 1 << 20
      ? `${(bytes / 1024).toFixed(1)} KB`
      : `${(bytes / (1 << 20)).toFixed(1)} MB`;
}

function printNotes(model: ImportedModel): void {
  for (const note of model.notes) process.stderr.write(`tconv import: ${model.file}: note: ${note}\n`);
}

/** A layer whose tensors exceed --max-elements would not load in `tconv run` either: say so now. */
function checkSizes(model: ImportedModel, maxElements: number): void {
  for (const layer of model.layers) {
    const geometry = layerGeometry(model, layer);
    const sizes = { input: geometry.inputElements, weight: geometry.weightElements, output: geometry.outputElements };
    for (const [tensor, elements] of Object.entries(sizes)) {
      if (elements > maxElements) {
        throw modelError(
          model.file,
          `its ${tensor} has ${elements} elements, more than --max-elements ${maxElements} (tconv run would refuse the case); raise --max-elements`,
          layerLabel(model, layer),
        );
      }
    }
  }
}

/** The text must load as a case file: anything else is a bug in the importer, not the model's fault. */
function checkLoads(output: string, file: CaseFile, maxElements: number): void {
  const directory = mkdtempSync(join(tmpdir(), 'tconv-import-'));
  try {
    const path = join(directory, basename(output));
    writeFileSync(path, file.text);
    loadCaseFiles([path], { maxElements });
  } catch (error) {
    const detail =
      error instanceof UserError ? error.diagnostics.map((d) => d.message).join('; ') || error.message : String(error);
    throw new Error(`tconv import produced a case file that does not load: ${detail}`);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

async function compareCommand(positionals: readonly string[], inputShapes: Map<string, number[]>): Promise<number> {
  if (positionals.length !== 2)
    throw new UserError('import --compare expects exactly two models: tconv import A B --compare', EXIT.invalidInput);
  const models = [];
  for (const path of positionals)
    models.push(await importModel(path, { weights: false, inputShapes, strictInputNames: false }));
  models.forEach(printNotes);
  const comparison = compareModels(models[0]!, models[1]!);
  process.stdout.write(formatComparison(comparison));
  return comparison.allMatch ? EXIT.ok : EXIT.mismatch;
}

export async function importCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommand('import', argv, IMPORT_COMMAND.options);
  requirePositionals('import', positionals, 'a model file (.onnx, .keras or model.json)');
  const inputShapes = parseInputShapes((values['input-shape'] as string[] | undefined) ?? []);
  if (values['compare'] === true) {
    if (values['output'] !== undefined || values['weights'] === true) {
      throw new UserError('import --compare writes nothing: -o and --weights do not apply', EXIT.invalidInput);
    }
    return compareCommand(positionals, inputShapes);
  }
  if (positionals.length !== 1)
    throw new UserError(
      `import expects one model, got ${positionals.length} (two models need --compare)`,
      EXIT.invalidInput,
    );
  const maxElements = maxElementsOption(values['max-elements']);
  const output = typeof values['output'] === 'string' ? values['output'] : DEFAULT_OUTPUT;
  checkImportTarget(output);
  const model = await importModel(positionals[0]!, {
    weights: values['weights'] === true,
    inputShapes,
    strictInputNames: true,
  });
  printNotes(model);
  const file = caseFile(model, ['tconv', 'import', ...argv].join(' '));
  if (file.embedded > maxElements) {
    throw new UserError(
      `${model.file}: --weights would embed ${file.embedded} weight and bias values (${sizeText(file.text.length)} of YAML), more than --max-elements ${maxElements}; raise --max-elements or import without --weights (seeded tensors)`,
      EXIT.invalidInput,
    );
  }
  checkSizes(model, maxElements);
  checkLoads(output, file, maxElements);
  writeImport(output, file.text);
  process.stdout.write(
    `${model.file} (${model.origin}): ${file.cases} transposed convolution${file.cases === 1 ? '' : 's'}\n`,
  );
  const width = Math.max(...file.summary.map((entry) => entry.name.length));
  for (const entry of file.summary) {
    const layer = model.layers.find((item) => item.name === entry.source)!;
    process.stdout.write(
      `  ${entry.name.padEnd(width)}  ${shapeText(layer.fields.input)} -> ${shapeText(entry.output)}  (${layer.op})\n`,
    );
  }
  const data = file.embedded > 0 ? `${file.embedded} weight and bias values embedded` : 'tensors from seeds';
  process.stdout.write(
    `wrote ${output} (${file.cases} case${file.cases === 1 ? '' : 's'}, ${data}, ${sizeText(Buffer.byteLength(file.text))})\n`,
  );
  return EXIT.ok;
}
