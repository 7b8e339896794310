/**
 * bin/tconv.mjs runs the compiled build (dist/) only while it is up to date with the sources
 * (bin/dist.mjs): a source edited, touched or deleted after the build, or no build record, sends
 * it back to the TypeScript sources, so a stale build never silently runs old code. Checked on a
 * miniature checkout (copies of bin/tconv.mjs and bin/dist.mjs, one-line sources and builds that
 * say which of the two ran), without compiling the real one.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/cli.js';

interface DistModule {
  readonly RECORD: string;
  readonly RECORD_VERSION: number;
  isFresh(): boolean;
  sourceFiles(): string[];
  stamp(file: string): [number, number];
}

let root: string;
let dist: DistModule;

function write(file: string, text: string): void {
  mkdirSync(dirname(join(root, file)), { recursive: true });
  writeFileSync(join(root, file), text);
}

/** What scripts/build.mjs records after compiling: every source file's mtime and size. */
function recordBuild(): void {
  const files = Object.fromEntries(dist.sourceFiles().map((file) => [file, dist.stamp(file)]));
  writeFileSync(dist.RECORD, JSON.stringify({ version: dist.RECORD_VERSION, files }));
}

/** Which main bin/tconv.mjs ran: 'dist' or 'sources'. */
function whichRuns(env: Record<string, string> = {}): string {
  const result = spawnSync(process.execPath, [join(root, 'bin', 'tconv.mjs')], {
    encoding: 'utf8',
    env: { ...process.env, TCONV_FROM_SOURCES: '', ...env },
  });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout.trim();
}

const main = (from: string): string =>
  `export async function main(argv) { process.stdout.write('${from}\\n'); return 0; }\n`;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'tconv-dist-freshness-'));
  for (const file of ['bin/tconv.mjs', 'bin/dist.mjs']) cpSync(join(REPO_ROOT, file), join(root, file));
  // tsx (for the sources) and yaml's package.json (recorded: the build bundles yaml).
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  write('package.json', '{ "type": "module" }\n');
  write('tsconfig.json', '{}\n');
  write('tsconfig.build.json', '{}\n');
  write('src/cli/main.ts', main('sources').replace('(argv)', '(argv: readonly string[]): Promise<number>'));
  write('runners/runner.ts', 'export const runner = 1;\n');
  write('dist/src/cli/main.js', main('dist'));
  dist = (await import(pathToFileURL(join(root, 'bin', 'dist.mjs')).href)) as DistModule;
});
afterAll(() => rmSync(root, { recursive: true, force: true }));
beforeEach(recordBuild);

describe('bin/tconv.mjs: the build while fresh, else the sources', () => {
  it('runs the build when every recorded source is as it was', () => {
    expect(dist.isFresh()).toBe(true);
    expect(whichRuns()).toBe('dist');
  });

  it('runs the sources once a source is edited (size) or touched (mtime)', () => {
    write('runners/runner.ts', 'export const runner = 22;\n');
    expect(whichRuns()).toBe('sources');
    recordBuild();
    const { mtime } = statSync(join(root, 'src/cli/main.ts'));
    utimesSync(join(root, 'src/cli/main.ts'), mtime, new Date(mtime.getTime() + 2000));
    expect(whichRuns()).toBe('sources');
  });

  it('runs the sources when a recorded file is gone, the record is missing or of another version', () => {
    write('src/extra.ts', 'export {};\n');
    recordBuild();
    expect(dist.isFresh()).toBe(true);
    rmSync(join(root, 'src/extra.ts'));
    expect(dist.isFresh()).toBe(false);
    recordBuild();
    writeFileSync(dist.RECORD, JSON.stringify({ version: dist.RECORD_VERSION + 1, files: {} }));
    expect(dist.isFresh()).toBe(false);
    rmSync(dist.RECORD);
    expect(whichRuns()).toBe('sources');
  });

  it('TCONV_FROM_SOURCES=1 runs the sources even with a fresh build', () => {
    expect(whichRuns({ TCONV_FROM_SOURCES: '1' })).toBe('sources');
  });
});
