/** torch.testing-style text for a `Comparison` (reporters can use these lines or render the data). */
import { spatialAxisNames } from './coords.js';
import { describeSpecial } from './special.js';
import type { JsonNumber } from './json.js';
import type {
  Comparison,
  Diagnosis,
  ElementReport,
  HistogramBucket,
  RunnerAgreement,
  ValuesComparison,
} from './types.js';

/** Compact number: integers as is, else 4 significant digits ("0.5", "1.234e-7"). */
export function formatValue(value: JsonNumber | null, digits = 4): string {
  if (value === null) return 'none';
  if (typeof value === 'string') return value;
  if (value === 0) return '0';
  if (Number.isInteger(value) && Math.abs(value) < 1e7) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e7) return String(Number(value.toPrecision(digits)));
  const [mantissa, exponent] = value.toExponential(digits - 1).split('e');
  const trimmed = mantissa!.includes('.') ? mantissa!.replace(/0+$/, '').replace(/\.$/, '') : mantissa!;
  return `${trimmed}e${exponent}`;
}

/** "18.8%", with more digits for tiny nonzero fractions ("0.0001%"). */
export function formatPercent(fraction: number): string {
  const percent = fraction * 100;
  if (percent > 0 && percent < 0.1) return `${Number(percent.toPrecision(2))}%`;
  return `${percent.toFixed(1)}%`;
}

function indexText(element: ElementReport): string {
  return `(${element.coordinates.join(', ')})`;
}

/** "(n, c, h, w)" for NCHW, "(n, h, w, c)" for NHWC. */
export function coordinateOrder(layout: string): string {
  const rank = layout.length - 2;
  const spatial = spatialAxisNames(rank).map((name) => name.toLowerCase());
  return layout.endsWith('C') ? `(n, ${spatial.join(', ')}, c)` : `(n, c, ${spatial.join(', ')})`;
}

function relativeAllowed(element: ElementReport): JsonNumber {
  if (typeof element.allowed === 'string' || typeof element.expected === 'string') return element.allowed;
  if (element.expected === 0) return 'Infinity';
  return element.allowed / Math.abs(element.expected);
}

function histogramText(buckets: readonly HistogramBucket[], onlyNonEmpty: boolean): string {
  return buckets
    .filter((bucket) => !onlyNonEmpty || bucket.count > 0)
    .map((bucket) => `${bucket.label}: ${bucket.count}`)
    .join(', ');
}

/**
 * What the two sides of a comparison are called: torch's "actual" / "expected" for a runner's
 * output, "expect" / "reference" for a documented expect held against the reference (there
 * "expected" would name the wrong side).
 */
export function sideLabels(c: Pick<Comparison, 'subject'>): { readonly actual: string; readonly expected: string } {
  return c.subject === 'expect'
    ? { actual: 'expect', expected: 'reference' }
    : { actual: 'actual', expected: 'expected' };
}

function elementLine(element: ElementReport, sides: ReturnType<typeof sideLabels>): string {
  return (
    `  ${indexText(element)}: ${sides.actual} ${formatValue(element.actual)}, ${sides.expected} ${formatValue(element.expected)}, ` +
    `|diff| ${formatValue(element.absDiff)} (${formatValue(element.ulpDiff)} ulp), allowed ${formatValue(element.allowed)}` +
    (element.close ? '' : ' MISMATCH')
  );
}

function valuesLines(c: ValuesComparison): string[] {
  const s = c.statistics;
  const lines: string[] = [];
  const greatestAbs = s.greatestAbsolute;
  const specialLine = c.nonFinite.special ? describeSpecial(c.nonFinite.special) : '';
  if (c.verdict === 'pass') {
    lines.push(`Values are close: ${s.total} / ${s.total} elements within ${c.tolerance.description}`);
    if (specialLine) lines.push(`Special values: ${specialLine}`);
    if (greatestAbs) {
      lines.push(
        `Greatest absolute difference: ${formatValue(greatestAbs.absDiff)} at index ${indexText(greatestAbs)} (up to ${formatValue(greatestAbs.allowed)} allowed)`,
      );
    }
    return lines;
  }
  lines.push(`Values are not close (tolerance: ${c.tolerance.description})`);
  if (c.subject === 'expect') lines.push("Compared: the case's documented expect against the float64 reference");
  const nf = c.nonFinite;
  if (nf.nan + nf.posInf + nf.negInf > 0) {
    const firsts = [
      nf.firstNan ? `first NaN at index ${indexText(nf.firstNan)}` : null,
      nf.firstPosInf ? `first +Infinity at index ${indexText(nf.firstPosInf)}` : null,
      nf.firstNegInf ? `first -Infinity at index ${indexText(nf.firstNegInf)}` : null,
    ].filter((text): text is string => text !== null);
    lines.push(
      `Non-finite values where the reference is finite: ${nf.nan} NaN, ${nf.posInf} +Infinity, ${nf.negInf} -Infinity (${firsts.join('; ')})`,
    );
  }
  if (nf.referenceNonFiniteMismatched > 0) {
    lines.push(
      `Non-finite reference values not reproduced: ${nf.referenceNonFiniteMismatched} / ${nf.referenceNonFinite}${c.tolerance.nanEqual || nf.special ? '' : ' (NaN == NaN only with nanEqual)'}`,
    );
  }
  if (specialLine) lines.push(`Special values: ${specialLine}`);
  lines.push(`Mismatched elements: ${s.mismatched} / ${s.total} (${formatPercent(s.mismatchedFraction)})`);
  if (greatestAbs) {
    lines.push(
      `Greatest absolute difference: ${formatValue(greatestAbs.absDiff)} at index ${indexText(greatestAbs)} (up to ${formatValue(greatestAbs.allowed)} allowed)`,
    );
  }
  const greatestRel = s.greatestRelative;
  if (greatestRel) {
    lines.push(
      `Greatest relative difference: ${formatValue(greatestRel.relDiff)} at index ${indexText(greatestRel)} (up to ${formatValue(relativeAllowed(greatestRel))} allowed)`,
    );
  }
  if (s.compared > 0) {
    lines.push(`Index order: ${coordinateOrder(c.layout)} (${c.layout}); finite elements compared: ${s.compared}`);
    lines.push(
      `Absolute error: mean ${formatValue(s.absError.mean)}, median ${formatValue(s.absError.median)}, max ${formatValue(s.absError.max)}`,
    );
    lines.push(`ULP error histogram: ${histogramText(s.ulpHistogram, false)}`);
    lines.push(`Relative error histogram: ${histogramText(s.relativeHistogram, true)}`);
  }
  const would = s.wouldPass;
  lines.push(
    `Would pass with: atol ${formatValue(would.atol, 6)} (rtol 0), rtol ${formatValue(would.rtol, 6)} (atol 0), ulp ${formatValue(would.ulp, 6)}`,
  );
  if (s.worst.length > 0) {
    lines.push(`Worst ${s.worst.length} element${s.worst.length === 1 ? '' : 's'} (by |diff| / allowed):`);
    lines.push(...s.worst.map((element) => elementLine(element, sideLabels(c))));
  }
  if (c.diagnosis) {
    lines.push(`Diagnosis: ${c.diagnosis.summary}`);
    lines.push(...notTriedLines(c.diagnosis));
  }
  return lines;
}

/** Hypotheses whose test could not fail here, or that fit but were refused, with why. */
function notTriedLines(diagnosis: Diagnosis): string[] {
  return diagnosis.tried.flatMap((tried) => {
    if (tried.notTried) return [`Not tried: ${tried.label}: ${tried.notTried}`];
    if (tried.rejected) return [`Not named: ${tried.label}: ${tried.rejected}`];
    return [];
  });
}

export function formatComparison(c: Comparison): string[] {
  try {
    switch (c.stage) {
      case 'outcome': {
        const label = { unsupported: 'Unsupported', error: 'Error', crashed: 'Crashed', timeout: 'Timeout' }[c.verdict];
        return [`${label}: ${c.message}`];
      }
      case 'internal':
        return [`Comparator error: ${c.message}`];
      case 'shape':
        return [
          `Shape mismatch: expected [${c.expectedShape.join(', ')}] (${c.layout}), got [${c.actualShape.join(', ')}]` +
            (c.actualElements !== c.actualShape.reduce((total, size) => total * size, 1)
              ? ` (${c.actualElements} values)`
              : ''),
          ...c.causes.map((cause) => `Cause: ${cause.detail}`),
        ];
      case 'non-finite':
      case 'values':
        return valuesLines(c);
    }
  } catch (error) {
    return [`Comparison could not be formatted: ${error instanceof Error ? error.message : String(error)}`];
  }
}

export function formatRunnerAgreement(agreement: RunnerAgreement): string[] {
  const lines = [agreement.detail];
  for (const pair of agreement.pairs) {
    lines.push(
      `  ${pair.a} vs ${pair.b}: ${pair.agree ? 'agree' : `differ in ${pair.mismatched} / ${pair.total}`}, max abs diff ${formatValue(pair.maxAbsDiff)}${pair.note ? ` (${pair.note})` : ''}`,
    );
  }
  return lines;
}
