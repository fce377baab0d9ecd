import { mkdir, readFile, readdir, rmdir, writeFile, access } from 'node:fs/promises';
import { join } from 'node:path';
import type { MemoryProbe } from './memory-probe.js';
import { isAlive } from './process-alive.js';

const ROOT = '/sys/fs/cgroup';

/**
 * A memory cgroup of our own for one server's process tree, so the local runtime reports the
 * same quantity as `docker stats` and can enforce a memory limit. Works on cgroup v1 (memory
 * controller) and v2; `create` returns undefined where neither is writable.
 */
export class MemoryCgroup implements MemoryProbe {
  private constructor(
    readonly path: string,
    private readonly version: 1 | 2,
  ) {}

  get method(): string {
    return this.version === 1
      ? 'cgroup v1: memory.usage_in_bytes - total_inactive_file (as docker stats)'
      : 'cgroup v2: memory.current - inactive_file (as docker stats)';
  }

  /** The file a process writes its own pid into to join this cgroup. */
  get procsFile(): string {
    return join(this.path, 'cgroup.procs');
  }

  static async create(name: string): Promise<MemoryCgroup | undefined> {
    const self = await readFile('/proc/self/cgroup', 'utf8').catch(() => '');
    const lines = self.split('\n');
    const v1 = lines.find((l) => /^\d+:([^:]*,)?memory(,[^:]*)?:/.test(l));
    const v2 = lines.find((l) => l.startsWith('0::'));
    const candidates: Array<[string, 1 | 2]> = [];
    if (v1) candidates.push([join(ROOT, 'memory', v1.slice(v1.lastIndexOf(':') + 1)), 1]);
    if (v2 && !v1) candidates.push([join(ROOT, v2.slice(3)), 2]);
    for (const [parent, version] of candidates) {
      const path = join(parent, name);
      await removeOrphans(parent);
      try {
        await mkdir(path, { recursive: false });
        await access(join(path, 'cgroup.procs'));
        return new MemoryCgroup(path, version);
      } catch {
        // Not writable here (unprivileged, or v2 without delegation): fall back to RSS.
      }
    }
    return undefined;
  }

  async setLimit(bytes: number): Promise<void> {
    const file = this.version === 1 ? 'memory.limit_in_bytes' : 'memory.max';
    await writeFile(join(this.path, file), String(bytes));
  }

  async read(): Promise<number | undefined> {
    try {
      const usageFile = this.version === 1 ? 'memory.usage_in_bytes' : 'memory.current';
      const usage = Number((await readFile(join(this.path, usageFile), 'utf8')).trim());
      const stat = await readFile(join(this.path, 'memory.stat'), 'utf8');
      const key = this.version === 1 ? 'total_inactive_file' : 'inactive_file';
      const inactive = Number(new RegExp(`^${key} (\\d+)$`, 'm').exec(stat)?.[1] ?? 0);
      return Math.max(0, usage - (inactive < usage ? inactive : 0));
    } catch {
      return undefined;
    }
  }

  /** True if the kernel OOM-killed a process in this cgroup. */
  async oomKilled(): Promise<boolean> {
    return ((await oomKillCount(this.path)) ?? 0) > 0;
  }

  /** Processes the kernel OOM-killed in this cgroup so far. */
  oomKills(): Promise<number | undefined> {
    return oomKillCount(this.path);
  }

  /** Removes the cgroup; only possible once every process in it has exited. */
  async remove(): Promise<void> {
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        await rmdir(this.path);
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        await new Promise((r) => setTimeout(r, 100)); // EBUSY: a process is still exiting
      }
    }
  }
}

/**
 * Cgroups are named `vdb-bench-<owner pid>-…`. One whose owner is gone was left by a crashed or
 * killed run: stop what still runs in it (a server nobody will stop) and remove it.
 */
async function removeOrphans(parent: string): Promise<void> {
  const entries = await readdir(parent).catch(() => [] as string[]);
  for (const entry of entries) {
    const owner = Number(/^vdb-bench-(\d+)-/.exec(entry)?.[1]);
    if (!owner || isAlive(owner)) continue;
    const path = join(parent, entry);
    const pids = (await readFile(join(path, 'cgroup.procs'), 'utf8').catch(() => '')).split('\n').filter(Boolean);
    for (const pid of pids) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    for (let attempt = 0; attempt < 20; attempt++) {
      if (await rmdir(path).then(() => true, () => false)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * The kernel's count of OOM kills in a memory cgroup (v1 memory.oom_control, v2 memory.events),
 * or undefined where the file cannot be read.
 */
export async function oomKillCount(cgroupDir: string): Promise<number | undefined> {
  for (const file of ['memory.oom_control', 'memory.events']) {
    const text = await readFile(join(cgroupDir, file), 'utf8').catch(() => undefined);
    const count = text === undefined ? undefined : /^oom_kill (\d+)$/m.exec(text)?.[1];
    if (count !== undefined) return Number(count);
  }
  return undefined;
}
