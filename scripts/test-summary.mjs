// Prints "N passed, N failed, N skipped" from vitest's JSON results (the closing line CI reads).
import { readFileSync } from 'node:fs';

const path = process.argv[2] ?? 'test-artifacts/vitest-results.json';
try {
  const results = JSON.parse(readFileSync(path, 'utf8'));
  const skipped = (results.numPendingTests ?? 0) + (results.numTodoTests ?? 0);
  console.log(`${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped`);
} catch (error) {
  console.error(`test-summary: no vitest results at ${path} (${error.message})`);
  process.exit(1);
}
