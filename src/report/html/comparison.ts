/**
 * The comparison statistics and diagnosis of one variant. `judgement.comparison` is the
 * comparator's `Comparison` (src/compare/types.ts); anything else (an older report, another
 * comparator) is rendered generically as a field table.
 */
import type {
  Comparison,
  Diagnosis,
  ElementReport,
  HistogramBucket,
  JsonNumber,
  ShapeComparison,
  TriedHypothesis,
  ValuesComparison,
} from '../../compare/types.js';
import { escapeHtml } from './escape.js';

/** A number for reading: integers as is, others to 6 significant digits. */
export function formatValue(value: JsonNumber | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value) && Math.abs(value) < 1e9) return String(value);
  const text = value.toPrecision(6);
  return text.includes('e') ? text : String(Number(text));
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function isComparison(value: unknown): value is Comparison {
  return (
    isRecord(value) &&
    typeof value['stage'] === 'string' &&
    typeof value['verdict'] === 'string' &&
    'tolerance' in value
  );
}

const row = (label: string, html: string): string => `<tr><th>${escapeHtml(label)}</th><td>${html}</td></tr>`;
const text = (value: unknown): string => escapeHtml(value);

function coordinates(element: ElementReport): string {
  const named = Object.entries(element.named)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${name}=${value}`)
    .join(', ');
  return `(${escapeHtml(named)}) [flat ${element.index}]`;
}

/** The side under test: a runner's output, or the case's documented expect (older reports: runner). */
function subjectLabel(comparison: Pick<Comparison, 'subject'>): string {
  return comparison.subject === 'expect' ? 'expect' : 'runner';
}

function elementLine(element: ElementReport | null, subject: string): string {
  if (!element) return '—';
  return `${formatValue(element.absDiff)} at ${coordinates(element)}: ${subject} ${formatValue(element.actual)}, reference ${formatValue(element.expected)} (rel ${formatValue(element.relDiff)}, ${formatValue(element.ulpDiff)} ulp, allowed ${formatValue(element.allowed)})`;
}

function histogram(title: string, buckets: readonly HistogramBucket[]): string {
  const total = buckets.reduce((sum, bucket) => sum + bucket.count, 0) || 1;
  const rows = buckets
    .map((bucket) => {
      const percent = (100 * bucket.count) / total;
      return `<tr><td>${text(bucket.label)}</td><td class="num">${bucket.count}</td><td class="bar"><span style="width:${percent.toFixed(1)}%"></span></td></tr>`;
    })
    .join('');
  return `<table class="hist"><caption>${escapeHtml(title)}</caption><tbody>${rows}</tbody></table>`;
}

function worstTable(worst: readonly ElementReport[], subject: string): string {
  if (worst.length === 0) return '';
  const shown = worst.slice(0, 10);
  const rows = shown
    .map(
      (element) =>
        `<tr class="${element.close ? '' : 'bad'}"><td>${coordinates(element)}</td><td class="num">${formatValue(element.expected)}</td><td class="num">${formatValue(element.actual)}</td><td class="num">${formatValue(element.absDiff)}</td><td class="num">${formatValue(element.relDiff)}</td><td class="num">${formatValue(element.ulpDiff)}</td><td class="num">${formatValue(element.allowed)}</td></tr>`,
    )
    .join('');
  const more = worst.length > shown.length ? `<p class="note">${worst.length - shown.length} more not shown</p>` : '';
  return `<table class="grid worst"><caption>Worst elements</caption><thead><tr><th>element</th><th>reference</th><th>${subject}</th><th>|diff|</th><th>rel</th><th>ulp</th><th>allowed</th></tr></thead><tbody>${rows}</tbody></table>${more}`;
}

/** yes / no, or why the hypothesis was not tried (its test could not fail) or not named. */
function triedVerdict(tried: TriedHypothesis): string {
  if (tried.notTried) return `not tried: ${text(tried.notTried)}`;
  if (tried.rejected) return `no: ${text(tried.rejected)}`;
  return tried.fits ? 'yes' : 'no';
}

export function diagnosisHtml(diagnosis: Diagnosis): string {
  const explanation = diagnosis.explanation;
  const parts = [
    `<p class="diagnosis"><b>Diagnosis</b> (${text(explanation.kind)}${explanation.axis ? `, axis ${text(explanation.axis)}` : ''}): ${text(diagnosis.summary)}</p>`,
  ];
  if (explanation.shifts?.length) {
    parts.push(
      `<ul>${explanation.shifts
        .map(
          (shift) =>
            `<li>axis ${text(shift.axis)}: begin crop ${shift.expectedBeginCrop} → ${shift.actualBeginCrop} (${shift.delta > 0 ? '+' : ''}${shift.delta})</li>`,
        )
        .join('')}</ul>`,
    );
  }
  const location = diagnosis.location;
  const where: string[] = [];
  if (location.borderOnly) where.push(`only within ${location.borderWidth.join('/')} of the edges`);
  const edges = location.edges.filter((edge) => edge.count > 0);
  if (edges.length) where.push(`edges: ${edges.map((edge) => `${edge.axis} ${edge.side} ${edge.count}`).join(', ')}`);
  for (const phase of location.stridePhases)
    where.push(`axis ${phase.axis} stride ${phase.stride}: phases ${phase.phases.join(', ')} only`);
  if (location.channels)
    where.push(`channels ${location.channels.slice(0, 16).join(', ')}${location.channels.length > 16 ? ', …' : ''}`);
  for (const band of location.bands ?? [])
    where.push(`axis ${band.axis}: indices ${band.from}-${band.to} of 0-${band.size - 1} only`);
  if (location.batches)
    where.push(`batch items ${location.batches.slice(0, 16).join(', ')}${location.batches.length > 16 ? ', …' : ''}`);
  if (where.length) parts.push(`<p class="note">Where: ${text(where.join('; '))}</p>`);
  if (diagnosis.tried.length) {
    parts.push(
      `<details class="tried"><summary>Hypotheses tried (${diagnosis.tried.length})</summary><table class="grid"><thead><tr><th>hypothesis</th><th>kind</th><th>fits</th><th>still mismatching</th></tr></thead><tbody>${diagnosis.tried
        .map(
          (tried) =>
            `<tr class="${tried.fits ? 'fits' : ''}"><td>${text(tried.label)}</td><td>${text(tried.kind)}${tried.axis ? ` ${text(tried.axis)}` : ''}</td><td>${triedVerdict(tried)}</td><td class="num">${tried.mismatched ?? '—'}</td></tr>`,
        )
        .join('')}</tbody></table></details>`,
    );
  }
  return parts.join('');
}

function valuesHtml(comparison: ValuesComparison): string {
  const s = comparison.statistics;
  const nf = comparison.nonFinite;
  const subject = subjectLabel(comparison);
  const rows = [
    ...(comparison.subject === 'expect'
      ? [row('compared', "the case's documented <b>expect</b> against the float64 <b>reference</b>")]
      : []),
    row('mismatched', `${s.mismatched} / ${s.total} (${(100 * s.mismatchedFraction).toFixed(2)}%)`),
    row('greatest |difference|', elementLine(s.greatestAbsolute, subject)),
    row('greatest relative', elementLine(s.greatestRelative, subject)),
    row(
      'abs error mean / median / max',
      `${formatValue(s.absError.mean)} / ${formatValue(s.absError.median)} / ${formatValue(s.absError.max)}`,
    ),
    row(
      'would pass with',
      `atol ${formatValue(s.wouldPass.atol)} · rtol ${formatValue(s.wouldPass.rtol)} · ulp ${formatValue(s.wouldPass.ulp)}`,
    ),
  ];
  const nonFinite = nf.nan + nf.posInf + nf.negInf + nf.referenceNonFinite;
  if (nonFinite > 0) {
    rows.push(
      row(
        'non-finite',
        `NaN ${nf.nan}, +Inf ${nf.posInf}, -Inf ${nf.negInf}; reference non-finite ${nf.referenceNonFinite} (${nf.referenceNonFiniteMismatched} not matched)`,
      ),
    );
  }
  return [
    `<table class="kv stats"><tbody>${rows.join('')}</tbody></table>`,
    `<div class="hists">${histogram('ULP error', s.ulpHistogram)}${histogram('Relative error', s.relativeHistogram)}</div>`,
    worstTable(s.worst, subject),
    comparison.diagnosis ? diagnosisHtml(comparison.diagnosis) : '',
  ].join('');
}

function shapeHtml(comparison: ShapeComparison): string {
  return [
    `<table class="kv stats"><tbody>${row('shape', `${subjectLabel(comparison)} [${comparison.actualShape.join(', ')}] (${comparison.actualElements} elements), reference [${comparison.expectedShape.join(', ')}] (${comparison.expectedElements})`)}</tbody></table>`,
    `<ul class="causes">${comparison.causes.map((cause) => `<li><b>${text(cause.kind)}${cause.axis ? ` ${text(cause.axis)}` : ''}</b>: ${text(cause.detail)}</li>`).join('')}</ul>`,
  ].join('');
}

/** Anything else: its scalar fields, one row each. */
function genericHtml(value: unknown): string {
  if (!isRecord(value)) return '';
  const rows = Object.entries(value)
    .filter(
      ([, field]) => field === null || ['number', 'string', 'boolean'].includes(typeof field) || Array.isArray(field),
    )
    .map(([name, field]) =>
      row(
        name,
        Array.isArray(field)
          ? text(JSON.stringify(field).slice(0, 300))
          : typeof field === 'number'
            ? formatValue(field)
            : text(field),
      ),
    );
  return rows.length ? `<table class="kv stats"><tbody>${rows.join('')}</tbody></table>` : '';
}

/** The statistics block for one variant ('' when there is nothing to show beyond the summary). */
export function comparisonHtml(comparison: unknown): string {
  if (comparison === undefined || comparison === null) return '';
  if (!isComparison(comparison)) return genericHtml(comparison);
  const tolerance = `<p class="note">tolerance: ${text(comparison.tolerance.description)}; decided at stage <code>${text(comparison.stage)}</code></p>`;
  switch (comparison.stage) {
    case 'values':
    case 'non-finite':
      return valuesHtml(comparison) + tolerance;
    case 'shape':
      return shapeHtml(comparison) + tolerance;
    case 'outcome': {
      const rows = [row('message', text(comparison.message))];
      if (comparison.signal) rows.push(row('signal', text(comparison.signal)));
      if (comparison.timeoutMs !== undefined) rows.push(row('time limit', `${comparison.timeoutMs} ms`));
      const tail = comparison.stderrTail ? `<pre class="stderr">${text(comparison.stderrTail)}</pre>` : '';
      return `<table class="kv stats"><tbody>${rows.join('')}</tbody></table>${tail}`;
    }
    case 'internal':
      return `<table class="kv stats"><tbody>${row('comparator error', text(comparison.message))}</tbody></table>`;
  }
}
