import type { MemoryProbe } from '../memory-probe.js';
import type { DockerEngine } from './docker-engine.js';
import type { ContainerStats } from './docker-api-types.js';

/**
 * A container's memory exactly as `docker stats` computes it (docker CLI,
 * calculateMemUsageUnixNoCache): memory_stats.usage minus stats.total_inactive_file on cgroup v1,
 * minus stats.inactive_file on cgroup v2, each only when smaller than usage. Read from the Engine
 * API's one-shot stats, which skips the second sample the CPU figures need.
 */
export class DockerStatsMemory implements MemoryProbe {
  readonly method: string;

  constructor(
    private readonly engine: DockerEngine,
    private readonly containerId: string,
    cgroupVersion: string | undefined,
  ) {
    const minus = cgroupVersion === '2' ? 'stats.inactive_file (cgroup v2)' : 'stats.total_inactive_file (cgroup v1)';
    this.method = `docker stats: Engine API /containers/<id>/stats memory_stats.usage - ${minus}`;
  }

  async read(): Promise<number | undefined> {
    try {
      const stats = await this.engine.json<ContainerStats>(
        'GET',
        `/containers/${this.containerId}/stats?stream=false&one-shot=true`,
        undefined,
        10_000,
      );
      return memoryUsageNoCache(stats);
    } catch {
      return undefined; // stopped or removed: no reading, as for a cgroup that is gone
    }
  }
}

/** `docker stats`' MEM USAGE from one stats answer; undefined when the container is not running. */
export function memoryUsageNoCache(stats: ContainerStats): number | undefined {
  const mem = stats.memory_stats;
  if (mem?.usage === undefined) return undefined;
  const v1 = mem.stats?.total_inactive_file;
  if (v1 !== undefined && v1 < mem.usage) return mem.usage - v1;
  const v2 = mem.stats?.inactive_file;
  if (v2 !== undefined && v2 < mem.usage) return mem.usage - v2;
  return mem.usage;
}
