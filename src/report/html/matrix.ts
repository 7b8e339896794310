/** The filterable case x runner-variant status matrix and its filters. */
import type { CaseReport, RunReport } from '../../run/report.js';
import { countStatuses } from '../../run/report.js';
import { STATUSES } from '../../run/status.js';
import { variantLabel } from '../console.js';
import { CONVENTION_LABEL, SHORT, statusBadge, uniqueInOrder } from './common.js';
import { caseAnchor, escapeHtml as e, variantAnchor } from './escape.js';

export interface Column {
  readonly label: string;
  readonly runner: string;
  readonly variant: string | null;
}

export function columnsOf(report: RunReport): Column[] {
  const columns = new Map<string, Column>();
  for (const entry of report.cases) {
    for (const variant of entry.variants) {
      const label = variantLabel(variant);
      if (!columns.has(label)) columns.set(label, { label, runner: variant.runner, variant: variant.variant });
    }
  }
  // Grouped by runner (in order of first appearance), variants in order of first appearance.
  const runners = uniqueInOrder([...columns.values()].map((column) => column.runner));
  return [...columns.values()].sort((a, b) => runners.indexOf(a.runner) - runners.indexOf(b.runner));
}

/** Escaped text with line-break opportunities after '=', '+' and '_' (long variant names). */
const breakable = (text: string): string => e(text).replace(/[=+_]/g, '$&<wbr>');

/** ' g0' on the first column of each runner group (a separating border). */
const groupStart = (columns: readonly Column[], index: number): string =>
  index === 0 || columns[index - 1]!.runner !== columns[index]!.runner ? ' g0' : '';

function option(value: string, text: string): string {
  return `<option value="${e(value)}">${e(text)}</option>`;
}

export function filtersHtml(report: RunReport, columns: readonly Column[]): string {
  const counts = countStatuses(report);
  const runners = uniqueInOrder(columns.map((column) => column.runner));
  const conventions = uniqueInOrder(report.cases.map((entry) => entry.conventionKind)).sort();
  const files = uniqueInOrder(report.cases.map((entry) => entry.file)).sort();
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
    `<span id="f-count">${report.cases.length} of ${report.cases.length} cases shown</span>`,
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

export function matrixHtml(report: RunReport, columns: readonly Column[]): string {
  if (report.cases.length === 0) return '<p class="note">No cases.</p>';
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
  return [
    '<div class="matrix-wrap">',
    `<table id="matrix" class="matrix"><thead><tr><th class="case" rowspan="2">case</th>${runnerRow}</tr><tr>${variantRow}</tr></thead>`,
    `<tbody>${report.cases.map((entry) => matrixRow(entry, columns)).join('\n')}</tbody></table>`,
    '</div>',
  ].join('\n');
}
