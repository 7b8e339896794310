/**
 * CPU time of this process and of every process it started (runner children, external runners
 * and their children), by name, from Linux's /proc: where a fuzz run's time goes when the work
 * is spread over processes (bench/bench.ts prints it per case). Elsewhere there is no /proc and
 * only this process is counted.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';

/** CPU milliseconds by process name ('main' for this one); a name used twice is summed. */
export type ProcessCpu = Readonly<Record<string, number>>;

interface ProcStat {
  readonly pid: number;
  readonly parent: number;
  readonly cpuMs: number;
}

/** USER_HZ: /proc/PID/stat counts utime and stime in clock ticks of 1/100 s on Linux. */
const MS_PER_TICK = 10;

function readStat(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "(comm)": state ppid ... utime(14th field) stime(15th).
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { pid, parent: Number(fields[1]), cpuMs: (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK };
  } catch {
    return null; // exited meanwhile
  }
}

/**
 * A child's name: a runner host child is started with its runner's export name after the script
 * (runners/host/process.ts), another process by its script or program.
 */
function nameOf(pid: number): string {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    const runner = argv.find((arg) => arg.startsWith('--runner='));
    if (runner) return runner.slice('--runner='.length);
    // The script is the last argument naming a source file (options such as --import come first).
    const script = argv.findLast((arg) => /\.(m?js|ts|py)$/.test(arg));
    return basename(script ?? argv[0] ?? String(pid));
  } catch {
    return String(pid);
  }
}

function descendants(): ProcStat[] {
  let stats: ProcStat[];
  try {
    stats = readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .map((entry) => readStat(Number(entry)))
      .filter((stat): stat is ProcStat => stat !== null);
  } catch {
    return [];
  }
  const family = new Set([process.pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const stat of stats) {
      if (!family.has(stat.pid) && family.has(stat.parent)) {
        family.add(stat.pid);
        grew = true;
      }
    }
  }
  return stats.filter((stat) => stat.pid !== process.pid && family.has(stat.pid));
}

/** A snapshot per process id (cumulative CPU), for `cpuSince`. */
export interface CpuSnapshot {
  readonly main: number;
  readonly children: ReadonlyMap<number, { readonly name: string; readonly cpuMs: number }>;
}

export function cpuSnapshot(): CpuSnapshot {
  const { user, system } = process.cpuUsage();
  const children = new Map(descendants().map((stat) => [stat.pid, { name: nameOf(stat.pid), cpuMs: stat.cpuMs }]));
  return { main: (user + system) / 1000, children };
}

/** CPU used since `before` by processes alive now (a process that exited meanwhile is lost). */
export function cpuSince(before: CpuSnapshot): ProcessCpu {
  const now = cpuSnapshot();
  const used: Record<string, number> = { main: now.main - before.main };
  for (const [pid, child] of now.children) {
    const spent = child.cpuMs - (before.children.get(pid)?.cpuMs ?? 0);
    used[child.name] = (used[child.name] ?? 0) + spent;
  }
  return used;
}
