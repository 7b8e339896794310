// Whether dist/ (the compiled build, `npm run build`) is up to date with the TypeScript sources.
//
// The build records every source file's size and mtime as they were just before compiling;
// tconv uses the build only when every recorded file still has them (a changed, touched or
// deleted file, or no record, means stale: run from sources). Stat-ing the ~200 files takes a
// few milliseconds, where transpiling them at each start took ~0.5 s. A new file only matters
// once an existing file imports it, and that file's change is seen.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = path.join(ROOT, 'dist');
export const RECORD = path.join(DIST, 'build.json');
/** What the build compiles (tsconfig.build.json's include) and the settings that shape its output. */
export const SOURCE_DIRS = ['src', 'runners'];
export const CONFIG_FILES = ['tsconfig.json', 'tsconfig.build.json'];
/** Packages the build copies into dist/node_modules as one file each (scripts/build.mjs). */
export const BUNDLED_PACKAGES = ['yaml'];
export const RECORD_VERSION = 1;

/** [mtimeMs, size] of a file relative to the root. */
export function stamp(file) {
  const stats = fs.statSync(path.join(ROOT, file));
  return [stats.mtimeMs, stats.size];
}

/** The files the build depends on, relative to the root, '/'-separated, sorted. */
export function sourceFiles() {
  const files = [...CONFIG_FILES, ...BUNDLED_PACKAGES.map((name) => `node_modules/${name}/package.json`)];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const file = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(file);
      else if (/\.(ts|mts|cts|json)$/.test(entry.name)) files.push(file);
    }
  };
  SOURCE_DIRS.forEach(walk);
  return files.sort();
}

/** True when dist/ holds a complete build of the current sources. */
export function isFresh() {
  let record;
  try {
    record = JSON.parse(fs.readFileSync(RECORD, 'utf8'));
  } catch {
    return false;
  }
  if (record?.version !== RECORD_VERSION || typeof record.files !== 'object') return false;
  try {
    for (const [file, [mtimeMs, size]] of Object.entries(record.files)) {
      const [nowMtimeMs, nowSize] = stamp(file);
      if (nowMtimeMs !== mtimeMs || nowSize !== size) return false;
    }
  } catch {
    return false; // a recorded file is gone
  }
  return true;
}
