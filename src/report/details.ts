/** The detail lines of one failing variant (console and JUnit share them): torch-style statistics + diagnosis. */
import { formatComparison } from '../compare/index.js';
import type { VariantReport } from '../run/report.js';

export function detailLines(variant: VariantReport): string[] {
  const comparison = variant.judgement.comparison;
  const lines = comparison ? formatComparison(comparison) : [variant.judgement.summary];
  if (variant.emulation) lines.push(`Emulation: ${variant.emulation}`);
  if (variant.call) lines.push(`Native call: ${variant.call.op} ${JSON.stringify(variant.call.attributes)}`);
  if (variant.expected) {
    lines.push(
      `Listed as a known ${variant.expected.status}: ${variant.expected.reason}${variant.expected.link ? ` (${variant.expected.link})` : ''}`,
    );
  }
  return lines;
}
