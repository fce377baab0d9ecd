import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromaStore } from '../../src/adapters/chroma/index.js';
import { pgvectorStore } from '../../src/adapters/pgvector/index.js';
import type { StoreSession } from '../../src/adapters/store-adapter.js';
import type { StoreDefinition } from '../../src/adapters/store-definition.js';
import { silentProgress } from '../../src/bench/progress.js';
import type { DifyInsertResult } from '../../src/bench/results/results-schema.js';
import { runDifyInsert } from '../../src/bench/workloads/dify-insert.js';
import { chunksByDocument, difyIndexingGroups } from '../../src/bench/workloads/dify-indexing-groups.js';
import { docBatches } from '../../src/bench/workloads/doc-batches.js';
import { readDataset } from '../../src/datasets/read-dataset.js';
import type { Dataset } from '../../src/datasets/dataset.js';
import { startLocalServer } from '../../src/runtime/local-runtime.js';
import type { RunningServer } from '../../src/runtime/running-server.js';

/**
 * Dify's indexing pattern on real servers (pgvector, and Chroma 1.0.0, which `npm ci` installs):
 * every chunk of the small shipped dataset lands in a fresh collection through concurrent group
 * inserts, the result counts exactly the groups Dify's runner would make, and the scratch
 * collection is gone afterwards.
 */
let dataset: Dataset;
beforeAll(async () => {
  dataset = await readDataset(new URL('../../datasets/linux-doc-mini', import.meta.url).pathname);
});

describe.each([
  ['pgvector', pgvectorStore, undefined],
  ['chroma', chromaStore, '1.0.0'],
] as const)('%s: insert as Dify indexes documents', (_name, store: StoreDefinition, version) => {
  let server: RunningServer;
  let session: StoreSession;

  beforeAll(async () => {
    const recipe = store.local;
    const profile = store.profiles.dify;
    if (!recipe || !profile) throw new Error(`${store.name} has no local recipe or dify profile`);
    server = await startLocalServer(store.name, recipe, version ? { version } : {});
    session = await profile.createAdapter().connect(server.endpoint);
  });

  afterAll(async () => {
    await session?.close();
    await server?.stop();
  });

  it("inserts every chunk in Dify's groups, concurrently per document, and drops its collection", async () => {
    const chunks = docBatches(dataset, dataset.docs.length)[0] ?? [];
    const groups = chunksByDocument(chunks).reduce((n, d) => n + difyIndexingGroups(d).length, 0);
    let rowsSeen = -1;
    const spec = { name: `it_dify_insert_${Date.now().toString(36)}`, dims: dataset.manifest.dims, metric: dataset.manifest.metric };
    const result: DifyInsertResult = await runDifyInsert(
      { dataset, progress: silentProgress },
      async () => {
        const c = await session.createCollection(spec);
        const count = c.count.bind(c);
        // Read the count the workload checks, so the test sees the rows really arrived.
        return Object.assign(c, { count: async () => (rowsSeen = await count()) });
      },
    );
    expect(result.status).toBe('ok');
    if (result.status !== 'ok') return;
    expect(rowsSeen).toBe(dataset.docs.length);
    expect(result.docs).toBe(dataset.docs.length);
    expect(result.documents).toBe(new Set(dataset.docs.map((d) => d.document_id)).size);
    expect(result.groups).toBe(groups);
    expect(result.threads).toBe(10);
    expect(result.groupLatency.count).toBe(groups);
    // The scratch collection was dropped: one created again under its name starts empty.
    const again = await session.createCollection(spec);
    expect(await again.count()).toBe(0);
    await again.drop();
  });
});
