import { readFile, readdir } from 'node:fs/promises';
import type { MemoryProbe } from './memory-probe.js';

/** Fallback probe where no cgroup can be made: summed RSS of a process and its descendants. */
export class ProcessTreeRss implements MemoryProbe {
  readonly method = 'summed RSS of the process tree from /proc (no cgroup available)';

  constructor(private readonly rootPid: number) {}

  async read(): Promise<number | undefined> {
    const parents = new Map<number, number>();
    const rss = new Map<number, number>();
    for (const entry of await readdir('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const status = await readFile(`/proc/${entry}/status`, 'utf8').catch(() => '');
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1] ?? -1);
      const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
      parents.set(Number(entry), ppid);
      rss.set(Number(entry), kb * 1024);
    }
    if (!parents.has(this.rootPid)) return undefined;
    let total = 0;
    for (const pid of parents.keys()) {
      for (let p: number | undefined = pid, hops = 0; p !== undefined && p > 0 && hops < 64; hops++) {
        if (p === this.rootPid) {
          total += rss.get(pid) ?? 0;
          break;
        }
        p = parents.get(p);
      }
    }
    return total;
  }
}
