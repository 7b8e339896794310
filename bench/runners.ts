/**
 * The runners as bench entries: each registered framework runner, in this process, timed on its
 * first variant (the framework's own spelling of the layer), input conversion included.
 */
import { registeredRunners } from '../runners/registry.js';
import type { Runner } from '../runners/types.js';
import type { BenchImplementation, PreparedRun } from './implementations.js';
import type { BenchLayer } from './layers.js';
import { resultMessage } from '../runners/result.js';

function runnerEntry(runner: Runner): BenchImplementation {
  let available = false;
  return {
    key: runner.name.replace(/-/g, '_'),
    name: `runner ${runner.name}`,
    setup: async () => {
      try {
        await runner.load();
        available = true;
      } catch (error) {
        process.stderr.write(`bench: runner ${runner.name} unavailable: ${(error as Error).message.split('\n')[0]}\n`);
      }
    },
    prepare: async ({ geometry, tensors }: BenchLayer): Promise<PreparedRun | null> => {
      const plan = available ? runner.plan(geometry) : null;
      const expression = plan?.supported ? plan.expressions[0] : undefined;
      if (!expression) return null;
      return {
        run: async () => {
          const result = await runner.execute(geometry, expression, tensors);
          if (result.status !== 'ok') throw new Error(`bench: ${runner.name} failed: ${resultMessage(result)}`);
          return result.output;
        },
        inLayerLayout: (output) => output,
        dispose: () => undefined,
      };
    },
  };
}

/** tfjs-cpu has its own direct entry (the baseline); the runner entries add the rest. */
export const RUNNER_IMPLEMENTATIONS: readonly BenchImplementation[] = registeredRunners()
  .map((entry) => entry.runner)
  .filter((runner) => runner.name !== 'reference' && runner.name !== 'tfjs-cpu')
  .map(runnerEntry);
