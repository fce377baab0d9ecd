import mysql from 'mysql2/promise';
import type { Endpoint } from '../../runtime/endpoint.js';
import type { LocalRecipe } from '../../runtime/local-recipe.js';
import { seekdbBinary } from './oceanbase-package.js';

/**
 * seekdb's memory budget. Dify's compose gives its seekdb service SEEKDB_MEMORY_LIMIT=2G; seekdb
 * 1.4 ignores `memory_limit` ("deprecated compatibility parameter") and sizes itself from
 * `memory_budget`, which left at 0 takes 80% of the cgroup limit or of physical memory (20 GB on a
 * 24 GiB machine). 1G is refused at start (OB_RESOURCE_UNIT_VALUE_INVALID).
 */
const MEMORY_BUDGET = '2G';
/** Redo log space; seekdb's default (0) sizes it from the disk. The data file grows from 32M. */
const LOG_DISK_SIZE = '2G';

/**
 * The `seekdb` server from PyPI's pylibseekdb wheel (scripts/install-seekdb.sh): one process, the
 * MySQL protocol on one port, root with no password, database `test`. It has no option to bind
 * one address and listens on 0.0.0.0:<port>; the harness connects to 127.0.0.1. Telemetry is off:
 * otherwise the first start looks up OceanBase's report host.
 */
export const oceanbaseLocalRecipe: LocalRecipe = {
  ports: ['mysql'],
  defaultVersion: '1.4.0',
  versions: ['1.4.0'],
  installScript: 'scripts/install-seekdb.sh',
  command: (ctx) => ({
    command: seekdbBinary(ctx.version),
    args: [
      `--base-dir=${ctx.dataDir}`,
      '--nodaemon',
      '--port', String(ctx.ports.mysql),
      '--parameter', `memory_budget=${MEMORY_BUDGET}`,
      '--parameter', `log_disk_size=${LOG_DISK_SIZE}`,
    ],
    env: { TELEMETRY_ENABLED: 'false' },
  }),
  async isReady(endpoint: Endpoint): Promise<boolean> {
    const conn = await mysql.createConnection({
      host: endpoint.host,
      port: endpoint.ports.mysql,
      user: 'root',
      password: '',
      connectTimeout: 2000,
    });
    try {
      await conn.query('SELECT 1');
      return true;
    } finally {
      await conn.end().catch(() => undefined);
    }
  },
  startTimeoutSeconds: 60,
};
