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
import { STATUSES } from '../run/status.js';
import { briefCaseHtml, caseHtml } from './html/case.js';
import { CLIENT_SCRIPT } from './html/client.js';
import { SHORT } from './html/common.js';
import { escapeHtml as e, idFragment, jsonForScript } from './html/escape.js';
import { headerHtml } from './html/header.js';
import { columnsOf, filtersHtml, matrixHead, pagedRow, writeMatrix, type Column } from './html/matrix.js';
import { STYLE } from './html/style.js';
import { failingFirst } from './stream/cases.js';
import { withRender, type Reporter, type ReportInput } from './stream/render.js';
import type { TextSink } from './stream/sink.js';

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

/**
 * Up to this many cases the report is the complete page (every case's section, a static
 * matrix). Above it, it stays small and quick to open (a 4,386-case run: a few MB, interactive
 * in about a second instead of 106 MB and 55 s): the matrix is drawn page by page from compact
 * data, failing cases first, and only cases that are not a plain pass get a section, within
 * SECTIONS_BUDGET characters; passing cases' details are in the JSON report.
 */
export const FULL_HTML_MAX_CASES = 1000;

/**
 * Characters of full case sections a large report holds (failing cases first); the other cases
 * that are not a plain pass get a brief section (their variants' one-line verdicts).
 */
export const SECTIONS_BUDGET = 2_500_000;

function pageHead(title: string): string {
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
    '',
  ].join('\n');
}

/** The sections of the cases in `order`, one case read at a time. */
function writeSections(sink: TextSink, input: ReportInput, order: Iterable<number>): void {
  for (const position of order) sink.write(`${caseHtml(input.cases.read(position))}\n`);
}

/** The paged matrix's data block; rows in `order`. */
function writePagedMatrix(
  sink: TextSink,
  input: ReportInput,
  order: readonly number[],
  columns: readonly Column[],
  sections: ReadonlySet<number>,
): void {
  const lookups = { conventions: [...input.tally.conventions].sort(), files: [...input.tally.files.keys()].sort() };
  const meta = {
    statuses: STATUSES,
    short: SHORT,
    conventions: lookups.conventions,
    files: lookups.files,
    columns: columns.map((column) => ({ runner: column.runner, fragment: idFragment(column.label) })),
  };
  sink.write(
    `<div class="matrix-wrap">\n<table id="matrix" class="matrix" data-paged="1">${matrixHead(columns)}<tbody></tbody></table>\n</div>\n`,
  );
  sink.write(
    '<div id="pager"><button type="button" id="pg-prev">&lsaquo; previous</button> <span id="pg-info"></span> <button type="button" id="pg-next">next &rsaquo;</button></div>\n',
  );
  sink.write(`<script type="application/json" id="matrix-meta">${jsonForScript(meta)}</script>\n`);
  sink.write('<script type="application/json" id="matrix-data">[');
  order.forEach((position, at) => {
    const row = pagedRow(input.cases.read(position), columns, lookups, sections.has(position));
    sink.write(`${at ? ',\n' : '\n'}${jsonForScript(row)}`);
  });
  sink.write(']</script>\n');
}

function writeHtml(sink: TextSink, input: ReportInput): void {
  const { tally } = input;
  const columns = columnsOf(tally);
  const title = `tconv report — ${tally.cases} case${tally.cases === 1 ? '' : 's'}, ${tally.failed} failing`;
  sink.write(pageHead(title));
  sink.write(`${headerHtml({ ...input.header, durationMs: input.durationMs }, tally, input.summary)}\n`);
  sink.write('<h2 id="summary">Summary</h2>\n');
  sink.write(`${filtersHtml(tally, columns)}\n`);
  const order = failingFirst(input.cases.index);
  if (order.length <= FULL_HTML_MAX_CASES) {
    writeMatrix(sink, input.cases, order, columns);
    sink.write('<h2 id="cases">Cases</h2>\n');
    if (order.length) writeSections(sink, input, order);
    else sink.write('<p class="note">No cases.</p>\n');
  } else {
    // Full sections for the notable cases that fit the budget (measuring each costs one more
    // render of those cases, never of the passing ones), brief ones for the other notable cases.
    const notable = order.filter((at) => input.cases.index[at]!.notable);
    const full = new Set<number>();
    let used = 0;
    for (const position of notable) {
      if (used >= SECTIONS_BUDGET) break;
      used += caseHtml(input.cases.read(position)).length;
      full.add(position);
    }
    writePagedMatrix(sink, input, order, columns, new Set(notable));
    // The script before the sections: the matrix works while the sections are still parsing.
    sink.write(`<script>${CLIENT_SCRIPT}</script>\n`);
    sink.write('<h2 id="cases">Cases</h2>\n');
    const brief = notable.length - full.size;
    const passing = order.length - notable.length;
    sink.write(
      `<p class="note">This report has ${order.length} cases, over ${FULL_HTML_MAX_CASES}: to open quickly it shows ${full.size} case${full.size === 1 ? '' : 's'} that are not a plain pass in full (failing first)${brief ? `, ${brief} more briefly` : ''}${passing ? `, and leaves out the sections of ${passing} passing case${passing === 1 ? '' : 's'}` : ''}. The JSON report (<code>--json</code>) has every case; <code>tconv run FILE --case NAME --html F</code> shows one case in full.</p>\n`,
    );
    for (const position of notable) {
      const entry = input.cases.read(position);
      sink.write(`${full.has(position) ? caseHtml(entry) : briefCaseHtml(entry)}\n`);
    }
    sink.write('</body>\n</html>\n');
    return;
  }
  sink.write(`<script>${CLIENT_SCRIPT}</script>\n</body>\n</html>\n`);
}

export const htmlReporter: Reporter = withRender({ name: 'html', write: writeHtml });

/** The HTML of a report held in memory. */
export function renderHtml(report: RunReport): string {
  return htmlReporter.render(report);
}
