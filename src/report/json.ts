/** The JSON report: the RunReport itself (versioned, see src/run/report.ts), stable key order. */
import type { Reporter } from './registry.js';

export const jsonReporter: Reporter = {
  name: 'json',
  render: (report) => `${JSON.stringify(report, null, 1)}\n`,
};
