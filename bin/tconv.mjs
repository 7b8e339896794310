#!/usr/bin/env node
// Entry point. Runs the compiled build in dist/ (npm run build, part of npm run setup) when it
// is up to date with the sources: a start takes ~0.1 s instead of the ~0.6 s of transpiling
// TypeScript at each start. Otherwise (no build, a source edited since, TCONV_FROM_SOURCES=1)
// it runs the TypeScript sources through tsx's loader, so development needs no build step.
// `--runner-module` may load a TypeScript module, which needs tsx's loader: from sources too.
import { isFresh } from './dist.mjs';

const args = process.argv.slice(2);
const loadsTypeScript = args.some((arg) => arg === '--runner-module' || arg.startsWith('--runner-module='));
let main;
if (process.env.TCONV_FROM_SOURCES !== '1' && !loadsTypeScript && isFresh()) {
  ({ main } = await import('../dist/src/cli/main.js'));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
const code = await main(args);
// Flush stdout before exiting (large JSON outputs to a pipe).
process.stdout.write('', () => process.exit(code));
