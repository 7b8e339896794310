/**
 * What makes a set of reports one consistent, complete run (`tconv merge`): the same tool,
 * runners, filter and framework versions; one --shard split with every shard exactly once (or
 * unsharded inputs); no case id twice. Every problem is collected, so one failed CI job shows
 * all that is wrong with its inputs.
 */
import { resolve } from 'node:path';
import { EXIT, UserError } from '../errors.js';
import type { MergeInput, ReportIndex as RunReport } from './merge.js';
import { formatPartialShard, parseShardSelection, type ShardSelection } from './report.js';

// ---------------------------------------------------------------------------------------------
// Consistency: fields every input must agree on.

const show = (value: unknown): string => (value === undefined ? '(absent)' : JSON.stringify(value));

/** "different F: A in a.json, B in b.json" for the first input that disagrees with the first one. */
function disagreement(field: string, read: (report: RunReport) => unknown, inputs: readonly MergeInput[]) {
  const [first, ...rest] = inputs;
  const expected = show(read(first!.report));
  const other = rest.find((input) => show(read(input.report)) !== expected);
  return other
    ? [`different ${field}: ${expected} in ${first!.path}, ${show(read(other.report))} in ${other.path}`]
    : [];
}

/**
 * Fields whose difference means the inputs are not one run. The tool version is an error, not a
 * warning: a CI matrix runs one checkout, so a different version means a stale artifact (e.g. a
 * shard file left from an earlier pipeline) or a mixed matrix, and judging, tolerances and known
 * divergences can change between versions, so the union would not be any run's result. Runner
 * (framework) versions decide the outputs; the runners and the filter decide which variants and
 * cases a shard holds (the filter as a set: its order does not change the selection). The
 * revision (git commit of the checkout) catches a stale shard of the same version.
 */
function consistencyProblems(inputs: readonly MergeInput[]): string[] {
  const runnerNames = [...new Set(inputs.flatMap((input) => Object.keys(input.report.environment.runners)))];
  const fields: [string, (report: RunReport) => unknown][] = [
    ['tool.version', (report) => report.tool.version],
    ['tool.revision', (report) => report.tool.revision],
    ['selection.runners', (report) => report.selection.runners],
    ['selection.filter', (report) => [...new Set(report.selection.filter)].sort()],
    ...runnerNames.map((name): [string, (report: RunReport) => unknown] => [
      `environment.runners.${name}`,
      (report) => report.environment.runners[name],
    ]),
  ];
  // Shards of one run all list every case file the run loaded; unsharded inputs may cover
  // different files (a matrix split by directory), so only shards must agree on them.
  if (inputs.every((input) => input.report.selection.shard !== null)) {
    fields.push(['files', (report) => report.files.map((file) => file.path)]);
  }
  return fields.flatMap(([field, read]) => disagreement(field, read, inputs));
}

/**
 * Node and platform are a warning, not an error: a matrix may spread shards over machine types,
 * and the results are pinned by the runner versions checked above. But native kernels can round
 * differently per CPU, and the merged report records only the first input's values, so say so.
 */
export function environmentWarnings(inputs: readonly MergeInput[]): string[] {
  return [
    ...disagreement('environment.node', (report) => report.environment.node, inputs),
    ...disagreement('environment.platform', (report) => report.environment.platform, inputs),
  ].map((text) => `warning: ${text}; the merged report records the first`);
}

// ---------------------------------------------------------------------------------------------
// Shards: one split, every shard exactly once.

interface ShardCheck {
  readonly problems: readonly string[];
  /** The merged report's selection.shard: null when complete, a partial marker otherwise. */
  readonly shard: string | null;
  /** For a partial merge: the console line that says so. */
  readonly partialNote?: string;
}

interface ShardedInput extends MergeInput {
  readonly shards: ShardSelection;
}

const listFiles = (inputs: readonly MergeInput[]): string =>
  inputs.map((input) => `${input.path} (${input.report.selection.shard ?? 'unsharded'})`).join(', ');

/** Splits the inputs by their selection.shard; an unreadable shard field is a problem. */
function classify(inputs: readonly MergeInput[]) {
  const sharded: ShardedInput[] = [];
  const unsharded: MergeInput[] = [];
  const problems: string[] = [];
  for (const input of inputs) {
    const text = input.report.selection.shard;
    const shards = text === null ? null : parseShardSelection(text);
    if (text === null) unsharded.push(input);
    else if (shards) sharded.push({ ...input, shards });
    else problems.push(`${input.path}: selection.shard ${show(text)} is neither 'i/n' nor 'partial: i,j of n'`);
  }
  return { sharded, unsharded, problems };
}

/** Every shard index 1..n must come from exactly one input. */
function coverage(sharded: readonly ShardedInput[], allowPartial: boolean): ShardCheck {
  const count = sharded[0]!.shards.count;
  const owners = new Map<number, string[]>();
  for (const input of sharded) {
    for (const index of input.shards.indices) owners.set(index, [...(owners.get(index) ?? []), input.path]);
  }
  const problems = [...owners]
    .filter(([, paths]) => paths.length > 1)
    .sort(([a], [b]) => a - b)
    .map(([index, paths]) => `shard ${index}/${count} is in more than one input: ${paths.join(', ')}`);
  const present = [...owners.keys()].sort((a, b) => a - b);
  const missing = Array.from({ length: count }, (_, at) => at + 1).filter((index) => !owners.has(index));
  if (missing.length && !allowPartial) {
    problems.push(
      `missing shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${count} ` +
        `(have ${listFiles(sharded)}); --allow-partial merges anyway, marking the report partial`,
    );
  }
  if (!missing.length) return { problems, shard: null };
  const partialNote =
    `PARTIAL: shards ${present.join(',')} of ${count} only, missing ${missing.join(',')} ` +
    `(--allow-partial): their cases did not run`;
  return { problems, shard: formatPartialShard(present, count), partialNote };
}

function shardCheck(inputs: readonly MergeInput[], allowPartial: boolean): ShardCheck {
  const { sharded, unsharded, problems } = classify(inputs);
  if (problems.length) return { problems, shard: null };
  if (sharded.length === 0) return { problems: [], shard: null };
  if (unsharded.length) {
    // An unsharded report already holds every case the shards hold: every one would be a duplicate.
    return { problems: [`mixes sharded and unsharded reports: ${listFiles(inputs)}`], shard: null };
  }
  if (new Set(sharded.map((input) => input.shards.count)).size > 1) {
    return { problems: [`mixes shard counts (one --shard i/n split only): ${listFiles(inputs)}`], shard: null };
  }
  return coverage(sharded, allowPartial);
}

// ---------------------------------------------------------------------------------------------
// Case ids: the first copy of a case would hide the second, which may be the failing one.

/** Problems listed per kind before "and N more": repeated shards repeat every one of their ids. */
const MAX_LISTED = 3;

function duplicateIdProblems(inputs: readonly MergeInput[]): string[] {
  const owner = new Map<string, string>();
  const problems: string[] = [];
  for (const input of inputs) {
    for (const entry of input.report.cases) {
      const first = owner.get(entry.id);
      if (first === undefined) owner.set(entry.id, input.path);
      else problems.push(`case id '${entry.id}' is in both ${first} and ${input.path}`);
    }
  }
  if (problems.length <= MAX_LISTED) return problems;
  return [...problems.slice(0, MAX_LISTED), `... and ${problems.length - MAX_LISTED} more duplicate case ids`];
}

/** The inputs without repeats of a file given twice (which is reported once, not as its symptoms). */
function distinctFiles(inputs: readonly MergeInput[]): { distinct: MergeInput[]; problems: string[] } {
  const seen = new Set<string>();
  const distinct: MergeInput[] = [];
  const problems: string[] = [];
  for (const input of inputs) {
    if (seen.has(resolve(input.path))) problems.push(`${input.path} is given more than once`);
    else distinct.push(input);
    seen.add(resolve(input.path));
  }
  return { distinct, problems };
}

/** Every problem at once, so one failed CI job shows all that is wrong with its inputs. */
export function checkInputs(inputs: readonly MergeInput[], allowPartial: boolean): ShardCheck {
  const { distinct, problems: repeated } = distinctFiles(inputs);
  const shards = shardCheck(distinct, allowPartial);
  const problems = [
    ...repeated,
    ...consistencyProblems(distinct),
    ...shards.problems,
    ...duplicateIdProblems(distinct),
  ];
  if (problems.length) {
    throw new UserError(
      `merge: the inputs are not one consistent, complete run (nothing written):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      EXIT.invalidInput,
    );
  }
  return shards;
}
