/**
 * Fuzz throughput through an external runner (docs/runner-protocol.md): the numpy example
 * (examples/numpy-deconv/deconv.py, canonical convention) as `--runner-exec` registers it, run by
 * the real fuzz loop against the reference. Measures the protocol's cost with a real process.
 */
import { parseRunnerExec } from '../runners/external/command.js';
import { registerExecRunner } from '../runners/external/register.js';
import { venvPython } from '../runners/torch/python.js';
import { measureFuzzThroughput } from '../src/fuzz/throughput.js';

export const NUMPY_EXAMPLE = 'examples/numpy-deconv/deconv.py';

export async function externalThroughput(json: boolean): Promise<{ line: string; figures: Record<string, number> }> {
  if (!json) process.stderr.write('timing fuzz throughput through the numpy example (external runner)...\n');
  registerExecRunner(parseRunnerExec(`numpy-example=${venvPython()} ${NUMPY_EXAMPLE}`));
  const result = await measureFuzzThroughput({
    runners: ['numpy-example'],
    cases: 1000,
    warmup: 100,
    space: { maxElements: 10_000 },
  });
  const inside = result.latencyMs.runner['numpy-example'] ?? 0;
  return {
    line:
      `fuzz throughput, reference + the numpy example over the runner protocol: ${result.fuzz_cases_per_second.toFixed(1)} cases/s ` +
      `(${inside.toFixed(2)} ms per case in the runner process, ${result.inFlight.toFixed(1)} cases in flight)`,
    figures: { fuzz_cases_per_second_numpy_example: Math.round(result.fuzz_cases_per_second * 1000) / 1000 },
  };
}
