/**
 * The reporter interface: a reporter writes a report to a sink piece by piece, from an index of
 * its cases and running totals (never the whole report as one string); `render` gives the same
 * text as a string for a report held in memory (compare, tests).
 */
import type { RunHeader, RunReport, RunSummary } from '../../run/report.js';
import { memorySource, type CaseSource } from './cases.js';
import { StringSink, type TextSink } from './sink.js';
import { tallyOf, type RunTally } from './tally.js';

export interface ReportInput {
  readonly header: RunHeader;
  readonly durationMs: number;
  readonly summary?: RunSummary;
  readonly tally: RunTally;
  readonly cases: CaseSource;
}

export interface ReportWriter {
  readonly name: string;
  write(sink: TextSink, input: ReportInput): void;
}

export interface Reporter extends ReportWriter {
  render(report: RunReport): string;
}

/** The input of a report held in memory. */
export function reportInput(report: RunReport): ReportInput {
  const { cases, durationMs, summary, ...header } = report;
  return {
    header,
    durationMs,
    ...(summary ? { summary } : {}),
    tally: tallyOf(report),
    cases: memorySource(cases),
  };
}

export function withRender(writer: ReportWriter): Reporter {
  return {
    ...writer,
    render: (report) => {
      const sink = new StringSink();
      writer.write(sink, reportInput(report));
      return sink.text();
    },
  };
}
