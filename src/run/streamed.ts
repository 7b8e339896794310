/**
 * `tconv run` as a stream: cases run (on `jobs` lanes), each finished case goes to the reports
 * and the console at once and is then dropped, so a run of any size keeps the memory of the
 * cases in flight. Ctrl-C or SIGTERM stops after the cases in flight and still writes every
 * report for the finished cases (marked incomplete); a second one, or an internal error, writes
 * them at once from what is there.
 */
import type { LoadedCase, LoadedFile } from '../case/load.js';
import { EXIT } from '../errors.js';
import { caseFailureDetails, caseLines, closingLine, summaryTable } from '../report/console.js';
import { detailLines } from '../report/details.js';
import { Progress } from '../report/progress.js';
import { ReportStream, type ReportTargets } from '../report/write.js';
import { runCases, runHeader, type ConformanceOptions } from './conformance.js';
import type { RunSummary } from './report.js';
import { FAILING } from './status.js';

/** Failures whose full details the console keeps for the end; beyond it, their one-line status only. */
export const MAX_DETAILED_FAILURES = 200;

export interface StreamedRunOptions extends ConformanceOptions {
  readonly files: readonly LoadedFile[];
  readonly cases: readonly LoadedCase[];
  readonly targets: ReportTargets;
  /** Every variant's line, as before progress lines existed. */
  readonly verbose: boolean;
}

export async function streamRun(options: StreamedRunOptions): Promise<number> {
  const startedAt = new Date();
  const reports = new ReportStream(options.targets, runHeader(options.files, options, startedAt));
  const out = process.stdout;
  const progress = new Progress(out, options.cases.length, out.isTTY === true && !options.verbose);
  const details: string[] = [];
  let detailed = 0;
  let stopReason: string | null = null;

  const finish = (stopped: string | null): string[] => {
    const summary: RunSummary = {
      complete: stopped === null && reports.tally.cases === options.cases.length,
      ...(stopped ? { stopped } : {}),
      cases: reports.tally.cases,
      selected: options.cases.length,
      counts: { ...reports.tally.counts },
    };
    return reports.finish(Date.now() - startedAt.getTime(), summary);
  };
  // Last resort (process.exit from elsewhere, a second Ctrl-C): everything here is synchronous.
  const onExit = (): void => {
    if (!reports.done) finish(stopReason ?? 'exited');
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopReason !== null) {
      progress.clear();
      finish(stopReason);
      process.exit(130);
    }
    stopReason = signal === 'SIGINT' ? 'interrupted (SIGINT)' : `terminated (${signal})`;
    progress.print([
      `tconv run: ${stopReason}: finishing the cases in flight and writing the reports (again to quit at once)`,
    ]);
  };
  process.on('exit', onExit);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const end = await runCases(
      options.cases,
      { ...options, shouldStop: () => stopReason !== null || (options.shouldStop?.() ?? false) },
      (entry) => {
        reports.add(entry);
        const failing = entry.variants.some((variant) => FAILING.has(variant.status));
        if (options.verbose) progress.print(caseLines(entry));
        else if (failing) {
          progress.print(caseLines(entry).filter((_, index) => FAILING.has(entry.variants[index]!.status)));
        }
        if (failing && detailed < MAX_DETAILED_FAILURES) {
          detailed++;
          details.push(...caseFailureDetails(entry, detailLines));
        }
        progress.update(reports.tally, entry.id);
      },
    );
    progress.clear();
    const left = reports.tally.failingCases - detailed;
    const lines = [
      '',
      ...summaryTable(reports.tally),
      ...details,
      ...(left > 0 ? ['', `(details of ${left} more failing case${left === 1 ? '' : 's'} are in the reports)`] : []),
      '',
      closingLine(reports.tally),
    ];
    if (!end.summary.complete) {
      lines.push(
        `STOPPED: ${stopReason ?? 'stopped'}: ${reports.tally.cases} of ${options.cases.length} cases finished`,
      );
    }
    out.write(`${lines.join('\n')}\n`);
    for (const path of finish(stopReason)) out.write(`wrote ${path}\n`);
    if (stopReason !== null) return 130;
    return reports.tally.failed > 0 ? EXIT.mismatch : EXIT.ok;
  } catch (error) {
    progress.clear();
    // The finished cases are still worth having.
    finish(`internal error: ${(error as Error).message}`);
    throw error;
  } finally {
    process.off('exit', onExit);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
