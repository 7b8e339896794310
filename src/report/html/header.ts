/** The report's header: versions, selection and status counts. */
import type { RunHeader, RunReport, RunSummary } from '../../run/report.js';
import { STATUSES } from '../../run/status.js';
import type { RunTally } from '../stream/tally.js';
import { duration, statusBadge } from './common.js';
import { escapeHtml as e } from './escape.js';

/** "tconv 0.1.0 (a919425611d6, modified)": the version and, from git, the commit it ran. */
function toolText(tool: RunReport['tool']): string {
  if (!tool.revision) return `${tool.name} ${tool.version}`;
  const modified = tool.revision.endsWith('-dirty') ? ', modified' : '';
  return `${tool.name} ${tool.version} (${tool.revision.slice(0, 12)}${modified})`;
}

export function headerHtml(
  report: RunHeader & { readonly durationMs: number },
  tally: RunTally,
  summary?: RunSummary,
): string {
  const counts = tally.counts;
  const cases = tally.cases;
  const failing = tally.failed;
  const banner =
    cases === 0
      ? '<div class="banner none">No cases were run.</div>'
      : failing > 0
        ? `<div class="banner fail">${failing} failing variant${failing === 1 ? '' : 's'} in ${tally.failingCases} of ${cases} case${cases === 1 ? '' : 's'}</div>`
        : `<div class="banner pass">All ${tally.variants} variants of ${cases} case${cases === 1 ? '' : 's'} pass or are known divergences</div>`;
  const stopped =
    summary && !summary.complete
      ? `<div class="banner fail">The run stopped early (${e(summary.stopped ?? 'stopped')}): ${summary.cases} of ${summary.selected} cases finished; only those are in this report</div>`
      : '';
  const selection = report.selection;
  const run = [
    ['tool', toolText(report.tool)],
    ['node', report.environment.node],
    ['platform', report.environment.platform],
    ['started', report.startedAt],
    ['duration', duration(report.durationMs)],
    ['filter', selection.filter.length ? selection.filter.join(', ') : '(all cases)'],
    ['shard', selection.shard ?? 'none'],
    ['runners', selection.runners.join(', ') || '(none)'],
  ];
  const runners = Object.entries(report.environment.runners);
  const files = report.files
    .map(
      (file) =>
        `<tr><th>${e(file.fileId)}</th><td><code>${e(file.path)}</code>${file.description ? ` — ${e(file.description.trim())}` : ''}</td></tr>`,
    )
    .join('');
  const countBadges = STATUSES.filter((status) => (counts[status] ?? 0) > 0)
    .map((status) => statusBadge(status, `${status} ${counts[status]}`))
    .join('');
  return [
    '<header>',
    '<h1>tconv conformance report</h1>',
    banner,
    stopped,
    `<div class="counts">${countBadges}</div>`,
    '<div class="meta">',
    `<table class="kv"><tbody>${run.map(([label, value]) => `<tr><th>${e(label)}</th><td>${e(value)}</td></tr>`).join('')}</tbody></table>`,
    runners.length
      ? `<table class="kv"><caption class="note">runner versions</caption><tbody>${runners.map(([name, version]) => `<tr><th>${e(name)}</th><td>${e(version)}</td></tr>`).join('')}</tbody></table>`
      : '',
    '</div>',
    files
      ? `<details><summary>Case files (${report.files.length})</summary><table class="kv"><tbody>${files}</tbody></table></details>`
      : '',
    '</header>',
  ].join('\n');
}
