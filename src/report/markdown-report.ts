import { markdownTable } from 'markdown-table';
import type { Results, SearchResult, StoreResult } from '../bench/results/results-schema.js';
import { mib, ms, rate, ratio, seconds } from './format.js';
import { summaryTable } from './summary.js';
import { publishableCommand, storeLabel } from './store-label.js';
import { CLIENT_SATURATED_FRACTION, clientSaturated } from '../bench/metrics/client-cpu.js';
import { clientModeLabel, clientModeOf } from '../bench/client-mode.js';
import type { SkippableWorkload } from '../bench/skippable-workloads.js';

type Cell = string;
const NOT_SUPPORTED = 'not supported';
const FAILED = 'failed';
const FAILURE_LOG_LINES = 5;
const DASH = '–';

/** A chart the markdown links to: its caption and its SVG's path relative to the markdown file. */
export interface ChartLink {
  readonly title: string;
  readonly file: string;
}

export interface MarkdownOptions {
  /** Charts written beside the markdown; none when the report goes to stdout. */
  readonly charts?: readonly ChartLink[];
  /** Sections rendered from other runs (e.g. the client-path comparison), placed before Environment. */
  readonly appendix?: readonly string[];
}

/**
 * Renders a results file as markdown: a summary (one row per store), the charts, then one table
 * per workload with stores as columns, memory per phase, and the environment. Depends on the
 * results file alone, so the same file always renders to the same bytes.
 */
export function renderMarkdown(results: Results, options: MarkdownOptions = {}): string {
  const stores = results.stores;
  const header = ['', ...stores.map(columnName)];
  const table = (rows: Cell[][]): string => markdownTable([header, ...rows], { align: ['l', ...stores.map(() => 'r')] });
  const d = results.dataset;
  // Every latency depends on how searches reached the store: the mode heads the report and
  // captions each latency table, so a table quoted alone still says it.
  const client = clientModeLabel(clientModeOf(results.config));
  const intro = [
    `# vdb-bench: ${results.runId}`,
    '',
    `Dataset **${d.name}**: ${d.count} chunks × ${d.dims} dims (${d.metric}), ${d.queries} queries. ` +
      `Runtime: ${results.config.runtime}. Client: ${client}. Started ${results.startedAt}.`,
    '',
  ];
  const leastMemory = stores.some((s) => s.leastMemory) ? leastMemorySection(stores, table) : [];
  const knowledgeBases = stores.some((s) => s.knowledgeBases) ? knowledgeBasesSection(stores, table) : [];
  const charts = chartsSection(options.charts ?? []);
  // A `bench memory` or `bench kb` run measures no workloads: its report is its own tables alone.
  if (stores.every((s) => Object.keys(s.workloads).length === 0)) {
    return `${[...intro, ...leastMemory, ...charts, ...knowledgeBases, ...environment(results)].join('\n')}\n`;
  }
  const parts: string[] = [
    ...intro,
    '## Summary',
    '',
    summaryTable(results),
    '',
    'Vector p50 / p99 at k=4 (Dify\'s default top_k); recall@10 against exact ground truth; nDCG@10 against the ' +
      'dataset\'s qrels ("unranked": the store\'s full text filters without ranking); QPS at the client count that ' +
      'gave the most; memory: mean at idle and the highest sample of the run' +
      (stores.some((s) => s.leastMemory) ? '; least memory: the least limit that survived (the largest that failed).' : '.'),
    '',
    ...charts,
    '## Insert',
    '',
    table(insertRows(stores)),
    '',
  ];
  for (const [index, k] of results.config.kValues.entries()) {
    parts.push(`## Vector search, k=${k} (${client})`, '', table(searchRows(stores, (s) => s.workloads.vector?.[index], `recall@${k}`)), '');
  }
  const sections: Array<[SkippableWorkload, string, (s: StoreResult) => SearchResult | undefined, string | undefined]> = [
    ['filtered-vector', 'Vector search filtered by document_id, k=10', (s) => s.workloads.filteredVector, 'recall@10'],
    ['full-text', 'Full-text search, k=10', (s) => s.workloads.fullText, undefined],
    [
      'dify-hybrid',
      `Dify hybrid (${results.config.hybridWeights.vector} vector + ${results.config.hybridWeights.keyword} keyword${hybridRules(results)}), k=10`,
      (s) => s.workloads.difyHybrid,
      undefined,
    ],
    ['native-hybrid', 'Native hybrid, k=10', (s) => s.workloads.nativeHybrid, undefined],
  ];
  // A workload `bench run --skip` left out gets its heading and one line saying so, not a table of dashes.
  const skipped = (name: SkippableWorkload): string | undefined =>
    results.config.skip?.includes(name) ? `Skipped in this run (\`bench run --skip ${name}\`).` : undefined;
  for (const [name, title, pick, recallLabel] of sections) {
    const unsupported = stores.every((s) => pick(s)?.status === 'unsupported');
    parts.push(
      `## ${title} (${client})`,
      '',
      skipped(name) ?? (unsupported ? 'Not supported by any store in this run.' : table(searchRows(stores, pick, recallLabel))),
      '',
    );
  }
  parts.push(
    `## Concurrent vector search, k=4, ${results.config.concurrencySeconds} s per level, ${client}: QPS (p99 ms)`,
    '',
    skipped('concurrency') ?? table(concurrencyRows(stores, results.config.concurrencyLevels)),
    '',
    ...clientBoundNote(stores),
    '## Delete',
    '',
    skipped('delete') ?? table(deleteRows(stores)),
    '',
    '## Memory (MiB, mean / peak per phase)',
    '',
    table(memoryRows(stores)),
    '',
    ...leastMemory,
    ...knowledgeBases,
    ...(options.appendix ?? []),
    ...environment(results),
  );
  return `${parts.join('\n')}\n`;
}

const columnName = storeLabel;

/** An error message as one short table cell: no pipes, no newlines. */
function tableSafe(text: string): string {
  const line = text.replace(/\s+/g, ' ').replace(/\|/g, '\\|');
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}

function chartsSection(charts: readonly ChartLink[]): string[] {
  if (charts.length === 0) return [];
  return ['## Charts', '', ...charts.flatMap((c) => [`![${c.title}](${encodeURI(c.file)})`, ''])];
}

function insertRows(stores: readonly StoreResult[]): Cell[][] {
  const cell = (s: StoreResult, f: (r: Extract<NonNullable<StoreResult['workloads']['insert']>, { status: 'ok' }>) => string): Cell => {
    const r = s.workloads.insert;
    if (!r) return s.status === 'failed' ? FAILED : DASH;
    return r.status === 'ok' ? f(r) : r.status === 'failed' ? FAILED : NOT_SUPPORTED;
  };
  return [
    ['docs/s', ...stores.map((s) => cell(s, (r) => rate(r.docsPerSecond)))],
    ['insert time (s)', ...stores.map((s) => cell(s, (r) => seconds(r.insertSeconds)))],
    ['until searchable (s)', ...stores.map((s) => cell(s, (r) => seconds(r.searchableSeconds)))],
    [`batch p50 / p99 (ms)`, ...stores.map((s) => cell(s, (r) => `${ms(r.batchLatency.p50Ms)} / ${ms(r.batchLatency.p99Ms)}`))],
    ...difyInsertRows(stores),
    ['server start (s)', ...stores.map((s) => (s.server ? seconds(s.server.startSeconds) : DASH))],
    ['data on disk (MiB)', ...stores.map((s) => (s.server?.dataBytes !== undefined ? mib(s.server.dataBytes) : DASH))],
  ];
}

/**
 * Dify's indexing pattern beside the sequential batches, when the run measured it: docs/s, and
 * per group (one of Dify's threads) p50 / p99.
 */
function difyInsertRows(stores: readonly StoreResult[]): Cell[][] {
  const first = stores.map((s) => s.workloads.difyInsert).find((r) => r?.status === 'ok');
  if (!stores.some((s) => s.workloads.difyInsert)) return [];
  const cell = (s: StoreResult, f: (r: Extract<NonNullable<StoreResult['workloads']['difyInsert']>, { status: 'ok' }>) => string): Cell => {
    const r = s.workloads.difyInsert;
    if (!r) return DASH;
    return r.status === 'ok' ? f(r) : r.status === 'failed' ? FAILED : NOT_SUPPORTED;
  };
  const threads = first?.status === 'ok' ? first.threads : 10;
  return [
    [`docs/s, Dify's indexing (${threads} threads, hash groups per document)`, ...stores.map((s) => cell(s, (r) => rate(r.docsPerSecond)))],
    ["Dify's indexing: group p50 / p99 (ms)", ...stores.map((s) => cell(s, (r) => `${ms(r.groupLatency.p50Ms)} / ${ms(r.groupLatency.p99Ms)}`))],
  ];
}

function searchRows(
  stores: readonly StoreResult[],
  pick: (s: StoreResult) => SearchResult | undefined,
  recallLabel: string | undefined,
): Cell[][] {
  const cell = (s: StoreResult, f: (r: Extract<SearchResult, { status: 'ok' }>) => string): Cell => {
    const r = pick(s);
    if (!r) return s.status === 'failed' ? FAILED : DASH;
    return r.status === 'ok' ? f(r) : r.status === 'failed' ? FAILED : NOT_SUPPORTED;
  };
  const optional = (v: number | undefined): string => (v === undefined ? DASH : ratio(v));
  // Latency is over the queries that answered: marked where others errored, the errors in a row of their own.
  const latencyCell = (r: Extract<SearchResult, { status: 'ok' }>, v: number): string => (r.errors ? `${ms(v)} ⚠` : ms(v));
  const rows: Cell[][] = [
    ['p50 (ms)', ...stores.map((s) => cell(s, (r) => latencyCell(r, r.latency.p50Ms)))],
    ['p95 (ms)', ...stores.map((s) => cell(s, (r) => latencyCell(r, r.latency.p95Ms)))],
    ['p99 (ms)', ...stores.map((s) => cell(s, (r) => latencyCell(r, r.latency.p99Ms)))],
  ];
  if (recallLabel) rows.push([recallLabel, ...stores.map((s) => cell(s, (r) => optional(r.recall)))]);
  rows.push(
    ['nDCG@10', ...stores.map((s) => cell(s, (r) => optional(r.ndcg10)))],
    ['MRR@10', ...stores.map((s) => cell(s, (r) => optional(r.mrr10)))],
    ['queries (empty answers)', ...stores.map((s) => cell(s, (r) => `${r.queries} (${r.emptyAnswers})`))],
  );
  if (stores.some((s) => { const r = pick(s); return r?.status === 'ok' && r.errors; })) {
    rows.push([
      '⚠ errored queries (not in latency; scored as empty)',
      ...stores.map((s) => cell(s, (r) => (r.errors ? `${r.errors}: ${tableSafe(r.firstError ?? '')}` : '0'))),
    ]);
  }
  // The harness's own CPU per query: how much of the latency above the client itself may be.
  if (stores.some((s) => { const r = pick(s); return r?.status === 'ok' && r.clientCpu; })) {
    rows.push(['client CPU / query (µs)', ...stores.map((s) => cell(s, (r) => (r.clientCpu ? String(Math.round(r.clientCpu.perRequestUs)) : DASH)))]);
  }
  return rows;
}

function concurrencyRows(stores: readonly StoreResult[], levels: readonly number[]): Cell[][] {
  return levels.map((clients) => [
    `${clients} client${clients === 1 ? '' : 's'}`,
    ...stores.map((s) => {
      const r = s.workloads.concurrency;
      if (!r) return s.status === 'failed' ? FAILED : DASH;
      if (r.status !== 'ok') return r.status === 'failed' ? FAILED : NOT_SUPPORTED;
      const level = r.levels.find((l) => l.clients === clients);
      if (!level) return DASH;
      const errors = level.errors ? `, ⚠ ${level.errors} errors` : '';
      const bound = level.clientCpu && clientSaturated(level.clientCpu) ? ' client-bound' : '';
      return `${rate(level.qps)} (${ms(level.latency.p99Ms)}${errors})${bound}`;
    }),
  ]);
}

/** Says what "client-bound" means, when a level is marked so; nothing otherwise. */
function clientBoundNote(stores: readonly StoreResult[]): string[] {
  const bound = stores.flatMap((s) => {
    const r = s.workloads.concurrency;
    if (r?.status !== 'ok') return [];
    return r.levels.filter((l) => l.clientCpu && clientSaturated(l.clientCpu)).map((l) => ({ store: storeLabel(s), l }));
  });
  if (bound.length === 0) return [];
  const which = bound
    .map(({ store, l }) => `${store} ×${l.clients}: ${Math.round((l.clientCpu?.coreFraction ?? 0) * 100)}% of a core, ${Math.round(l.clientCpu?.perRequestUs ?? 0)} µs per request`)
    .join('; ');
  return [
    `**client-bound**: the harness's one process used at least ${Math.round(CLIENT_SATURATED_FRACTION * 100)}% of a core ` +
      `over the level's wall time, so that QPS is where the client ran out of CPU, not the store (${which}).`,
    '',
  ];
}

type DeleteOk = Extract<NonNullable<StoreResult['workloads']['delete']>, { status: 'ok' }>;

function deleteRows(stores: readonly StoreResult[]): Cell[][] {
  const cell = (s: StoreResult, f: (r: DeleteOk) => string): Cell => {
    const r = s.workloads.delete;
    if (!r) return s.status === 'failed' ? FAILED : DASH;
    return r.status === 'ok' ? f(r) : r.status === 'failed' ? FAILED : NOT_SUPPORTED;
  };
  // Files from before the delete followed Dify's document path hold the old two timings.
  const rows: Array<[string, (r: DeleteOk) => number | undefined, (r: DeleteOk) => number | undefined]> = [
    ["a document by its chunk ids, Dify's path (ms)", (r) => r.documentByIdsMs, (r) => (r.documentByIdsMs === undefined ? undefined : r.rowsDeleted)],
    ['a document by metadata document_id (ms)', (r) => r.byMetadataMs ?? r.byDocumentIdMs, (r) => r.metadataRowsDeleted ?? (r.byDocumentIdMs === undefined ? undefined : r.rowsDeleted)],
    ['5 chunks by ids, older files (ms)', (r) => r.byIdsMs, (r) => r.idsDeleted],
  ];
  const present = rows.filter(([, time]) => stores.some((s) => s.workloads.delete?.status === 'ok' && time(s.workloads.delete) !== undefined));
  return [
    ...present.map(([label, time, count]): Cell[] => [
      label,
      ...stores.map((s) => cell(s, (r) => (time(r) === undefined ? '–' : `${ms(time(r) as number)} (${count(r) ?? '?'} rows)`))),
    ]),
    ['rows gone', ...stores.map((s) => cell(s, (r) => (r.verified ? 'yes' : `NO (${r.rowsBefore} → ${r.rowsAfter})`)))],
  ];
}

/** The least memory limit under which each store still inserted the dataset and answered. */
function leastMemorySection(stores: readonly StoreResult[], table: (rows: Cell[][]) => string): string[] {
  const cell = (s: StoreResult, f: (m: NonNullable<StoreResult['leastMemory']>) => string): Cell =>
    s.leastMemory ? f(s.leastMemory) : s.status === 'failed' ? FAILED : DASH;
  const probeAt = (m: NonNullable<StoreResult['leastMemory']>, bytes: number | undefined) =>
    m.probes.find((p) => p.limitBytes === bytes);
  const rows: Cell[][] = [
    [
      'least limit that survived (MiB)',
      ...stores.map((s) => cell(s, (m) => (m.leastBytes === undefined ? `none up to ${mib(m.maxBytes)}` : mib(m.leastBytes)))),
    ],
    ['largest limit that failed (MiB)', ...stores.map((s) => cell(s, (m) => (m.failedBytes === undefined ? DASH : mib(m.failedBytes))))],
    ['how it failed', ...stores.map((s) => cell(s, (m) => probeAt(m, m.failedBytes)?.failure ?? DASH))],
    ['vector p50 at least limit (ms)', ...stores.map((s) => cell(s, (m) => optionalMs(probeAt(m, m.leastBytes)?.p50Ms)))],
    ['vector p50 unlimited (ms)', ...stores.map((s) => cell(s, (m) => optionalMs(m.unlimitedP50Ms)))],
    ['probes (server starts)', ...stores.map((s) => cell(s, (m) => String(m.probes.length + 1)))],
  ];
  return ['## Least memory (insert every chunk, then answer every query at k=4)', '', table(rows), ''];
}

/**
 * `bench kb`: rows are collection counts N (each a fresh server), columns are stores. Steps a
 * store never reached, after its sweep stopped at a failure, read "–".
 */
function knowledgeBasesSection(stores: readonly StoreResult[], table: (rows: Cell[][]) => string): string[] {
  type Kb = NonNullable<StoreResult['knowledgeBases']>;
  type OkStep = Extract<Kb['steps'][number], { status: 'ok' }>;
  const first = stores.find((s) => s.knowledgeBases)?.knowledgeBases as Kb;
  const counts = [...new Set(stores.flatMap((s) => s.knowledgeBases?.counts ?? []))].sort((a, b) => a - b);
  const optionalMib = (v: number | undefined): string => (v === undefined ? DASH : mib(v));
  const cell = (s: StoreResult, n: number, f: (step: OkStep) => string): Cell => {
    const kb = s.knowledgeBases;
    if (!kb) return s.status === 'failed' ? FAILED : DASH;
    const step = kb.steps.find((x) => x.collections === n);
    if (!step) return DASH;
    return step.status === 'ok' ? f(step) : `${FAILED} (${step.phase})`;
  };
  const rowsFor = (f: (step: OkStep) => string): Cell[][] =>
    counts.map((n) => [`N=${n}`, ...stores.map((s) => cell(s, n, f))]);
  const emptyServer = (s: StoreResult): Cell => {
    const step = s.knowledgeBases?.steps.find((x): x is OkStep => x.status === 'ok' && x.emptyBytes !== undefined);
    return step ? optionalMib(step.emptyBytes) : DASH;
  };
  const memory: Cell[][] = [
    ['empty server', ...stores.map(emptyServer)],
    ...rowsFor((step) => `${optionalMib(step.idleBytes)} / ${optionalMib(step.searchPeakBytes)}`),
  ];
  const closed = rowsFor((step) => optionalMib(step.closedBytes));
  const timing = rowsFor((step) => `${ms(step.searchLatency.p50Ms)} / ${seconds(step.createInsertSeconds)}`);
  return [
    `## Knowledge bases (N collections × ${first.docsPerCollection} docs, one fresh server per N)`,
    '',
    `Server memory (MiB): idle ${first.settleSeconds} s after the inserts / peak while searching every collection ` +
      `(${first.queries} queries each, k=${first.k}). "empty server": before the first collection.`,
    '',
    table(memory),
    '',
    'Server memory (MiB) once every client has closed (each collection had its own client; per-connection server state, such as a PostgreSQL backend, is gone):',
    '',
    table(closed),
    '',
    `Vector search p50 across all collections (ms) / create + insert of all N collections (s):`,
    '',
    table(timing),
    '',
  ];
}

function optionalMs(v: number | undefined): string {
  return v === undefined ? DASH : ms(v);
}

const PHASES = ['idle', 'insert', 'search', 'concurrent', 'delete'];

function memoryRows(stores: readonly StoreResult[]): Cell[][] {
  const rows = PHASES.map((phase) => [
    phase,
    ...stores.map((s) => {
      const p = s.memory?.phases[phase];
      return p ? `${mib(p.meanBytes)} / ${mib(p.maxBytes)}` : memoryMissing(s);
    }),
  ]);
  rows.push([
    'peak, whole run',
    ...stores.map((s) => {
      const peaks = Object.values(s.memory?.phases ?? {}).map((p) => p.maxBytes);
      return peaks.length ? mib(Math.max(...peaks)) : memoryMissing(s);
    }),
  ]);
  return rows;
}

/** An external server without memory metrics says so; otherwise a dash. */
function memoryMissing(s: StoreResult): string {
  return s.server?.memoryNotVisible !== undefined ? 'not visible' : DASH;
}

function environment(results: Results): string[] {
  const m = results.machine;
  const stop = results.interrupted;
  const lines = [
    '## Environment',
    '',
    ...(stop
      ? [`- **Interrupted** by ${stop.signal}${stop.during ? ` during ${stop.during} (not kept)` : ''}: only the stores listed ran to the end`]
      : []),
    `- Machine: ${m.cpuModel}, ${m.cores} cores, ${mib(m.memoryBytes)} MiB; ${m.os}, kernel ${m.kernel}; Node ${m.node}` +
      (m.loadAverage ? `; load average ${m.loadAverage.join(' / ')} (1 / 5 / 15 min) as the run started` : ''),
    `- vdb-bench ${results.tool.version}; harness peak RSS ${mib(results.harness.peakRssBytes)} MiB, ` +
      `CPU ${seconds(results.harness.cpuUserSeconds)} s user + ${seconds(results.harness.cpuSystemSeconds)} s system`,
    `- Dataset content hash ${results.dataset.contentHash.slice(0, 16)}; batch size ${results.config.batchSize}; ` +
      `${results.config.warmupQueries} warm-up queries before each timed pass` +
      (results.dataset.groundTruthSeconds !== undefined
        ? `; exact ground truth ready in ${seconds(results.dataset.groundTruthSeconds)} s before the first store started`
        : ''),
  ];
  for (const s of results.stores) {
    const server = s.server
      ? `server reports ${s.server.version}; ${s.server.runtime} runtime (\`${publishableCommand(s.server.description)}\`)`
      : 'server not started';
    lines.push(`- ${columnName(s)}: ${server}`);
    if (s.memory) lines.push(`  - memory: ${s.memory.method}`);
    else if (s.server?.memoryNotVisible !== undefined) lines.push(`  - memory: not visible (${s.server.memoryNotVisible})`);
    if (s.harnessMemory) lines.push(`  - harness RSS peak by phase: ${harnessPeaks(s.harnessMemory)}`);
    for (const note of s.capabilities.notes) lines.push(`  - ${note}`);
    if (s.status === 'failed' && s.error) {
      lines.push(`  - **failed during ${s.error.phase}**: ${s.error.message.split('\n')[0]}`);
      // The server's own last words (a crash, a fatal error) tell the reader more than the client's.
      const tail = s.error.logTail.filter((l) => l.trim()).slice(-FAILURE_LOG_LINES);
      if (tail.length > 0) lines.push('  - last server log lines:', '', '    ```', ...tail.map((l) => `    ${l}`), '    ```');
    }
  }
  return lines;
}

/** "insert 3412 MiB, search 3390 MiB": where the harness's own memory peaked during a store's run. */
function harnessPeaks(memory: NonNullable<StoreResult['harnessMemory']>): string {
  return Object.entries(memory.phases)
    .map(([phase, p]) => `${phase} ${mib(p.maxBytes)} MiB`)
    .join(', ');
}

/** Which Dify release's hybrid rules a run used; files from before the choice existed say nothing. */
function hybridRules(results: Results): string {
  const { hybridRule, keywordRule } = results.config;
  if (!hybridRule && !keywordRule) return '';
  return hybridRule === keywordRule ? `, ${hybridRule} rules` : `, merge ${hybridRule ?? '?'}, keywords ${keywordRule ?? '?'}`;
}
