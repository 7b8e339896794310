/**
 * CLI start-up: wall time of `node bin/tconv.mjs explain bench/start.yaml` (one case), from the
 * compiled build (what users get after `npm run setup`) and from the TypeScript sources (tsx,
 * what every start cost before the build), median of 7 each, and explaining one case of
 * cases/seeds.yaml (the whole file is parsed and resolved). `node -e 0` is the floor.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RUNS = 7;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Median wall time of RUNS runs of `node ARGS`, in ms; throws when a run fails. */
function timeNode(args: readonly string[], env: NodeJS.ProcessEnv = process.env): number {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    const result = spawnSync(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
    times.push(performance.now() - started);
    if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${result.stderr.toString()}`);
  }
  return median(times);
}

/** Whether dist/ is up to date (bin/dist.mjs), asked in a child: a build is plain JavaScript. */
function buildIsFresh(): boolean {
  const probe = "import('./bin/dist.mjs').then((m) => process.exit(m.isFresh() ? 0 : 1))";
  return spawnSync(process.execPath, ['--input-type=module', '-e', probe], { cwd: ROOT }).status === 0;
}

export function cliStart(json: boolean): { line: string; figures: Record<string, number> } {
  if (!json) process.stderr.write('timing the CLI start-up (tconv explain, one case)...\n');
  const build = spawnSync(process.execPath, ['scripts/build.mjs', '--quiet'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stderr}`);
  const explain = ['bin/tconv.mjs', 'explain', 'bench/start.yaml'];
  const floor = timeNode(['-e', '0']);
  const compiled = timeNode(explain);
  const seeds = timeNode(['bin/tconv.mjs', 'explain', 'cases/seeds.yaml', '--case', 'onnx-doc-pads']);
  // A source edited meanwhile sends tconv back to the sources: then the figure is not the build's.
  const fresh = buildIsFresh();
  const sources = timeNode(explain, { ...process.env, TCONV_FROM_SOURCES: '1' });
  const round = (ms: number): number => Math.round(ms * 10) / 10;
  return {
    line:
      `CLI start (tconv explain, one case, median of ${RUNS}): ${compiled.toFixed(0)} ms from the build` +
      `${fresh ? '' : ' (STALE: a source changed while timing, these runs used the sources)'}, ` +
      `${sources.toFixed(0)} ms from sources, ${seeds.toFixed(0)} ms for one case of cases/seeds.yaml; ` +
      `node -e 0 ${floor.toFixed(0)} ms`,
    figures: {
      cli_start_ms: round(compiled),
      cli_start_from_sources_ms: round(sources),
      cli_explain_seeds_case_ms: round(seeds),
      node_start_ms: round(floor),
      cli_start_build_fresh: fresh ? 1 : 0,
    },
  };
}
