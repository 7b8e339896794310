/** File reporters, registered by name (the interface: stream/render.ts). */
import { htmlReporter } from './html.js';
import { jsonReporter } from './json.js';
import { junitReporter } from './junit.js';
import type { Reporter } from './stream/render.js';

export type { Reporter, ReportInput, ReportWriter } from './stream/render.js';

export type ReporterName = 'json' | 'junit' | 'html';

export const REPORTERS: Readonly<Record<ReporterName, Reporter>> = {
  json: jsonReporter,
  junit: junitReporter,
  html: htmlReporter,
};
