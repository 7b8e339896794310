/**
 * Report files: `--report DIR` writes all formats into DIR; `--json F`, `--junit F`, `--html F`
 * one each. Every file is written atomically (temp file + rename), and only over an earlier
 * tconv report (targets.ts).
 */
import { join } from 'node:path';
import { checkOutputPath, writeOutput } from './targets.js';
import type { RunReport } from '../run/report.js';
import { REPORTERS, type ReporterName } from './registry.js';

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

export function writeReports(report: RunReport, targets: ReportTargets): string[] {
  const written: string[] = [];
  for (const [name, path] of Object.entries(targets) as [ReporterName, string][]) {
    writeOutput(path, REPORTERS[name].render(report));
    written.push(path);
  }
  return written;
}
