/**
 * The child process side: loads one runner and executes variants on request. A native crash
 * here (abort, signal) ends only this process; the parent reports it and starts a new one.
 */
import { pathToFileURL } from 'node:url';
import type { ExecuteResult, Runner } from '../types.js';
import type { HostReply, HostRequest, ItemResult, RunItem, RunnerSource } from './protocol.js';

let runner: Runner | undefined;

function reply(message: HostReply): void {
  process.send?.(message);
}

async function load(source: RunnerSource): Promise<void> {
  try {
    const module = (await import(pathToFileURL(source.modulePath).href)) as Record<string, Runner | undefined>;
    const candidate = module[source.exportName];
    if (!candidate) throw new Error(`${source.modulePath} does not export '${source.exportName}'`);
    const version = await candidate.load();
    runner = candidate;
    reply({ type: 'loaded', version });
  } catch (error) {
    reply({ type: 'load-failed', message: (error as Error).message });
  }
}

const errorResult = (error: unknown): ExecuteResult => ({
  status: 'error',
  message: error instanceof Error ? error.message : String(error),
});

async function runOne(item: RunItem): Promise<ItemResult> {
  const started = performance.now();
  let result: ExecuteResult;
  try {
    if (!runner) throw new Error('runner not loaded');
    result = await runner.execute(item.geometry, item.expression, item.tensors);
  } catch (error) {
    result = errorResult(error);
  }
  return { id: item.id, result, wallMs: performance.now() - started };
}

/** All items in one native call; a throw is every item's error (the runner returns its own). */
async function runTogether(items: readonly RunItem[]): Promise<ItemResult[]> {
  const started = performance.now();
  let results: readonly ExecuteResult[];
  try {
    if (!runner?.executeBatch) throw new Error('runner cannot execute variants together');
    results = await runner.executeBatch(items);
  } catch (error) {
    results = items.map(() => errorResult(error));
  }
  const wallMs = (performance.now() - started) / items.length;
  return items.map((item, index) => ({ id: item.id, result: results[index] ?? errorResult('no result'), wallMs }));
}

async function run(request: Extract<HostRequest, { type: 'run' }>): Promise<void> {
  if (!request.together || request.items.length < 2) {
    // One reply per item, as it finishes: the parent's timeout restarts at each.
    for (const item of request.items) reply({ type: 'results', results: [await runOne(item)] });
    return;
  }
  if (runner?.executeBatch) {
    reply({ type: 'results', results: await runTogether(request.items) });
    return;
  }
  // One after the other, one reply (fewer messages), each item timed on its own.
  const results: ItemResult[] = [];
  for (const item of request.items) results.push(await runOne(item));
  reply({ type: 'results', results });
}

process.on('message', (message: HostRequest) => {
  void (message.type === 'load' ? load(message.source) : run(message));
});
// The parent going away (closed IPC channel) ends the child.
process.on('disconnect', () => process.exit(0));
