import { cpus, hostname, loadavg, release, totalmem, type as osType } from 'node:os';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Results } from './results/results-schema.js';

/** What machine produced a results file: enough to tell runs on different hardware apart. */
export async function machineFingerprint(): Promise<Results['machine']> {
  const osRelease = await readFile('/etc/os-release', 'utf8').catch(() => '');
  const pretty = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(osRelease)?.[1];
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryBytes: totalmem(),
    os: pretty ?? osType(),
    kernel: release(),
    node: process.version,
    hostnameHash: createHash('sha256').update(hostname()).digest('hex').slice(0, 12),
    // A loaded machine (another build, a neighbour) is the commonest reason two runs differ.
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

/** The harness's own cost, so a reader can see it was not the bottleneck. */
export function harnessUsage(): Results['harness'] {
  const usage = process.resourceUsage();
  return {
    peakRssBytes: usage.maxRSS * 1024,
    cpuUserSeconds: usage.userCPUTime / 1e6,
    cpuSystemSeconds: usage.systemCPUTime / 1e6,
  };
}
