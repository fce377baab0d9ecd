import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORES, selectProfile } from '../../src/adapters/registry.js';
import { silentProgress } from '../../src/bench/progress.js';
import { DEFAULT_SELFTEST, runSelftest } from '../../src/bench/selftest/run-selftest.js';
import { writeSelftestResults } from '../../src/bench/selftest/selftest-file.js';
import { selftestResultsSchema, type SelftestResults } from '../../src/bench/selftest/selftest-results.js';
import { renderSelftestMarkdown } from '../../src/report/selftest-report.js';

/**
 * A tiny `bench selftest` on every store that has a selftest probe, against its real server:
 * every row is there, the reference client's output was parsed, the server's own timing (where
 * the probe reads one) saw exactly the queries the harness sent, and a replaying reference got
 * the adapter's answer. No timing is asserted (the machine is shared). One store:
 * `npx vitest run test/integration/selftest.test.ts -t qdrant`.
 */
const SERIAL_QUERIES = 300;
const CLIENTS = [1, 2];

for (const definition of STORES.filter((s) => s.selftest)) {
  describe(`bench selftest on ${definition.name}`, () => {
    let results: SelftestResults;
    let dir: string;

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'vdb-bench-selftest-test-'));
      results = await runSelftest({
        selection: selectProfile(definition),
        options: { ...DEFAULT_SELFTEST, vectors: 2000, secondsPerLevel: 1, clients: CLIENTS, serialQueries: SERIAL_QUERIES, warmupQueries: 50 },
        progress: silentProgress,
      });
    });

    afterAll(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('has the serial row and one row per client count, each with every reference client', () => {
      expect(results.rows.map((r) => [r.serial, r.clients])).toEqual([[true, 1], [false, 1], [false, 2]]);
      const names = results.referenceClients.map((c) => c.name);
      expect(names.length).toBeGreaterThan(0);
      for (const row of results.rows) expect(row.references.map((r) => r.name)).toEqual(names);
    });

    it("parsed each reference client's figures (requests, QPS, mean latency, no failures)", () => {
      for (const ref of results.rows.flatMap((r) => r.references)) {
        expect(ref.requests).toBeGreaterThan(0);
        expect(ref.failed).toBe(0);
        expect(ref.qps).toBeGreaterThan(0);
        expect(ref.meanMs).toBeGreaterThan(0);
      }
    });

    it('counts every harness query, with its CPU, and where the server times queries it saw exactly those', () => {
      const [serial, ...levels] = results.rows;
      const timed = results.serverTimingSource !== undefined;
      expect(serial?.harness.requests).toBe(SERIAL_QUERIES);
      if (timed) expect(serial?.harness.server?.calls).toBe(SERIAL_QUERIES);
      for (const row of levels) {
        expect(row.harness.requests).toBeGreaterThan(0);
        expect(row.harness.failed).toBe(0);
        if (timed) expect(row.harness.server?.calls).toBe(row.harness.requests);
      }
      for (const row of results.rows) {
        expect(row.harness.clientCpu.perRequestUs).toBeGreaterThan(0);
        expect(row.harness.clientCpu.coreFraction).toBeGreaterThan(0);
        if (!timed) expect(row.harness.server).toBeUndefined();
      }
    });

    it("reads the server's time for the reference clients' queries too (stores with server timing)", () => {
      for (const row of results.rows) {
        for (const ref of row.references) {
          if (results.serverTimingSource === undefined) {
            expect(ref.server).toBeUndefined();
            continue;
          }
          // A run stopped by its clock may count a query in flight that the client did not.
          expect(ref.server?.calls).toBeGreaterThanOrEqual(ref.requests);
          expect(ref.server?.calls).toBeLessThanOrEqual(ref.requests + row.clients);
          expect(ref.server?.meanExecMs).toBeGreaterThan(0);
        }
      }
    });

    it("a replaying reference got the adapter's answer (k ids, the adapter's hits among them in order) before timing", () => {
      const replays = results.referenceClients.some((c) => c.name.endsWith(' replay'));
      if (!replays) {
        expect(results.answerCheck).toBeUndefined();
        return;
      }
      const check = results.answerCheck;
      expect(check?.ids).toHaveLength(results.table.k);
      expect(new Set(check?.ids).size).toBe(results.table.k);
      expect(check?.requestsPerQuery).toBeGreaterThanOrEqual(1);
      const hits = check?.adapterHits ?? [];
      const positions = hits.map((id) => check?.ids.indexOf(id) ?? -1);
      expect(positions.every((p) => p >= 0)).toBe(true);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
      expect(results.notes.join(' ')).toContain('recording proxy');
    });

    it('writes a results file that reads back, and a markdown table with every row', async () => {
      const markdown = renderSelftestMarkdown(results);
      const file = join(dir, 'selftest.json');
      const reportFile = await writeSelftestResults(file, results, markdown);
      expect(selftestResultsSchema.parse(JSON.parse(await readFile(file, 'utf8')))).toEqual(results);
      expect(await readFile(reportFile, 'utf8')).toBe(markdown);
      const tableRows = markdown.split('\n').filter((l) => /^\| (serial|\d+) /.test(l));
      expect(tableRows.map((l) => l.split('|')[1]?.trim())).toEqual(['serial', '1', '2']);
    });
  });
}
