#!/usr/bin/env node
// tconv build: compiles src/ and runners/ to dist/ (tsconfig.build.json) so that bin/tconv.mjs
// starts without transpiling TypeScript (~0.1 s instead of ~0.6 s). Idempotent: nothing to do
// when dist/ is up to date (bin/dist.mjs).
//
//   node scripts/build.mjs            build when stale
//   node scripts/build.mjs --quiet    print only errors
//   node scripts/build.mjs --force    build even when up to date
//
// Until a build exists, or whenever a source changed after it, tconv simply runs from sources
// (tsx), so developing never needs this step. Exit codes: 0 built or up to date, 1 failed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileLock } from './lib/lock.mjs';
import { BUNDLED_PACKAGES, DIST, RECORD, RECORD_VERSION, ROOT, isFresh, sourceFiles, stamp } from '../bin/dist.mjs';

const args = new Set(process.argv.slice(2));
const quiet = args.has('--quiet');
const say = (line) => quiet || process.stdout.write(`build: ${line}\n`);

if (!args.has('--force') && isFresh()) {
  say('dist/ is up to date');
  process.exit(0);
}

// One build at a time (two would delete each other's output); the one that waited finds
// dist/ up to date.
const lockPath = path.join(ROOT, 'node_modules', '.cache', 'tconv', 'build.lock');
fs.mkdirSync(path.dirname(lockPath), { recursive: true });
const lock = fileLock({
  path: lockPath,
  what: 'build',
  say,
  failure: (message, fix) => new Error(`${message}; ${fix}`),
});
await lock.acquire();
process.on('exit', () => lock.release());
if (!args.has('--force') && isFresh()) {
  say('dist/ is up to date (built meanwhile)');
  process.exit(0);
}

// Stamps from before compiling: a file edited while tsc runs then makes the build stale.
const files = Object.fromEntries(sourceFiles().map((file) => [file, stamp(file)]));
// Without a record the build counts as stale while tsc rewrites it (a tconv starting meanwhile
// runs from sources); outputs of deleted sources go with the old tree.
fs.rmSync(DIST, { recursive: true, force: true });
const started = Date.now();
const tsc = createRequire(path.join(ROOT, 'package.json')).resolve('typescript/bin/tsc');
const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
if (result.status !== 0) {
  process.stderr.write(`build: tsc -p tsconfig.build.json failed (tconv keeps running from sources):\n`);
  process.stderr.write(result.stdout + result.stderr);
  process.exit(1);
}
bundlePackages();
const temporary = `${RECORD}.${process.pid}.tmp`;
fs.writeFileSync(temporary, `${JSON.stringify({ version: RECORD_VERSION, files }, null, 1)}\n`);
fs.renameSync(temporary, RECORD);
say(`compiled ${Object.keys(files).length} files to dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);

/**
 * yaml is ~70 CommonJS files, and loading them one by one took ~50 ms of every start (more than
 * the rest of `tconv explain`). The build bundles each such package into one file in
 * dist/node_modules/NAME, which Node's resolution finds first from dist/ files; the sources and
 * the tests keep using node_modules/NAME. esbuild is tsx's own dependency; without it the
 * build simply leaves the packages unbundled.
 */
function bundlePackages() {
  let esbuild;
  try {
    esbuild = createRequire(createRequire(path.join(ROOT, 'package.json')).resolve('tsx/package.json'))('esbuild');
  } catch {
    say('esbuild not found: dependencies left unbundled (slower start)');
    return;
  }
  const rootRequire = createRequire(path.join(ROOT, 'package.json'));
  for (const name of BUNDLED_PACKAGES) {
    const target = path.join(DIST, 'node_modules', name);
    const { version } = JSON.parse(fs.readFileSync(rootRequire.resolve(`${name}/package.json`), 'utf8'));
    // An ES module with the package's named exports: imported from ESM, a CommonJS bundle costs
    // about what the files it replaces did (its exports are found by lexing it). The package's
    // own `require`s (node:process) need a require in the bundle.
    const names = Object.keys(rootRequire(name)).filter((key) => /^[A-Za-z_$][\w$]*$/.test(key) && key !== 'default');
    esbuild.buildSync({
      stdin: {
        contents: `import pkg from ${JSON.stringify(rootRequire.resolve(name))};\nexport const { ${names.join(', ')} } = pkg;\nexport default pkg;\n`,
        resolveDir: ROOT,
        sourcefile: `${name}-entry.mjs`,
      },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      banner: {
        js: "import { createRequire as __tconvRequire } from 'node:module'; const require = __tconvRequire(import.meta.url);",
      },
      outfile: path.join(target, 'index.js'),
      logLevel: 'warning',
    });
    const manifest = {
      name,
      version,
      private: true,
      description: `${name} ${version} bundled by scripts/build.mjs`,
      type: 'module',
      exports: './index.js',
    };
    fs.writeFileSync(path.join(target, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  }
}
