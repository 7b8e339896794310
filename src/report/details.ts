/** The detail lines of one failing variant (console and JUnit share them). */
import type { VariantReport } from '../run/report.js';

export function detailLines(variant: VariantReport): string[] {
  const lines = [variant.judgement.summary];
  if (variant.emulation) lines.push(`emulation: ${variant.emulation}`);
  if (variant.call) lines.push(`native call: ${variant.call.op} ${JSON.stringify(variant.call.attributes)}`);
  if (variant.expected) lines.push(`listed as expected ${variant.expected.status}: ${variant.expected.reason}`);
  return lines;
}
