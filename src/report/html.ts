/**
 * The HTML report: one self-contained file (inline CSS and JS, no network) with a header (versions,
 * selection, status counts), a filterable case x runner-variant status matrix, and one section per
 * case (parameters, framework spellings, each variant's call, statistics and diagnosis, and
 * heatmaps / numeric grids of the reference, the runner output and their difference for
 * mismatching variants with embedded outputs).
 *
 * Security: all user text is escaped (`escapeHtml`), links must be http(s), embedded data is JSON
 * in `<script type="application/json">` with `<` escaped, and a Content-Security-Policy allows
 * only the report's own inline script (by hash) and no network at all.
 */
import { createHash } from 'node:crypto';
import { AXIS_COLUMNS, axisRows, describeConvention } from '../format/explain.js';
import type { Spelling } from '../geometry/spellings.js';
import type { ConvTransposeGeometry } from '../geometry/types.js';
import type { CaseReport, RunReport, VariantReport } from '../run/report.js';
import { countStatuses } from '../run/report.js';
import { FAILING, STATUSES, type Status } from '../run/status.js';
import { variantLabel } from './console.js';
import { CLIENT_SCRIPT } from './html/client.js';
import { comparisonHtml } from './html/comparison.js';
import { caseAnchor, escapeHtml, jsonForScript, safeHref, variantAnchor } from './html/escape.js';
import { STYLE } from './html/style.js';
import type { Reporter } from './registry.js';

export { caseAnchor, escapeHtml, idFragment, jsonForScript, safeHref, variantAnchor } from './html/escape.js';

const e = escapeHtml;

const SHORT: Record<Status, string> = {
  pass: 'pass',
  mismatch: 'MISMATCH',
  unsupported: 'unsupported',
  error: 'ERROR',
  crashed: 'CRASHED',
  timeout: 'TIMEOUT',
  'expected-mismatch': 'exp. mismatch',
  'expected-error': 'exp. error',
  'expected-crash': 'exp. crash',
  'expected-timeout': 'exp. timeout',
  'expected-unsupported': 'exp. unsupported',
  'unexpected-pass': 'UNEXPECTED PASS',
};

const CONVENTION_LABEL: Record<string, string> = { tf: 'TensorFlow / Keras', onnx: 'ONNX', torch: 'PyTorch' };

const FRAMEWORK_LABEL: Record<Spelling['framework'], string> = {
  tensorflow: 'TensorFlow',
  keras: 'Keras',
  onnx: 'ONNX',
  pytorch: 'PyTorch',
};

const statusBadge = (status: Status, text: string = status): string =>
  `<span class="st s-${e(status)}">${e(text)}</span>`;

function duration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 1000) return `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

const shapeText = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

function uniqueInOrder<T>(values: Iterable<T>): T[] {
  return [...new Set(values)];
}

// ------------------------------------------------------------------ header

function headerHtml(report: RunReport): string {
  const counts = countStatuses(report);
  const variants = report.cases.flatMap((entry) => entry.variants);
  const failing = variants.filter((variant) => FAILING.has(variant.status));
  const failingCases = report.cases.filter((entry) =>
    entry.variants.some((variant) => FAILING.has(variant.status)),
  ).length;
  const banner =
    report.cases.length === 0
      ? '<div class="banner none">No cases were run.</div>'
      : failing.length > 0
        ? `<div class="banner fail">${failing.length} failing variant${failing.length === 1 ? '' : 's'} in ${failingCases} of ${report.cases.length} case${report.cases.length === 1 ? '' : 's'}</div>`
        : `<div class="banner pass">All ${variants.length} variants of ${report.cases.length} case${report.cases.length === 1 ? '' : 's'} pass or are known divergences</div>`;
  const selection = report.selection;
  const run = [
    ['tool', `${report.tool.name} ${report.tool.version}`],
    ['node', report.environment.node],
    ['platform', report.environment.platform],
    ['started', report.startedAt],
    ['duration', duration(report.durationMs)],
    ['filter', selection.filter.length ? selection.filter.join(', ') : '(all cases)'],
    ['shard', selection.shard ?? 'none'],
    ['runners', selection.runners.join(', ') || '(none)'],
  ];
  const runners = Object.entries(report.environment.runners);
  const files = report.files
    .map(
      (file) =>
        `<tr><th>${e(file.fileId)}</th><td><code>${e(file.path)}</code>${file.description ? ` — ${e(file.description.trim())}` : ''}</td></tr>`,
    )
    .join('');
  const countBadges = STATUSES.filter((status) => (counts[status] ?? 0) > 0)
    .map((status) => statusBadge(status, `${status} ${counts[status]}`))
    .join('');
  return [
    '<header>',
    '<h1>tconv conformance report</h1>',
    banner,
    `<div class="counts">${countBadges}</div>`,
    '<div class="meta">',
    `<table class="kv"><tbody>${run.map(([label, value]) => `<tr><th>${e(label)}</th><td>${e(value)}</td></tr>`).join('')}</tbody></table>`,
    runners.length
      ? `<table class="kv"><caption class="note">runner versions</caption><tbody>${runners.map(([name, version]) => `<tr><th>${e(name)}</th><td>${e(version)}</td></tr>`).join('')}</tbody></table>`
      : '',
    '</div>',
    files
      ? `<details><summary>Case files (${report.files.length})</summary><table class="kv"><tbody>${files}</tbody></table></details>`
      : '',
    '</header>',
  ].join('\n');
}

// ------------------------------------------------------------------ matrix and filters

interface Column {
  readonly label: string;
  readonly runner: string;
  readonly variant: string | null;
}

function columnsOf(report: RunReport): Column[] {
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

function filtersHtml(report: RunReport, columns: readonly Column[]): string {
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

function matrixHtml(report: RunReport, columns: readonly Column[]): string {
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

// ------------------------------------------------------------------ case sections

export function geometryTable(geometry: ConvTransposeGeometry): string {
  const head = AXIS_COLUMNS.map((name) => `<th>${e(name)}</th>`).join('');
  const body = axisRows(geometry)
    .map((cells) => `<tr>${cells.map((cell) => `<td>${e(cell)}</td>`).join('')}</tr>`)
    .join('');
  return `<table class="grid geometry"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

function parametersHtml(entry: CaseReport): string {
  const g = entry.geometry;
  let convention = entry.convention;
  if (!convention) {
    try {
      convention = describeConvention(g.convention);
    } catch {
      convention = entry.conventionKind;
    }
  }
  const rows: [string, string][] = [
    ['convention', convention],
    ['input', `${shapeText(g.inputShape)} ${g.layout}`],
    ['weight', `${shapeText(g.weightShape)} (C, M/group, k...)`],
    ['output', `${shapeText(g.outputShape)} ${g.layout}`],
    ['channels', `in ${g.inChannels}, out ${g.outChannels}, group ${g.group}`],
    ['bias', g.hasBias ? 'yes' : 'no'],
    ['seed', String(entry.seed)],
    ['tolerance', entry.tolerance],
  ];
  return `<table class="kv"><tbody>${rows.map(([label, value]) => `<tr><th>${e(label)}</th><td>${e(value)}</td></tr>`).join('')}</tbody></table>${geometryTable(g)}`;
}

function spellingHtml(spelling: Spelling): string {
  const title = `<span class="fw">${e(FRAMEWORK_LABEL[spelling.framework] ?? spelling.framework)}</span> <code>${e(spelling.form)}</code>`;
  if (!spelling.expressible) return `<div class="spelling no">${title}: cannot be spelled: ${e(spelling.reason)}</div>`;
  const notes = spelling.notes.length
    ? `<ul class="note">${spelling.notes.map((note) => `<li>${e(note)}</li>`).join('')}</ul>`
    : '';
  return `<div class="spelling">${title}<pre>${e(spelling.code)}</pre>${notes}</div>`;
}

function safeJson(value: unknown): string {
  try {
    return (
      JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item)) ??
      String(value)
    );
  } catch {
    return String(value);
  }
}

function callHtml(variant: VariantReport): string {
  const call = variant.call;
  if (!call) return '';
  const lines = [`${call.op}`, `attributes: ${safeJson(call.attributes)}`];
  const layouts = Object.entries(call.layouts ?? {});
  if (layouts.length) lines.push(`layouts: ${layouts.map(([name, layout]) => `${name}=${layout}`).join(', ')}`);
  const shapes = Object.entries(call.shapes ?? {});
  if (shapes.length) lines.push(`shapes: ${shapes.map(([name, shape]) => `${name}=${shapeText(shape)}`).join(', ')}`);
  // Collapsed for passing variants (a long page of identical-looking calls reads badly).
  const open = variant.status === 'pass' ? '' : ' open';
  return `<details class="call"${open}><summary class="note">native call: ${e(call.op)}</summary><pre>${e(lines.join('\n'))}</pre></details>`;
}

function expectedHtml(variant: VariantReport): string {
  const expected = variant.expected;
  if (!expected) return '';
  const href = safeHref(expected.link);
  const link = href
    ? ` <a href="${e(href)}" rel="noopener noreferrer" target="_blank">${e(expected.link)}</a>`
    : expected.link
      ? ` <span class="note">(link not shown: not an http(s) URL: <code>${e(expected.link)}</code>)</span>`
      : '';
  return `<div class="known"><b>Known divergence</b> (expected ${e(expected.status)}${expected.variant ? `, variant ${e(expected.variant)}` : ''}): ${e(expected.reason)}${link}</div>`;
}

/** Variants whose embedded output can be drawn against the embedded reference. */
function drawable(entry: CaseReport, variant: VariantReport): boolean {
  return Boolean(
    variant.output &&
    entry.referenceOutput &&
    variant.output.length === entry.referenceOutput.length &&
    entry.referenceOutput.length === entry.geometry.outputElements,
  );
}

function picturesHtml(entry: CaseReport, variant: VariantReport, index: number): string {
  if (!variant.output) return '';
  if (!drawable(entry, variant)) {
    return `<p class="note">The embedded runner output has ${variant.output.length} elements, the reference ${entry.referenceOutput?.length ?? 'none'}: no pictures.</p>`;
  }
  return [
    `<details class="pictures-box" open><summary>Heatmaps: reference | runner | |difference|</summary>`,
    `<div class="pictures" data-case="${e(caseAnchor(entry.id))}" data-variant="${index}"><noscript><p class="note">Heatmaps need JavaScript.</p></noscript><div class="pic-body"></div></div>`,
    '</details>',
  ].join('');
}

function variantHtml(entry: CaseReport, variant: VariantReport, index: number): string {
  const label = variantLabel(variant);
  const meta = [`${duration(variant.wallMs)}`, variant.version].filter(Boolean).join(' · ');
  return [
    `<div class="variant" id="${e(variantAnchor(entry.id, label))}" data-runner="${e(variant.runner)}">`,
    `<div class="variant-head">${statusBadge(variant.status)}<span class="label">${e(label)}</span><span class="note">${e(meta)}</span></div>`,
    `<p class="summary-line">${e(variant.judgement.summary)}</p>`,
    expectedHtml(variant),
    variant.emulation ? `<p class="note"><b>emulation:</b> ${e(variant.emulation)}</p>` : '',
    callHtml(variant),
    variant.status === 'pass' ? '' : comparisonHtml(variant.judgement.comparison),
    picturesHtml(entry, variant, index),
    '</div>',
  ].join('');
}

/** A JSON number (the JSON report writes non-finite values as strings) as a number. */
function decode(value: number | string | null): number {
  if (typeof value === 'number') return value;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  return Number.NaN;
}

export interface PackedArray {
  /** 'f32' when every value is a float32 (runner outputs), else 'f64'. */
  readonly dtype: 'f32' | 'f64';
  /** The values as little-endian IEEE floats, base64 (a third to a half of decimal JSON's size). */
  readonly base64: string;
}

/** Packs numbers losslessly (NaN and infinities included) for the inline script to unpack. */
export function packArray(values: readonly (number | string | null)[]): PackedArray {
  const numbers = values.map(decode);
  const f32 = numbers.every((value) => Number.isNaN(value) || Math.fround(value) === value);
  const size = f32 ? 4 : 8;
  const view = new DataView(new ArrayBuffer(numbers.length * size));
  numbers.forEach((value, index) =>
    f32 ? view.setFloat32(index * size, value, true) : view.setFloat64(index * size, value, true),
  );
  return { dtype: f32 ? 'f32' : 'f64', base64: Buffer.from(view.buffer).toString('base64') };
}

/** The JSON the heatmaps read: shape, layout, the reference and each drawable variant's output. */
function caseDataHtml(entry: CaseReport): string {
  const variants: Record<string, { label: string; output: PackedArray }> = {};
  entry.variants.forEach((variant, index) => {
    if (drawable(entry, variant))
      variants[index] = { label: variantLabel(variant), output: packArray(variant.output!) };
  });
  if (Object.keys(variants).length === 0) return '';
  const g = entry.geometry;
  const data = {
    shape: g.outputShape,
    layout: g.layout,
    rank: g.rank,
    channelsLast: g.channelsLast,
    reference: packArray(entry.referenceOutput!),
    variants,
  };
  return `<script type="application/json" id="data-${e(caseAnchor(entry.id))}">${jsonForScript(data)}</script>`;
}

function caseHtml(entry: CaseReport): string {
  const anchor = caseAnchor(entry.id);
  const failing = entry.variants.some((variant) => FAILING.has(variant.status));
  const expected = !failing && entry.variants.some((variant) => variant.status.startsWith('expected-'));
  const badges = entry.variants
    .map((variant) =>
      statusBadge(variant.status, `${variantLabel(variant)}: ${SHORT[variant.status] ?? variant.status}`),
    )
    .join(' ');
  const tags = entry.tags.length
    ? `<div class="tags">${entry.tags.map((tag) => `<span class="badge">${e(tag)}</span>`).join('')}</div>`
    : '';
  const spellings = entry.spellings.length
    ? `<details><summary>Framework spellings (${entry.spellings.length})</summary>${entry.spellings.map(spellingHtml).join('')}</details>`
    : '';
  return [
    `<section class="case${failing ? ' failing' : expected ? ' expected' : ''}" id="${e(anchor)}">`,
    `<div class="case-head"><h3><a href="#${e(anchor)}">${e(entry.name)}</a></h3><span class="where"><code>${e(entry.id)}</code> · ${e(entry.file)}:${e(entry.line)} · ${e(CONVENTION_LABEL[entry.conventionKind] ?? entry.conventionKind)}</span></div>`,
    `<div class="badges">${badges}</div>`,
    entry.description ? `<p class="desc">${e(entry.description.trim())}</p>` : '',
    tags,
    `<details class="case-body"${failing ? ' open' : ''}><summary>Parameters</summary>${parametersHtml(entry)}</details>`,
    spellings,
    `<h4>Variants</h4>`,
    entry.variants.map((variant, index) => variantHtml(entry, variant, index)).join('\n'),
    caseDataHtml(entry),
    '</section>',
  ].join('\n');
}

// ------------------------------------------------------------------ page

function contentSecurityPolicy(script: string): string {
  const hash = createHash('sha256').update(script, 'utf8').digest('base64');
  return [
    "default-src 'none'",
    `script-src 'sha256-${hash}'`,
    "style-src 'unsafe-inline'",
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function renderHtml(report: RunReport): string {
  const columns = columnsOf(report);
  const failing = report.cases
    .flatMap((entry) => entry.variants)
    .filter((variant) => FAILING.has(variant.status)).length;
  const title = `tconv report — ${report.cases.length} case${report.cases.length === 1 ? '' : 's'}, ${failing} failing`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${e(contentSecurityPolicy(CLIENT_SCRIPT))}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    '<meta name="generator" content="tconv">',
    `<title>${e(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    headerHtml(report),
    '<h2 id="summary">Summary</h2>',
    filtersHtml(report, columns),
    matrixHtml(report, columns),
    '<h2 id="cases">Cases</h2>',
    report.cases.length ? report.cases.map(caseHtml).join('\n') : '<p class="note">No cases.</p>',
    `<script>${CLIENT_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

export const htmlReporter: Reporter = { name: 'html', render: renderHtml };
