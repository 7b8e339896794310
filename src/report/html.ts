/**
 * The HTML report: one self-contained file (inline CSS and JS, no network) with a header (versions,
 * selection, status counts), a filterable case x runner-variant status matrix, and one section per
 * case (parameters, framework spellings, each variant's call, statistics and diagnosis, and
 * heatmaps / numeric grids of the reference, the runner output and their difference for
 * mismatching variants with embedded outputs).
 *
 * Security: all user text is escaped (`escapeHtml`), links must be http(s), embedded data is JSON
 * in `<script type="application/json">` with `<` escaped, and a Content-Security-Policy allows
 * only the report's own inline script (by hash) and no network at all.
 */
import { createHash } from 'node:crypto';
import type { RunReport } from '../run/report.js';
import { FAILING } from '../run/status.js';
import { caseHtml } from './html/case.js';
import { CLIENT_SCRIPT } from './html/client.js';
import { escapeHtml as e } from './html/escape.js';
import { headerHtml } from './html/header.js';
import { columnsOf, filtersHtml, matrixHtml } from './html/matrix.js';
import { STYLE } from './html/style.js';
import type { Reporter } from './registry.js';

export { caseAnchor, escapeHtml, idFragment, jsonForScript, safeHref, variantAnchor } from './html/escape.js';
export { geometryTable, packArray, type PackedArray } from './html/case.js';

function contentSecurityPolicy(script: string): string {
  const hash = createHash('sha256').update(script, 'utf8').digest('base64');
  return [
    "default-src 'none'",
    `script-src 'sha256-${hash}'`,
    "style-src 'unsafe-inline'",
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function renderHtml(report: RunReport): string {
  const columns = columnsOf(report);
  const failing = report.cases
    .flatMap((entry) => entry.variants)
    .filter((variant) => FAILING.has(variant.status)).length;
  const title = `tconv report — ${report.cases.length} case${report.cases.length === 1 ? '' : 's'}, ${failing} failing`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${e(contentSecurityPolicy(CLIENT_SCRIPT))}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    '<meta name="generator" content="tconv">',
    `<title>${e(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    headerHtml(report),
    '<h2 id="summary">Summary</h2>',
    filtersHtml(report, columns),
    matrixHtml(report, columns),
    '<h2 id="cases">Cases</h2>',
    report.cases.length ? report.cases.map(caseHtml).join('\n') : '<p class="note">No cases.</p>',
    `<script>${CLIENT_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

export const htmlReporter: Reporter = { name: 'html', render: renderHtml };
