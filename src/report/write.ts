/**
 * Report files: `--report DIR` writes all formats into DIR; `--json F`, `--junit F`, `--html F`
 * one each. Every file is written through a temporary file and a rename, and only over an
 * earlier tconv report (targets.ts).
 *
 * A run's reports are streamed (ReportStream): the JSON report is written case by case as the
 * cases finish, the cases are spooled to a temporary file, and JUnit and HTML are written from
 * the spool at the end, one case at a time. Memory is bounded by the largest case, not the suite,
 * and `finish` (also on Ctrl-C or an error midway) leaves complete files for every finished case.
 */
import { join } from 'node:path';
import type { CaseReport, RunHeader, RunReport, RunSummary } from '../run/report.js';
import { caseJson, JsonReportStream } from './json.js';
import { REPORTERS, type ReporterName } from './registry.js';
import { CaseSpool } from './stream/cases.js';
import { AtomicFileSink } from './stream/sink.js';
import { RunTally } from './stream/tally.js';
import { checkOutputPath } from './targets.js';

export type ReportTargets = Partial<Record<ReporterName, string>>;

const FILE_NAMES: Record<ReporterName, string> = { json: 'tconv.json', junit: 'junit.xml', html: 'index.html' };

export function reportTargets(values: Record<string, unknown>): ReportTargets {
  const targets: ReportTargets = {};
  const directory = values['report'];
  for (const name of Object.keys(FILE_NAMES) as ReporterName[]) {
    const single = values[name];
    if (typeof single === 'string') targets[name] = single;
    else if (typeof directory === 'string') targets[name] = join(directory, FILE_NAMES[name]);
  }
  for (const [name, path] of Object.entries(targets) as [ReporterName, string][]) {
    checkOutputPath(typeof values[name] === 'string' ? `--${name}` : '--report', path, name);
  }
  return targets;
}

/** The reports of one run, written as its cases come. */
export class ReportStream {
  readonly tally = new RunTally();
  private readonly json: { sink: AtomicFileSink; stream: JsonReportStream } | null = null;
  private readonly spool: CaseSpool | null = null;
  private finished = false;

  constructor(
    private readonly targets: ReportTargets,
    private readonly header: RunHeader,
  ) {
    if (targets.json) {
      const sink = new AtomicFileSink(targets.json);
      this.json = { sink, stream: new JsonReportStream(sink, header) };
    }
    if (targets.junit || targets.html) this.spool = new CaseSpool();
  }

  add(entry: CaseReport): void {
    this.tally.add(entry);
    // Made once for both: at 100,000 cases JSON.stringify is a noticeable part of the run.
    const json = this.json || this.spool ? caseJson(entry) : '';
    this.json?.stream.addJson(json);
    // Flushed per case: a process killed outright still leaves every finished case in the
    // temporary file, line by line.
    this.json?.sink.flush();
    this.spool?.addJson(entry, json);
  }

  get done(): boolean {
    return this.finished;
  }

  /** Writes every report (idempotent); returns the paths written, in --report order. */
  finish(durationMs: number, summary: RunSummary): string[] {
    if (this.finished) return [];
    this.finished = true;
    const written: string[] = [];
    try {
      if (this.json && this.targets.json) {
        this.json.stream.finish(durationMs, summary);
        this.json.sink.commit();
        written.push(this.targets.json);
      }
      for (const name of ['junit', 'html'] as const) {
        const path = this.targets[name];
        if (!path || !this.spool) continue;
        const sink = new AtomicFileSink(path);
        try {
          REPORTERS[name].write(sink, {
            header: this.header,
            durationMs,
            summary,
            tally: this.tally,
            cases: this.spool,
          });
          sink.commit();
        } catch (error) {
          sink.discard();
          throw error;
        }
        written.push(path);
      }
    } finally {
      this.json?.sink.discard();
      this.spool?.close();
    }
    return written;
  }
}

/** Writes the reports of a run held in memory (compare). */
export function writeReports(report: RunReport, targets: ReportTargets): string[] {
  const { cases, durationMs, summary, ...header } = report;
  const stream = new ReportStream(targets, header);
  for (const entry of cases) stream.add(entry);
  const counts = stream.tally.counts;
  return stream.finish(
    durationMs,
    summary ?? { complete: true, cases: cases.length, selected: cases.length, counts: { ...counts } },
  );
}
