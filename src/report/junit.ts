/**
 * JUnit XML (the dialect GitLab and GitHub test-report actions read): one <testsuite> per case
 * file, one <testcase> per case x runner variant, <failure> with statistics and diagnosis for the
 * failing statuses, <skipped> for unsupported ones, properties with seeds and versions.
 */
import type { CaseReport, RunReport, VariantReport } from '../run/report.js';
import { FAILING } from '../run/status.js';
import { detailLines } from './details.js';
import { variantLabel } from './console.js';
import type { Reporter } from './registry.js';

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

function testsuite(report: RunReport, file: string, cases: readonly CaseReport[]): string[] {
  const variants = cases.flatMap((entry) => entry.variants);
  const failures = variants.filter((variant) => FAILING.has(variant.status)).length;
  const skipped = variants.filter((variant) => variant.status.endsWith('unsupported')).length;
  const time = variants.reduce((total, variant) => total + variant.wallMs, 0) / 1000;
  return [
    `  <testsuite${attributes({ name: file, tests: variants.length, failures, errors: 0, skipped, time: time.toFixed(4), timestamp: report.startedAt.slice(0, 19) })}>`,
    '    <properties>',
    ...Object.entries(report.environment.runners).map(([name, version]) => property(`version.${name}`, version)),
    property('node', report.environment.node),
    ...cases.map((entry) => property(`seed.${entry.id}`, entry.seed)),
    '    </properties>',
    ...cases.flatMap((entry) => entry.variants.flatMap((variant) => testcase(entry, variant))),
    '  </testsuite>',
  ];
}

export const junitReporter: Reporter = {
  name: 'junit',
  render: (report) => {
    const byFile = new Map<string, CaseReport[]>();
    for (const entry of report.cases) byFile.set(entry.file, [...(byFile.get(entry.file) ?? []), entry]);
    const variants = report.cases.flatMap((entry) => entry.variants);
    const failures = variants.filter((variant) => FAILING.has(variant.status)).length;
    return [
      '<?xml version="1.0" encoding="UTF-8"?>',
      `<testsuites${attributes({ name: 'tconv', tests: variants.length, failures, errors: 0, time: (report.durationMs / 1000).toFixed(3) })}>`,
      ...[...byFile].flatMap(([file, cases]) => testsuite(report, file, cases)),
      '</testsuites>',
      '',
    ].join('\n');
  },
};
