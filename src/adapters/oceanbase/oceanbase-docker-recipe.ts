import type { DockerRecipe } from '../../runtime/docker-recipe.js';
import { oceanbaseLocalRecipe } from './oceanbase-local-recipe.js';

/**
 * seekdb 1.4.0 (OceanBase 4.3.5.3 kernel) in the image scripts/build-images.sh builds from
 * docker/oceanbase: the `seekdb` server and its libaio.so.1 from PyPI pylibseekdb 1.4.0.post1
 * (scripts/install-seekdb.sh, the local recipe's binary) on the project's Debian base.
 * Dify's compose runs oceanbase/seekdb (SEEKDB_MEMORY_LIMIT=2G) or oceanbase/oceanbase-ce
 * 4.3.5-lts (OCEANBASE_MEMORY_LIMIT=6G); neither is pulled.
 *
 * The command is the local recipe's, unchanged apart from the base directory (the volume at
 * /var/lib/oceanbase, the path Dify's compose mounts): --nodaemon, the MySQL port the runtime
 * hands out (seekdb binds 0.0.0.0; it has no bind-address option), memory_budget=2G and
 * log_disk_size=2G, and TELEMETRY_ENABLED=false (also set in the image), without which the first
 * start looks up OceanBase's report host.
 *
 * Under a container memory limit seekdb reads the cgroup's limit (cgroup v1 memory.limit_in_bytes;
 * its log says e.g. `cgroup_memory_limit=1073741824, effective_memory=1073741824,
 * automatic_memory_budget=1073741824`) but only to size an automatic budget: the explicit
 * memory_budget=2G still wins (memory_budget=2147483648, memstore and vector limits 1 GiB each,
 * kvcache 0.8 GiB), so a limit below 2 GiB is not refused at start; the server starts (~130 MiB)
 * and is OOM-killed only if it grows past the limit. A limit below its start-up footprint
 * (128 MiB) is an OOM kill within a second. The server's own log is <base-dir>/log/seekdb.log in
 * the volume; the container's output is only its three-line banner.
 */
export const oceanbaseDockerRecipe: DockerRecipe = {
  ports: oceanbaseLocalRecipe.ports,
  defaultPorts: { mysql: 2881 },
  defaultVersion: '1.4.0',
  images: { '1.4.0': 'vdb-bench/seekdb:1.4.0-local' },
  upstreamImage: 'oceanbase/seekdb:latest',
  buildScript: 'scripts/build-images.sh oceanbase',
  dataDir: { kind: 'volume', path: '/var/lib/oceanbase' },
  command: (ctx) => {
    const local = oceanbaseLocalRecipe.command({ ports: ctx.ports, version: ctx.version, dataDir: ctx.dataDir });
    return { args: local.args, env: { ...local.env, TELEMETRY_ENABLED: 'false' } };
  },
  isReady: (endpoint) => oceanbaseLocalRecipe.isReady(endpoint),
  // Ready in ~1 s when idle (measured in the container, first start included); more on a loaded machine.
  startTimeoutSeconds: 120,
};
