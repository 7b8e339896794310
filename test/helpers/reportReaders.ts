/**
 * Reading written reports the way their documentation says a consumer can: the JSON report by
 * the line reader of docs/report-format.md, JUnit XML by a real XML parser (Python's
 * xml.etree, from the interpreter `npm run setup` prepares).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { CaseReport } from '../../src/run/report.js';
import { choosePython } from '../../runners/torch/python.js';

export interface LineRead {
  readonly header: Record<string, unknown>;
  readonly cases: CaseReport[];
  /** `{cases: [], durationMs, summary}`; null when the file has no trailer (a killed run). */
  readonly trailer: Record<string, unknown> | null;
}

/** The line reader of docs/report-format.md, as written there. */
export function readReportLines(path: string): LineRead {
  const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
  const header = JSON.parse(`${lines[0]}]}`) as Record<string, unknown>;
  const trailerAt = lines.findIndex((line, index) => index > 0 && line.startsWith(']'));
  const cases = lines
    .slice(1, trailerAt < 0 ? undefined : trailerAt)
    .map((line) => JSON.parse(line.replace(/^,/, '')) as CaseReport);
  const trailer = trailerAt < 0 ? null : (JSON.parse(`{"cases":[${lines[trailerAt]}`) as Record<string, unknown>);
  return { header, cases, trailer };
}

export interface JunitCounts {
  readonly root: string;
  readonly tests: number;
  readonly failures: number;
  readonly testcases: number;
  readonly failureElements: number;
}

const JUNIT_COUNTS = `
import json, sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
cases = root.findall("./testsuite/testcase")
print(json.dumps({"root": root.tag, "tests": int(root.get("tests")), "failures": int(root.get("failures")),
                  "testcases": len(cases), "failureElements": sum(1 for c in cases if c.find("failure") is not None)}))
`;

/** Parses the file with xml.etree (throws on XML that is not well formed) and counts. */
export function junitCounts(path: string): JunitCounts {
  const python = choosePython().executable;
  return JSON.parse(execFileSync(python, ['-c', JUNIT_COUNTS, path], { encoding: 'utf8' })) as JunitCounts;
}
