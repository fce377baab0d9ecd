import { mergeLatency } from '../bench/metrics/merge-latency.js';
import type { InsertResult, Results, SearchResult, StoreResult } from '../bench/results/results-schema.js';
import { mergeConcurrencyParts, mergeSearchParts, type SearchPart } from '../bench/workers/merge-workloads.js';

export interface ShardFile {
  readonly file: string;
  readonly results: Results;
}

/**
 * Joins the results shards of one multi-host run (`bench run --shard i/N` on N hosts against one
 * external endpoint) into one results file, as `--workers N` merges its processes on one host:
 * search workloads from every shard's timed queries (percentiles from the added histograms,
 * latencies in query order, quality over every query), closed-loop levels with every shard's
 * clients and requests, and per-shard QPS kept as `workers`. Each shard inserted the dataset into
 * a collection of its own, so inserts add up. Throws, naming the file, when the shards are not
 * one run's: another dataset or settings, a shard missing or twice, another server version.
 */
export function mergeShards(shards: readonly ShardFile[]): Results {
  if (shards.length === 0) throw new Error('report merge: no shard files');
  const sorted = checkShards(shards);
  const first = sorted[0]!.results;
  const { shard: _shard, ...config } = first.config;
  return {
    ...first,
    runId: `${first.runId.replace(/-shard-\d+$/, '')}-merged`,
    startedAt: sorted.map((s) => s.results.startedAt).sort()[0] ?? first.startedAt,
    ...(sorted.every((s) => s.results.finishedAt) ? { finishedAt: sorted.map((s) => s.results.finishedAt ?? '').sort().at(-1) } : {}),
    harness: {
      peakRssBytes: Math.max(...sorted.map((s) => s.results.harness.peakRssBytes)),
      cpuUserSeconds: sorted.reduce((n, s) => n + s.results.harness.cpuUserSeconds, 0),
      cpuSystemSeconds: sorted.reduce((n, s) => n + s.results.harness.cpuSystemSeconds, 0),
    },
    config: { ...config, merged: sorted.length },
    stores: first.stores.map((_, i) => mergeStore(sorted.map((s) => ({ file: s.file, store: s.results.stores[i]! })))),
  };
}

function checkShards(shards: readonly ShardFile[]): ShardFile[] {
  const first = shards[0]!;
  const count = first.results.config.shard?.count;
  for (const { file, results } of shards) {
    const shard = results.config.shard;
    if (!shard) throw new Error(`report merge: ${file} is not a shard (it was not written by bench run --shard i/N)`);
    if (shard.count !== count) throw new Error(`report merge: ${file} is shard ${shard.index}/${shard.count}, ${first.file} of ${count}`);
    if (results.dataset.contentHash !== first.results.dataset.contentHash) {
      throw new Error(`report merge: ${file} measured another dataset than ${first.file}`);
    }
    const settings = (r: Results) => JSON.stringify({ ...r.config, shard: undefined });
    if (settings(results) !== settings(first.results)) throw new Error(`report merge: ${file} ran with other settings than ${first.file}`);
    const names = (r: Results) => r.stores.map((s) => `${s.store}:${s.profile}`).join(',');
    if (names(results) !== names(first.results)) throw new Error(`report merge: ${file} measured other stores (${names(results)}) than ${first.file}`);
  }
  const sorted = [...shards].sort((a, b) => (a.results.config.shard?.index ?? 0) - (b.results.config.shard?.index ?? 0));
  sorted.forEach((s, i) => {
    if (s.results.config.shard?.index !== i) {
      throw new Error(`report merge: shard ${i}/${count} is missing or given twice (have ${sorted.map((x) => x.results.config.shard?.index).join(', ')})`);
    }
  });
  if (sorted.length !== count) throw new Error(`report merge: ${sorted.length} files for ${count} shards`);
  return sorted;
}

interface StoreShard {
  readonly file: string;
  readonly store: StoreResult;
}

function mergeStore(parts: readonly StoreShard[]): StoreResult {
  const head = parts[0]!.store;
  const label = `${head.store}:${head.profile}`;
  const versions = new Set(parts.map((p) => p.store.server?.version).filter((v) => v !== undefined));
  if (versions.size > 1) throw new Error(`report merge: ${label} ran against other server versions: ${[...versions].join(', ')}`);
  const failed = parts.findIndex((p) => p.store.status === 'failed');
  if (failed >= 0) {
    const f = parts[failed]!.store;
    return { ...head, status: 'failed', ...(f.error ? { error: { ...f.error, message: `shard ${failed}: ${f.error.message}` } } : {}) };
  }
  const w = parts.map((p) => p.store.workloads);
  const search = (pick: (s: StoreResult['workloads']) => SearchResult | undefined, what: string): SearchResult | undefined => {
    const results = w.map(pick);
    if (results.every((r) => r === undefined)) return undefined;
    return mergeSearchParts(results.map((r, i) => asPart(r, `${parts[i]!.file}: ${label} ${what}`)));
  };
  const kCount = head.workloads.vector?.length ?? 0;
  const concurrency = w.map((x) => x.concurrency);
  const deletes = w.map((x) => x.delete);
  return {
    ...head,
    workloads: {
      ...(w[0]?.insert ? { insert: mergeInserts(w.map((x) => x.insert)) } : {}),
      ...(kCount > 0 ? { vector: Array.from({ length: kCount }, (_, ki) => search((x) => x.vector?.[ki], `vector #${ki}`)!) } : {}),
      ...optional('filteredVector', search((x) => x.filteredVector, 'filteredVector')),
      ...optional('fullText', search((x) => x.fullText, 'fullText')),
      ...optional('difyHybrid', search((x) => x.difyHybrid, 'difyHybrid')),
      ...optional('nativeHybrid', search((x) => x.nativeHybrid, 'nativeHybrid')),
      ...(concurrency.every((c) => c !== undefined) ? { concurrency: mergeConcurrencyParts(concurrency as NonNullable<(typeof concurrency)[number]>[]) } : {}),
      // Each shard deleted from its own collection: shard 0's timings, verified only if every shard's was.
      ...(deletes[0]
        ? {
            delete:
              deletes[0].status === 'ok'
                ? { ...deletes[0], verified: deletes.every((d) => d?.status === 'ok' && d.verified) }
                : deletes[0],
          }
        : {}),
    },
  };
}

function optional<K extends string>(key: K, value: SearchResult | undefined): Partial<Record<K, SearchResult>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, SearchResult>);
}

function asPart(result: SearchResult | undefined, what: string): SearchPart {
  if (!result) throw new Error(`report merge: ${what} is missing`);
  if (result.status !== 'ok') return { result, queryIndices: [], judged: 0 };
  if (!result.queryIndices || result.judgedQueries === undefined) throw new Error(`report merge: ${what} has no queryIndices (not a shard's result)`);
  const { queryIndices, judgedQueries, ...rest } = result;
  return { result: rest, queryIndices, judged: judgedQueries };
}

/** Every shard filled a collection of its own at the same time: docs add up over the slowest. */
function mergeInserts(inserts: readonly (InsertResult | undefined)[]): InsertResult {
  const failed = inserts.find((i) => i?.status !== 'ok');
  if (failed) return failed ?? { status: 'failed', error: 'a shard has no insert' };
  const ok = inserts as Extract<InsertResult, { status: 'ok' }>[];
  const docs = ok.reduce((n, i) => n + i.docs, 0);
  const insertSeconds = Math.max(...ok.map((i) => i.insertSeconds));
  return {
    status: 'ok',
    docs,
    batchSize: ok[0]!.batchSize,
    insertSeconds,
    docsPerSecond: insertSeconds > 0 ? docs / insertSeconds : 0,
    searchableSeconds: Math.max(...ok.map((i) => i.searchableSeconds)),
    batchLatency: mergeLatency(ok.map((i) => i.batchLatency)),
  };
}
