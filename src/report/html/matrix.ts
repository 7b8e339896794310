/** The filterable case x runner-variant status matrix and its filters. */
import type { CaseReport } from '../../run/report.js';
import { STATUSES } from '../../run/status.js';
import { variantLabel } from '../console.js';
import type { CaseSource } from '../stream/cases.js';
import type { TextSink } from '../stream/sink.js';
import type { Column, RunTally } from '../stream/tally.js';
import { CONVENTION_LABEL, SHORT, statusBadge, uniqueInOrder } from './common.js';
import { caseAnchor, escapeHtml as e, variantAnchor } from './escape.js';

export type { Column } from '../stream/tally.js';

export function columnsOf(tally: RunTally): Column[] {
  const columns = [...tally.columns.values()];
  // Grouped by runner (in order of first appearance), variants in order of first appearance.
  const runners = uniqueInOrder(columns.map((column) => column.runner));
  return columns.sort((a, b) => runners.indexOf(a.runner) - runners.indexOf(b.runner));
}

/** Escaped text with line-break opportunities after '=', '+' and '_' (long variant names). */
const breakable = (text: string): string => e(text).replace(/[=+_]/g, '$&<wbr>');

/** ' g0' on the first column of each runner group (a separating border). */
const groupStart = (columns: readonly Column[], index: number): string =>
  index === 0 || columns[index - 1]!.runner !== columns[index]!.runner ? ' g0' : '';

function option(value: string, text: string): string {
  return `<option value="${e(value)}">${e(text)}</option>`;
}

export function filtersHtml(tally: RunTally, columns: readonly Column[]): string {
  const counts = tally.counts;
  const runners = uniqueInOrder(columns.map((column) => column.runner));
  const conventions = [...tally.conventions].sort();
  const files = [...tally.files.keys()].sort();
  const statusOptions = [
    option('all', 'any status'),
    option('failing', 'failing'),
    option('not-pass', 'not pass'),
    option('expected', 'known divergence (expected-*)'),
    ...STATUSES.filter((status) => (counts[status] ?? 0) > 0).map((status) =>
      option(status, `${status} (${counts[status]})`),
    ),
  ];
  return [
    '<div id="filters" role="search">',
    `<fieldset><legend>Runners</legend>${runners.map((runner) => `<label><input type="checkbox" name="runner" value="${e(runner)}" checked> ${e(runner)}</label>`).join('')}</fieldset>`,
    `<label>Status <select id="f-status">${statusOptions.join('')}</select></label>`,
    `<label>Convention <select id="f-conv">${[option('all', 'all'), ...conventions.map((kind) => option(kind, CONVENTION_LABEL[kind] ? `${CONVENTION_LABEL[kind]} (${kind})` : kind))].join('')}</select></label>`,
    `<label>File <select id="f-file">${[option('all', 'all'), ...files.map((file) => option(file, file))].join('')}</select></label>`,
    '<label>Case id <input type="search" id="f-text" placeholder="substring" size="18"></label>',
    '<button type="button" id="f-reset">Reset</button>',
    `<span id="f-count">${tally.cases} of ${tally.cases} cases shown</span>`,
    '</div>',
  ].join('\n');
}

function matrixRow(entry: CaseReport, columns: readonly Column[]): string {
  const anchor = caseAnchor(entry.id);
  const byLabel = new Map(entry.variants.map((variant) => [variantLabel(variant), variant]));
  const cells = columns.map((column, index) => {
    const variant = byLabel.get(column.label);
    const className = `st-cell${groupStart(columns, index)}`;
    if (!variant) return `<td class="${className}" data-runner="${e(column.runner)}"><span class="note">·</span></td>`;
    const title = `${variant.status}: ${variant.judgement.summary}`;
    return `<td class="${className}" data-runner="${e(column.runner)}" data-status="${e(variant.status)}" title="${e(title)}"><a href="#${e(variantAnchor(entry.id, column.label))}">${statusBadge(variant.status, SHORT[variant.status] ?? variant.status)}</a></td>`;
  });
  return `<tr data-anchor="${e(anchor)}" data-id="${e(entry.id)}" data-conv="${e(entry.conventionKind)}" data-file="${e(entry.file)}"><td class="case"><a href="#${e(anchor)}">${e(entry.id)}</a><span class="conv">${e(entry.conventionKind)}</span></td>${cells.join('')}</tr>`;
}

/** The two header rows of the matrix (runner groups, then variants). */
export function matrixHead(columns: readonly Column[]): string {
  const groups: { runner: string; span: number }[] = [];
  for (const column of columns) {
    const last = groups[groups.length - 1];
    if (last && last.runner === column.runner) last.span++;
    else groups.push({ runner: column.runner, span: 1 });
  }
  const runnerRow = groups
    .map(
      (group) => `<th class="grp g0" colspan="${group.span}" data-runner="${e(group.runner)}">${e(group.runner)}</th>`,
    )
    .join('');
  const variantRow = columns
    .map(
      (column, index) =>
        `<th class="var${groupStart(columns, index)}" data-runner="${e(column.runner)}">${breakable(column.variant ?? '')}</th>`,
    )
    .join('');
  return `<thead><tr><th class="case" rowspan="2">case</th>${runnerRow}</tr><tr>${variantRow}</tr></thead>`;
}

/** The whole matrix as static rows (reports up to FULL_HTML_MAX_CASES), in `order`. */
export function writeMatrix(
  sink: TextSink,
  cases: CaseSource,
  order: readonly number[],
  columns: readonly Column[],
): void {
  if (order.length === 0) {
    sink.write('<p class="note">No cases.</p>\n');
    return;
  }
  sink.write(`<div class="matrix-wrap">\n<table id="matrix" class="matrix">${matrixHead(columns)}\n<tbody>`);
  order.forEach((position, at) => sink.write(`${at ? '\n' : ''}${matrixRow(cases.read(position), columns)}`));
  sink.write('</tbody></table>\n</div>\n');
}

/** One row of the paged matrix's data: [id, conv, file, anchor or '', status codes, {column: title}]. */
export type PagedRow = [string, number, number, string, string, Record<number, string>];

/**
 * A row for the paged matrix (large reports): statuses as one character per column ('.' none,
 * else 'a' + the status's index in STATUSES); titles only for cells that are not a plain pass.
 */
export function pagedRow(
  entry: CaseReport,
  columns: readonly Column[],
  lookups: { conventions: readonly string[]; files: readonly string[] },
  hasSection: boolean,
): PagedRow {
  const byLabel = new Map(entry.variants.map((variant) => [variantLabel(variant), variant]));
  let codes = '';
  const titles: Record<number, string> = {};
  columns.forEach((column, index) => {
    const variant = byLabel.get(column.label);
    codes += variant ? String.fromCharCode(97 + STATUSES.indexOf(variant.status)) : '.';
    if (variant && variant.status !== 'pass')
      titles[index] = `${variant.status}: ${variant.judgement.summary}`.slice(0, 300);
  });
  return [
    entry.id,
    lookups.conventions.indexOf(entry.conventionKind),
    lookups.files.indexOf(entry.file),
    hasSection ? caseAnchor(entry.id) : '',
    codes,
    titles,
  ];
}
