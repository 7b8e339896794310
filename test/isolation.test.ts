import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveGeometry } from '../src/geometry/resolve.js';
import type { ConvTransposeGeometry } from '../src/geometry/types.js';
import { caseTensors } from '../src/data/tensors.js';
import type { CaseSpec } from '../src/case/types.js';
import { openIsolatedSession } from '../runners/host/session.js';
import type { RunnerSession } from '../src/run/session.js';
import { crashingBatchRunner, crashingRunner } from './fixtures/crashing-runner.js';

const source = {
  modulePath: fileURLToPath(new URL('./fixtures/crashing-runner.ts', import.meta.url)),
  exportName: 'crashingRunner',
};

function caseWithBatch(batch: number): { spec: CaseSpec; geometry: ConvTransposeGeometry } {
  const spec: CaseSpec = { name: `b${batch}`, input: [batch, 2, 3, 3], out_channels: 2, kernel: [3, 3], strides: 2 };
  const resolved = resolveGeometry(spec);
  if (!resolved.ok) throw new Error('bad test geometry');
  return { spec, geometry: resolved.geometry };
}

async function runBatch(session: RunnerSession, batch: number) {
  const { spec, geometry } = caseWithBatch(batch);
  const [result] = await session.runCase(geometry, caseTensors(spec, geometry, 7));
  return result!;
}

describe('runner isolation', () => {
  let session: RunnerSession | undefined;
  afterAll(async () => session?.close());

  it('reports a crash with the signal and stderr, then keeps running on a fresh process', async () => {
    session = await openIsolatedSession(crashingRunner, source, 5_000);
    expect((await runBatch(session, 1)).outcome.status).toBe('ok');
    const crashed = await runBatch(session, 3);
    expect(crashed.outcome).toMatchObject({ status: 'crashed', signal: 'SIGABRT' });
    if (crashed.outcome.status === 'crashed') expect(crashed.outcome.stderrTail).toContain('planted crash');
    const after = await runBatch(session, 2);
    expect(after.outcome.status).toBe('ok');
  }, 60_000);

  it('reports a hang as a timeout and restarts the process', async () => {
    session ??= await openIsolatedSession(crashingRunner, source, 5_000);
    const hung = await runBatch(session, 4);
    expect(hung.outcome).toEqual({ status: 'timeout', timeoutMs: 5_000 });
    expect((await runBatch(session, 1)).outcome.status).toBe('ok');
  }, 60_000);

  for (const exportName of ['crashingRunner', 'crashingBatchRunner'] as const) {
    it(`blames only the variant that crashes or hangs in a batch (${exportName})`, async () => {
      const runner = exportName === 'crashingRunner' ? crashingRunner : crashingBatchRunner;
      const batched = await openIsolatedSession(runner, { ...source, exportName }, 2_000, {
        maxBatch: 16,
        together: true,
      });
      try {
        // Queued at once: they travel to the child in one or two messages.
        const outcomes = await Promise.all([1, 3, 2, 4, 1, 2].map((batch) => runBatch(batched, batch)));
        expect(outcomes.map((result) => result.outcome.status)).toEqual(['ok', 'crashed', 'ok', 'timeout', 'ok', 'ok']);
        expect(outcomes[1]!.outcome).toMatchObject({ signal: 'SIGABRT' });
        expect(outcomes[3]!.outcome).toEqual({ status: 'timeout', timeoutMs: 2_000 });
        expect((await runBatch(batched, 2)).outcome.status).toBe('ok');
      } finally {
        await batched.close();
      }
    }, 90_000);
  }
});
