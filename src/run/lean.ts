/**
 * Lean reports: a passing variant keeps its verdict, timing, native call and summary statistics
 * (mismatch count, greatest differences, mean/median/max error, would-pass tolerances), but not
 * its worst-element list and histograms; a case whose variants all pass drops its framework
 * spellings (the geometry rebuilds them). Anything that is not a plain pass keeps everything,
 * since that is what someone will open the report for. `--details all` keeps everything always.
 *
 * Why: 95% of a large run passes, and those per-element details made a 4,386-case JSON report
 * too long for one string (V8's limit) and its HTML 106 MB.
 */
import type { Comparison } from '../compare/index.js';
import type { CaseReport, DetailLevel, VariantReport } from './report.js';

function leanComparison(comparison: Comparison): Comparison {
  if (comparison.stage !== 'values' && comparison.stage !== 'non-finite') return comparison;
  const { statistics } = comparison;
  return { ...comparison, statistics: { ...statistics, worst: [], ulpHistogram: [], relativeHistogram: [] } };
}

function leanVariant(variant: VariantReport): VariantReport {
  const comparison = variant.judgement.comparison;
  if (variant.status !== 'pass' || !comparison) return variant;
  return { ...variant, judgement: { ...variant.judgement, comparison: leanComparison(comparison) }, detail: 'summary' };
}

/** The case as reports keep it at `level`. */
export function leanCase(entry: CaseReport, level: DetailLevel): CaseReport {
  if (level === 'all') return entry;
  const allPass = entry.variants.every((variant) => variant.status === 'pass');
  const { spellings, ...rest } = entry;
  return {
    ...(allPass ? rest : { ...rest, ...(spellings ? { spellings } : {}) }),
    variants: entry.variants.map(leanVariant),
  };
}
