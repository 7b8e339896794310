/**
 * The JSON report: the RunReport itself (versioned, see src/run/report.ts). JSON has no NaN or
 * Infinity, so non-finite numbers are written as the strings "NaN", "Infinity", "-Infinity".
 */
import type { Reporter } from './registry.js';

export function encodeNonFinite(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}

export const jsonReporter: Reporter = {
  name: 'json',
  render: (report) => `${JSON.stringify(report, encodeNonFinite, 1)}\n`,
};
