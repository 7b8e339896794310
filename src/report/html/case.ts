/**
 * One section per case: parameters, framework spellings, each variant's call, statistics and
 * diagnosis, and the data for heatmaps / numeric grids of mismatching variants.
 */
import { AXIS_COLUMNS, axisRows, describeConvention } from '../../format/explain.js';
import { allSpellings, type Spelling } from '../../geometry/spellings.js';
import type { ConvTransposeGeometry } from '../../geometry/types.js';
import type { CaseReport, VariantReport } from '../../run/report.js';
import { FAILING } from '../../run/status.js';
import { variantLabel } from '../console.js';
import { CONVENTION_LABEL, duration, FRAMEWORK_LABEL, shapeText, SHORT, statusBadge } from './common.js';
import { comparisonHtml } from './comparison.js';
import { caseAnchor, escapeHtml as e, jsonForScript, safeHref, variantAnchor } from './escape.js';

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

function safeSpellings(geometry: ConvTransposeGeometry): readonly Spelling[] {
  try {
    return allSpellings(geometry);
  } catch {
    return [];
  }
}

function spellingHtml(spelling: Spelling): string {
  const title = `<span class="fw">${e(FRAMEWORK_LABEL[spelling.framework] ?? spelling.framework)}</span> <code>${e(spelling.form)}</code>`;
  if (!spelling.expressible) {
    const hint = spelling.nearMiss;
    const nearMiss = hint
      ? `<div class="near-miss">nearest: <pre>${e(hint.code)}</pre><p>${e(hint.text)}</p><p>${e(hint.emulation)}</p></div>`
      : '';
    return `<div class="spelling no">${title}: cannot be spelled: ${e(spelling.reason)}${nearMiss}</div>`;
  }
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

/** What a variant's embedded output is: a runner's, or (on the reference row) the documented expect. */
function sideOf(variant: VariantReport): 'runner' | 'expect' {
  const comparison = variant.judgement.comparison;
  return comparison && comparison.subject === 'expect' ? 'expect' : 'runner';
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
    return `<p class="note">The embedded ${sideOf(variant)} output has ${variant.output.length} elements, the reference ${entry.referenceOutput?.length ?? 'none'}: no pictures.</p>`;
  }
  return [
    `<details class="pictures-box" open><summary>Heatmaps: reference | ${sideOf(variant)} | |difference|</summary>`,
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
  const variants: Record<string, { label: string; side: 'runner' | 'expect'; output: PackedArray }> = {};
  entry.variants.forEach((variant, index) => {
    if (!drawable(entry, variant)) return;
    const side = sideOf(variant);
    const label = side === 'expect' ? 'expect' : variantLabel(variant);
    variants[index] = { label, side, output: packArray(variant.output!) };
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

export function caseHtml(entry: CaseReport): string {
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
  // Lean reports leave the spellings out: they follow from the geometry.
  const spelled = entry.spellings ?? safeSpellings(entry.geometry);
  const spellings = spelled.length
    ? `<details><summary>Framework spellings (${spelled.length})</summary>${spelled.map(spellingHtml).join('')}</details>`
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

/**
 * A case's brief section for large reports past their detail budget: its head and the one-line
 * verdict of every variant that is not a plain pass (the full section is in a smaller run).
 */
export function briefCaseHtml(entry: CaseReport): string {
  const anchor = caseAnchor(entry.id);
  const failing = entry.variants.some((variant) => FAILING.has(variant.status));
  const lines = entry.variants
    .filter((variant) => variant.status !== 'pass')
    .map(
      (variant) =>
        `<div class="variant" id="${e(variantAnchor(entry.id, variantLabel(variant)))}" data-runner="${e(variant.runner)}"><div class="variant-head">${statusBadge(variant.status)}<span class="label">${e(variantLabel(variant))}</span></div><p class="summary-line">${e(variant.judgement.summary)}</p></div>`,
    );
  return [
    `<section class="case brief${failing ? ' failing' : ' expected'}" id="${e(anchor)}">`,
    `<div class="case-head"><h3><a href="#${e(anchor)}">${e(entry.name)}</a></h3><span class="where"><code>${e(entry.id)}</code> · ${e(entry.file)}:${e(entry.line)} · ${e(CONVENTION_LABEL[entry.conventionKind] ?? entry.conventionKind)}</span></div>`,
    `<p class="note">Brief: this large report's detail budget was spent on earlier cases; the JSON report has this case in full.</p>`,
    ...lines,
    '</section>',
  ].join('\n');
}
