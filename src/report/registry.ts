/** File reporters, registered by name; each renders the whole RunReport to one string. */
import type { RunReport } from '../run/report.js';
import { jsonReporter } from './json.js';
import { junitReporter } from './junit.js';
import { htmlReporter } from './html.js';

export interface Reporter {
  readonly name: string;
  render(report: RunReport): string;
}

export type ReporterName = 'json' | 'junit' | 'html';

export const REPORTERS: Readonly<Record<ReporterName, Reporter>> = {
  json: jsonReporter,
  junit: junitReporter,
  html: htmlReporter,
};
