/**
 * Command and option definitions, and the usage text made from them. The parser (options.ts
 * parseCommand) reads the same definitions, so an option cannot exist without being documented,
 * and the documented defaults sit next to the code that applies them.
 */

/** One option: node:util parseArgs's fields, plus what the usage says about it. */
export interface OptionDefinition {
  readonly type: 'string' | 'boolean';
  readonly multiple?: boolean;
  readonly short?: string;
  /** A parseArgs default (shown in the usage unless `defaultText` says otherwise). */
  readonly default?: string;
  /** The value's name in the usage: N, F, a,b ... (string options). */
  readonly value?: string;
  readonly description: string;
  /** The default as the usage states it, where the command applies it itself. */
  readonly defaultText?: string;
}

export type OptionDefinitions = Readonly<Record<string, OptionDefinition>>;

export interface CommandDefinition {
  readonly name: string;
  /** What follows `tconv NAME`: positionals and the main options, e.g. `FILE|DIR... [options]`. */
  readonly synopsis: string;
  /** One line for the command list. */
  readonly summary: string;
  readonly options: OptionDefinitions;
  /** Paragraphs printed after the options (exit codes specific to the command and the like). */
  readonly notes?: readonly string[];
}

const WIDTH = 100;
const LABEL_WIDTH = 28;

/** Words wrapped to `width` columns, continuation lines indented by `indent` spaces. */
export function wrap(text: string, indent: number, first = indent, width = WIDTH): string[] {
  const lines: string[] = [];
  let line = ' '.repeat(first);
  let empty = true;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = ' '.repeat(indent);
      empty = true;
    }
    line += (empty ? '' : ' ') + word;
    empty = false;
  }
  lines.push(line);
  return lines;
}

export function optionLabel(name: string, option: OptionDefinition): string {
  const flag = `${option.short ? `-${option.short}, ` : ''}--${name}`;
  return option.type === 'string' ? `${flag} ${option.value ?? 'VALUE'}` : flag;
}

function optionText(option: OptionDefinition): string {
  const fallback = option.defaultText ?? option.default;
  return fallback === undefined ? option.description : `${option.description} (default: ${fallback})`;
}

/** `  --name VALUE   description` rows, the description wrapped beside the label. */
export function optionLines(options: OptionDefinitions, indent = 2): string[] {
  const lines: string[] = [];
  for (const [name, option] of Object.entries(options)) {
    const label = `${' '.repeat(indent)}${optionLabel(name, option)}`;
    const text = optionText(option);
    if (label.length + 2 <= LABEL_WIDTH) {
      const [first, ...rest] = wrap(text, LABEL_WIDTH);
      lines.push(label.padEnd(LABEL_WIDTH) + first!.slice(LABEL_WIDTH), ...rest);
    } else {
      lines.push(label, ...wrap(text, LABEL_WIDTH));
    }
  }
  return lines;
}

/** `tconv NAME --help`: synopsis, summary, every option, notes. */
export function commandUsage(command: CommandDefinition): string {
  const lines = [
    `Usage: tconv ${command.name} ${command.synopsis}`,
    '',
    ...wrap(command.summary, 2),
    '',
    'Options:',
    ...optionLines(command.options),
    ...optionLines({ help: { type: 'boolean', short: 'h', description: 'this help' } }),
  ];
  for (const note of command.notes ?? []) lines.push('', ...wrap(note, 0));
  return `${lines.join('\n')}\n`;
}

/** One command in the command list: synopsis, then the summary indented below it. */
export function commandListEntry(command: CommandDefinition): string[] {
  return [...wrap(`tconv ${command.name} ${command.synopsis}`, 6, 2), ...wrap(command.summary, 8)];
}
