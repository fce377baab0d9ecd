import { markdownTable } from 'markdown-table';
import { clientSaturated } from '../bench/metrics/client-cpu.js';
import type { SelftestResults, SelftestRow } from '../bench/selftest/selftest-results.js';
import { rate } from './format.js';

const DASH = '–';
const ms3 = (v: number): string => v.toFixed(3);
const us = (msValue: number): string => (msValue * 1000).toFixed(0);

/** The server's time per query (execution + planning), ms; undefined where the server said nothing. */
function serverMs(s: { server?: { meanExecMs: number; meanPlanMs: number } }): number | undefined {
  return s.server ? s.server.meanExecMs + s.server.meanPlanMs : undefined;
}

function levelName(r: SelftestRow): string {
  return r.serial ? 'serial' : String(r.clients);
}

/**
 * The selftest as markdown: the issue's table (harness QPS against each reference client's, same
 * server, table and query), then where the serial latency goes: the client's own CPU, the
 * server's execution and planning time, and the rest (network, protocol, scheduling).
 */
export function renderSelftestMarkdown(r: SelftestResults): string {
  const refs = r.referenceClients.map((c) => c.name);
  // A store without server-side timing gets no server column, rather than a column of dashes.
  const timed = r.serverTimingSource !== undefined;
  const header = [
    'clients',
    'harness QPS (mean ms)',
    'client CPU µs/query (share of a core)',
    ...(timed ? ['server µs/query'] : []),
    ...refs.flatMap((name) => [`${name} QPS (mean ms)`, 'ratio']),
  ];
  const rows = r.rows.map((row) => {
    const h = row.harness;
    const cpu = h.clientCpu;
    const bound = clientSaturated(cpu) ? ', client-bound' : '';
    const server = serverMs(h);
    return [
      levelName(row),
      `${rate(h.qps)} (${ms3(h.meanMs)})`,
      `${cpu.perRequestUs.toFixed(0)} (${Math.round(cpu.coreFraction * 100)}%${bound})`,
      ...(timed ? [server === undefined ? DASH : us(server)] : []),
      ...refs.flatMap((name) => {
        const x = row.references.find((ref) => ref.name === name);
        return x ? [`${rate(x.qps)} (${ms3(x.meanMs)})`, (h.qps / x.qps).toFixed(2)] : [DASH, DASH];
      }),
    ];
  });
  const serial = r.rows.find((row) => row.serial);
  const check = r.answerCheck;
  const parts = [
    `# vdb-bench selftest: ${r.store} (${r.profile})`,
    '',
    `${r.server.version}; table of ${r.table.rows} × ${r.table.dims} ${r.table.metric} vectors, k = ${r.table.k}; ` +
      `serial: ${r.serialQueries} queries one at a time; client counts: ${r.secondsPerLevel} s each (closed loop)` +
      `${(r.rounds ?? 1) > 1 ? `; ${r.rounds} rounds per level in a rotating order, each figure its median round` : ''}. Started ${r.startedAt}.`,
    '',
    markdownTable([header, ...rows], { align: ['l', ...header.slice(1).map(() => 'r')] }),
    '',
    'ratio: harness QPS / that client\'s QPS. client CPU: the harness process\'s CPU (user + system) per query, and over the ' +
      'pass\'s wall time as a share of one core ("client-bound" from 90%). server: ' +
      (timed ? `${r.serverTimingSource}, mean per call.` : 'no server-side timing for this store.'),
    '',
    ...(check
      ? [
          `Answer check (before timing): the replayed ${check.requestsPerQuery === 1 ? 'request' : `${check.requestsPerQuery} requests`} got the ` +
            `same ${check.ids.length} ids as the adapter's (${check.ids.join(', ')}); the adapter kept ${check.adapterHits.length} of them as hits.`,
          '',
        ]
      : []),
    ...(serial ? breakdown(serial, timed) : []),
    '## Clients',
    '',
    ...r.referenceClients.map((c) => `- ${c.name}: \`${c.description}\``),
    '',
    ...r.notes.map((n) => `- ${n}`),
    '',
  ];
  return `${parts.join('\n')}\n`;
}

/**
 * Mean serial latency split into client CPU, server time and the rest, for the harness and each
 * reference; without server timing only the latency and the harness's client CPU.
 */
function breakdown(row: SelftestRow, timed: boolean): string[] {
  const h = row.harness;
  const clientMs = h.clientCpu.perRequestUs / 1000;
  const head = ['client', 'mean latency (µs)', 'client CPU (µs)', ...(timed ? ['server (µs)', 'rest: network, protocol, scheduling (µs)'] : [])];
  const lines: string[][] = [head];
  const server = serverMs(h);
  lines.push([
    'harness',
    us(h.meanMs),
    us(clientMs),
    ...(timed ? [server === undefined ? DASH : us(server), server === undefined ? DASH : us(h.meanMs - clientMs - server)] : []),
  ]);
  for (const x of row.references) {
    const s = serverMs(x);
    lines.push([x.name, us(x.meanMs), DASH, ...(timed ? [s === undefined ? DASH : us(s), s === undefined ? DASH : us(x.meanMs - s)] : [])]);
  }
  return [
    '## Where a serial query\'s time goes',
    '',
    markdownTable(lines, { align: ['l', ...head.slice(1).map(() => 'r')] }),
    '',
    timed
      ? 'The harness\'s client CPU overlaps its own latency only in part (work after the answer, e.g. timing and bookkeeping, ' +
        'falls between queries); a reference client\'s CPU is not measured, so its "rest" includes it.'
      : 'The harness\'s client CPU overlaps its own latency only in part (work after the answer, e.g. timing and bookkeeping, ' +
        'falls between queries); a reference client\'s CPU is not measured. The difference between the two latencies is what ' +
        'the harness\'s client adds.',
    '',
  ];
}
