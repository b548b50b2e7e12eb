import fs from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
const TICKS = 100;

export interface ProcessUsage {
  cpuSeconds: number;
  peakRssMb: number;
}

function cpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS; // utime, stime (fields 14, 15)
  } catch {
    return 0;
  }
}

function rssMb(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** The direct children of this process running `<entry>` files, by name (what startPlatform spawned). */
export function childProcesses(entries: Record<string, string>): Record<string, number> {
  const found: Record<string, number> = {};
  for (const dir of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(dir)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${dir}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      const cmdline = fs.readFileSync(`/proc/${dir}/cmdline`, 'utf8');
      for (const [name, entry] of Object.entries(entries)) if (cmdline.includes(entry)) found[name] = Number(dir);
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

/**
 * Waits until every process uses less than `threshold` of a core over `windowMs` (the work a
 * workload left behind, such as outbox events still being relayed, is done), at most `maxMs`.
 * Returns how long it waited.
 */
export async function quiesce(
  pids: Record<string, number>,
  options = { threshold: 0.05, windowMs: 1000, maxMs: 60_000 },
): Promise<number> {
  const started = Date.now();
  for (;;) {
    const before = Object.fromEntries(Object.entries(pids).map(([n, pid]) => [n, cpuSeconds(pid)]));
    await new Promise((r) => setTimeout(r, options.windowMs));
    const busy = Object.entries(pids).some(
      ([n, pid]) => (cpuSeconds(pid) - before[n]!) / (options.windowMs / 1000) >= options.threshold,
    );
    if (!busy || Date.now() - started >= options.maxMs) return (Date.now() - started) / 1000;
  }
}

/**
 * CPU seconds used and the peak resident set (sampled every 200 ms) of each process between
 * start() and stop().
 */
export function watchProcesses(pids: Record<string, number>) {
  const startCpu = Object.fromEntries(Object.entries(pids).map(([n, pid]) => [n, cpuSeconds(pid)]));
  const peak: Record<string, number> = Object.fromEntries(Object.entries(pids).map(([n, pid]) => [n, rssMb(pid)]));
  const timer = setInterval(() => {
    for (const [n, pid] of Object.entries(pids)) peak[n] = Math.max(peak[n] ?? 0, rssMb(pid));
  }, 200);
  return {
    stop(): Record<string, ProcessUsage> {
      clearInterval(timer);
      return Object.fromEntries(
        Object.entries(pids).map(([n, pid]) => [
          n,
          {
            cpuSeconds: Math.max(0, cpuSeconds(pid) - (startCpu[n] ?? 0)),
            peakRssMb: Math.max(peak[n] ?? 0, rssMb(pid)),
          },
        ]),
      );
    },
  };
}
