#!/usr/bin/env node
// tconv browser setup: the HTML report's browser test drives a real headless Chromium through
// playwright-core. Browser downloads (`npx playwright install`) are not possible offline, so this
// uses the system's Chromium, installing Debian's `chromium` package with apt-get when it is
// missing and we are root. Idempotent: a no-op when a Chromium is already there.
//
//   node scripts/setup-browser.mjs [--quiet] [--check]
// Environment: TCONV_CHROMIUM (path of a Chromium/Chrome binary to use).
// Exit codes: 0 ready, 3 not ready.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const quiet = process.argv.includes('--quiet');
const checkOnly = process.argv.includes('--check');
const CANDIDATES = [
  process.env.TCONV_CHROMIUM,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
];

const say = (line) => {
  if (!quiet) console.log(`tconv setup-browser: ${line}`);
};
const found = () => CANDIDATES.find((path) => path && existsSync(path));

function run(command, args) {
  const result = spawnSync(command, args, {
    stdio: quiet ? 'ignore' : 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return result.status === 0;
}

if (found()) {
  say(`ready: ${found()}`);
  process.exit(0);
}
if (checkOnly) {
  console.error('tconv setup-browser: no Chromium found (set TCONV_CHROMIUM or run node scripts/setup-browser.mjs)');
  process.exit(3);
}
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot) {
  console.error(
    'tconv setup-browser: no Chromium found and not root, so it cannot be installed here.\n' +
      'Fix: install it (Debian/Ubuntu: sudo apt-get install chromium) or set TCONV_CHROMIUM=/path/to/chrome.',
  );
  process.exit(3);
}
say('installing Debian package chromium with apt-get (one time, ~1 min)');
if (
  !run('apt-get', ['update', '-qq']) ||
  !run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'])
) {
  console.error(
    'tconv setup-browser: apt-get could not install chromium. Fix: apt-get install chromium, or set TCONV_CHROMIUM.',
  );
  process.exit(3);
}
if (!found()) {
  console.error('tconv setup-browser: chromium installed but not found at /usr/bin/chromium; set TCONV_CHROMIUM.');
  process.exit(3);
}
say(`ready: ${found()}`);
