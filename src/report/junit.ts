/**
 * JUnit XML (the dialect GitLab and GitHub test-report actions read): one <testsuite> per case
 * file, one <testcase> per case x runner variant, <failure> with statistics and diagnosis for the
 * failing statuses, <skipped> for unsupported ones, properties with seeds and versions.
 */
import type { CaseReport, VariantReport } from '../run/report.js';
import { FAILING } from '../run/status.js';
import { detailLines } from './details.js';
import { variantLabel } from './console.js';
import { withRender, type Reporter, type ReportInput } from './stream/render.js';
import type { TextSink } from './stream/sink.js';

/** XML 1.0 text: escapes markup and drops characters XML cannot carry. */
export function xmlEscape(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

const attributes = (values: Record<string, string | number>): string =>
  Object.entries(values)
    .map(([name, value]) => ` ${name}="${xmlEscape(String(value))}"`)
    .join('');

function property(name: string, value: string | number): string {
  return `      <property${attributes({ name, value })}/>`;
}

function testcase(entry: CaseReport, variant: VariantReport): string[] {
  const head = `    <testcase${attributes({ classname: entry.id, name: variantLabel(variant), file: entry.file, time: (variant.wallMs / 1000).toFixed(4) })}>`;
  const body: string[] = [];
  if (FAILING.has(variant.status)) {
    const message = `${variant.status}: ${variant.judgement.summary}`.slice(0, 500);
    body.push(
      `      <failure${attributes({ message, type: variant.status })}>${xmlEscape(detailLines(variant).join('\n'))}</failure>`,
    );
  } else if (variant.status === 'unsupported' || variant.status === 'expected-unsupported') {
    body.push(`      <skipped${attributes({ message: variant.judgement.summary.slice(0, 500) })}/>`);
  } else if (variant.status.startsWith('expected-')) {
    body.push(
      `      <system-out>${xmlEscape(`known divergence (${variant.status}): ${variant.expected?.reason ?? ''}\n${variant.judgement.summary}`)}</system-out>`,
    );
  }
  return body.length ? [head, ...body, '    </testcase>'] : [head.replace(/>$/, '/>')];
}

function testsuite(input: ReportInput, sink: TextSink, file: string, positions: readonly number[]): void {
  const { header } = input;
  const totals = input.tally.files.get(file) ?? { tests: 0, failures: 0, skipped: 0, wallMs: 0 };
  const head = [
    `  <testsuite${attributes({ name: file, tests: totals.tests, failures: totals.failures, errors: 0, skipped: totals.skipped, time: (totals.wallMs / 1000).toFixed(4), timestamp: header.startedAt.slice(0, 19) })}>`,
    '    <properties>',
    ...Object.entries(header.environment.runners).map(([name, version]) => property(`version.${name}`, version)),
    property('node', header.environment.node),
    ...positions.map((position) =>
      property(`seed.${input.cases.index[position]!.id}`, input.cases.index[position]!.seed),
    ),
    '    </properties>',
  ];
  sink.write(`${head.join('\n')}\n`);
  for (const position of positions) {
    const entry = input.cases.read(position);
    const lines = entry.variants.flatMap((variant) => testcase(entry, variant));
    if (lines.length) sink.write(`${lines.join('\n')}\n`);
  }
  sink.write('  </testsuite>\n');
}

/** Streams the XML: one case read at a time, totals from the tally. */
export const junitReporter: Reporter = withRender({
  name: 'junit',
  write: (sink, input) => {
    const byFile = new Map<string, number[]>();
    input.cases.index.forEach((entry, position) => {
      const positions = byFile.get(entry.file) ?? [];
      positions.push(position);
      byFile.set(entry.file, positions);
    });
    const { tally } = input;
    sink.write('<?xml version="1.0" encoding="UTF-8"?>\n');
    if (input.summary && !input.summary.complete) {
      sink.write(
        `<!-- tconv: the run stopped early (${xmlEscape(input.summary.stopped ?? 'stopped').replace(/--/g, '- -')}): ${input.summary.cases} of ${input.summary.selected} cases -->\n`,
      );
    }
    sink.write(
      `<testsuites${attributes({ name: 'tconv', tests: tally.variants, failures: tally.failed, errors: 0, time: (input.durationMs / 1000).toFixed(3) })}>\n`,
    );
    for (const [file, positions] of byFile) testsuite(input, sink, file, positions);
    sink.write('</testsuites>\n');
  },
});
