/**
 * A planted bug (a runner whose output is shifted by one row) must be diagnosed as such in every
 * report: console, JSON, JUnit and HTML.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCaseFiles } from '../src/case/load.js';
import { failureDetails } from '../src/report/console.js';
import { detailLines } from '../src/report/details.js';
import { REPORTERS } from '../src/report/registry.js';
import { runConformance } from '../src/run/conformance.js';
import type { RunReport } from '../src/run/report.js';
import { openInProcessSession } from '../src/run/session.js';
import { shiftedRunner } from './fixtures/shifted-runner.js';

const SHIFT_TEXT =
  /shifted along H: matches if the extra pad row were at the start \(beginCrop 1 instead of 0 on axis H\)/;

describe('a runner whose output is shifted by one row', () => {
  let report: RunReport;
  beforeAll(async () => {
    const files = loadCaseFiles(['test/fixtures/planted/shift.yaml'], { maxElements: 1e6 });
    const session = await openInProcessSession(shiftedRunner);
    report = await runConformance(files, files[0]!.cases, {
      sessions: [session],
      expectations: [],
      selection: { filter: [], shard: null, runners: ['reference', 'tfjs-cpu'] },
    });
  });

  it('is a mismatch with a shift diagnosis in the report data', () => {
    const variant = report.cases[0]!.variants[1]!;
    expect(variant.status).toBe('mismatch');
    const comparison = variant.judgement.comparison;
    expect(comparison?.stage).toBe('values');
    if (comparison?.stage !== 'values') return;
    expect(comparison.diagnosis?.explanation.kind).toBe('shift');
    expect(comparison.diagnosis?.explanation.shifts).toEqual([
      expect.objectContaining({ axis: 'H', expectedBeginCrop: 0, actualBeginCrop: 1 }),
    ]);
  });

  it('is diagnosed on the console, torch-style', () => {
    const text = failureDetails(report, detailLines).join('\n');
    expect(text).toMatch(
      /MISMATCH: planted\/shift\/tf-same-odd-total \[tfjs-cpu shifted\]|MISMATCH: .*tf-same-odd-total \[tfjs-cpu shifted\]/,
    );
    expect(text).toMatch(/Mismatched elements: \d+ \/ 300 \(/);
    expect(text).toMatch(/Greatest absolute difference: .* at index \(0, \d, \d, \d\)/);
    expect(text).toMatch(SHIFT_TEXT);
  });

  it('is diagnosed in the JSON report', () => {
    const json = JSON.parse(REPORTERS.json.render(report)) as RunReport;
    const comparison = json.cases[0]!.variants[1]!.judgement.comparison;
    expect(comparison?.stage === 'values' && comparison.diagnosis?.summary).toMatch(SHIFT_TEXT);
  });

  it('is diagnosed in the JUnit report', () => {
    const xml = REPORTERS.junit.render(report);
    const failure = /<failure message="([^"]*)" type="mismatch">([^<]*)<\/failure>/.exec(xml);
    expect(failure).not.toBeNull();
    expect(failure![2]).toMatch(SHIFT_TEXT);
    expect(failure![2]).toContain('Mismatched elements:');
  });

  it('is diagnosed in the HTML report', () => {
    const html = REPORTERS.html.render(report);
    expect(html).toMatch(SHIFT_TEXT);
  });
});
