/**
 * The JSON report (schema 2, docs/report-format.md): one JSON document written as a stream of
 * lines, so it never has to be one string and a reader can take it line by line:
 *
 *     {"schemaVersion":2,"tool":{...},...,"files":[...],"cases":[      <- header
 *     {...case...}                                                    <- one case per line
 *     ,{...case...}
 *     ],"durationMs":1234,"summary":{"complete":true,...}}             <- trailer
 *
 * JSON.parse reads the whole file; readStreamedReport (src/run/merge.ts) reads it line by line.
 * JSON has no NaN or Infinity: non-finite numbers are the strings "NaN", "Infinity", "-Infinity".
 */
import type { CaseReport, RunHeader, RunSummary } from '../run/report.js';
import { withRender, type Reporter } from './stream/render.js';
import { encodeNonFinite } from './stream/json-numbers.js';
import type { TextSink } from './stream/sink.js';

export { encodeNonFinite } from './stream/json-numbers.js';

/** The header line ends with this: the cases follow, one per line. */
export const CASES_OPEN = '"cases":[';

export function headerLine(header: RunHeader): string {
  const text = JSON.stringify({ ...header, cases: [] }, encodeNonFinite);
  return `${text.slice(0, -2)}\n`; // drop ']}'
}

export function trailerLine(durationMs: number, summary: RunSummary | undefined): string {
  return `],${JSON.stringify({ durationMs, ...(summary ? { summary } : {}) }).slice(1)}\n`;
}

/** A case as one line of the report. */
export function caseJson(entry: CaseReport): string {
  return JSON.stringify(entry, encodeNonFinite);
}

/** Writes a report case by case; `finish` closes the document. */
export class JsonReportStream {
  private count = 0;

  constructor(
    private readonly sink: TextSink,
    header: RunHeader,
  ) {
    sink.write(headerLine(header));
  }

  add(entry: CaseReport): void {
    this.addJson(caseJson(entry));
  }

  /** A case already in JSON (caseJson): a run writes the same text to its spool. */
  addJson(json: string): void {
    this.sink.write(`${this.count++ ? ',' : ''}${json}\n`);
  }

  finish(durationMs: number, summary: RunSummary | undefined): void {
    this.sink.write(trailerLine(durationMs, summary));
  }
}

export const jsonReporter: Reporter = withRender({
  name: 'json',
  write: (sink, input) => {
    const stream = new JsonReportStream(sink, input.header);
    for (let position = 0; position < input.cases.index.length; position++) stream.add(input.cases.read(position));
    stream.finish(input.durationMs, input.summary);
  },
});
