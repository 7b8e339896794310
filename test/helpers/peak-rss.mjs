// Preloaded (`node --import`) into a tconv process a test measures: at exit, the process's peak
// resident memory (getrusage's ru_maxrss, in bytes) is written to TCONV_TEST_PEAK_FILE. Polling
// /proc would miss the last moments, when the reports are written.
import { writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

const target = process.env.TCONV_TEST_PEAK_FILE;
if (target && isMainThread) {
  process.on('exit', () => writeFileSync(target, String(process.resourceUsage().maxRSS * 1024)));
}
