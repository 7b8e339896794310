/**
 * The child process side: loads one runner and executes expressions on request. A native crash
 * here (abort, signal) ends only this process; the parent reports it and starts a new one.
 */
import { pathToFileURL } from 'node:url';
import type { Runner } from '../types.js';
import type { HostReply, HostRequest, RunnerSource } from './protocol.js';

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

async function run(request: Extract<HostRequest, { type: 'run' }>): Promise<void> {
  const started = performance.now();
  let result;
  try {
    if (!runner) throw new Error('runner not loaded');
    result = await runner.execute(request.geometry, request.expression, request.tensors);
  } catch (error) {
    result = { status: 'error' as const, message: (error as Error).message };
  }
  reply({ type: 'result', id: request.id, result, wallMs: performance.now() - started });
}

process.on('message', (message: HostRequest) => {
  void (message.type === 'load' ? load(message.source) : run(message));
});
// The parent going away (closed IPC channel) ends the child.
process.on('disconnect', () => process.exit(0));
