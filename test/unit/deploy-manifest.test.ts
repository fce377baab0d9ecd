import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { Ajv } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseEndpoints } from '../../src/cli/endpoint-options.js';

/**
 * deploy/k8s/bench-shards.yaml and bench-merge.yaml, checked without a cluster: every document against the JSON Schema
 * of the Kubernetes fields it uses (deploy/k8s/schema, written from the API reference: the full
 * schema cannot be fetched at test time), then what a schema cannot say: the shard count agrees
 * everywhere, the merge reads what the shards write, and every flag is one the CLI takes.
 */
const MANIFESTS = ['bench-shards.yaml', 'bench-merge.yaml'].map((f) => new URL(`../../deploy/k8s/${f}`, import.meta.url));
const SCHEMA = new URL('../../deploy/k8s/schema/k8s-subset.schema.json', import.meta.url);
const BIN = new URL('../../bin/bench.js', import.meta.url).pathname;

type Doc = {
  kind: string;
  metadata: { name: string };
  spec: {
    completionMode?: string;
    completions?: number;
    parallelism?: number;
    template: { spec: { restartPolicy: string; containers: { args: string[]; env: { name: string; value?: string }[] }[] } };
  };
};

let docs: Doc[];
let validate: ReturnType<Ajv['compile']>;

beforeAll(async () => {
  docs = [];
  for (const file of MANIFESTS) docs.push(...parseAllDocuments(await readFile(file, 'utf8')).map((d) => d.toJS() as Doc));
  validate = new Ajv({ allErrors: true, strict: true }).compile(JSON.parse(await readFile(SCHEMA, 'utf8')) as object);
});

const job = (name: string): Doc => {
  const d = docs.find((x) => x.kind === 'Job' && x.metadata.name === name);
  if (!d) throw new Error(`no Job ${name}`);
  return d;
};
const container = (d: Doc) => d.spec.template.spec.containers[0]!;
const env = (d: Doc, name: string): string => container(d).env.find((e) => e.name === name)?.value ?? '';

describe('deploy/k8s', () => {
  it('is a PersistentVolumeClaim and two Jobs, each valid against the schema', () => {
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual([
      'PersistentVolumeClaim/vdb-bench-results',
      'Job/vdb-bench-shards',
      'Job/vdb-bench-merge',
    ]);
    for (const d of docs) expect(validate(d), JSON.stringify(validate.errors)).toBe(true);
  });

  it('the schema is not vacuous: it refuses what Kubernetes would', () => {
    const shards = structuredClone(job('vdb-bench-shards'));
    shards.spec.template.spec.restartPolicy = 'Always';
    expect(validate(shards)).toBe(false);
    const typo = structuredClone(job('vdb-bench-shards')) as unknown as { spec: Record<string, unknown> };
    typo.spec.completion = 4;
    expect(validate(typo)).toBe(false);
    const indexedWithoutCount = structuredClone(job('vdb-bench-shards')) as unknown as { spec: Record<string, unknown> };
    delete indexedWithoutCount.spec.completions;
    expect(validate(indexedWithoutCount)).toBe(false);
  });

  it('runs one shard per completion index, and the merge reads exactly what the shards write', () => {
    const shards = job('vdb-bench-shards');
    expect(shards.spec.completionMode).toBe('Indexed');
    expect(shards.spec.completions).toBe(Number(env(shards, 'SHARDS')));
    expect(shards.spec.parallelism).toBe(shards.spec.completions);
    const run = container(shards).args.join(' ');
    expect(run).toContain('--shard "$JOB_COMPLETION_INDEX/$SHARDS"');
    expect(run).toContain('--out "/results/$BENCH_RUN-shard-$JOB_COMPLETION_INDEX.json"');
    const merge = job('vdb-bench-merge');
    expect(container(merge).args.join(' ')).toContain('report merge /results/$BENCH_RUN-shard-*.json');
    expect(env(merge, 'BENCH_RUN')).toBe(env(shards, 'BENCH_RUN'));
    expect([...parseEndpoints(env(shards, 'BENCH_ENDPOINT'), 'external').keys()]).toEqual(['weaviate']);
  });

  it('uses only flags the CLI takes', async () => {
    const help = async (...args: string[]) => (await promisify(execFile)('node', [BIN, ...args, '--help'])).stdout;
    const flags = (d: Doc) => [...container(d).args.join(' ').matchAll(/--[a-z-]+/g)].map((m) => m[0]);
    const runHelp = await help('run');
    for (const flag of flags(job('vdb-bench-shards'))) expect(runHelp, flag).toContain(`${flag} `);
    const mergeHelp = await help('report', 'merge');
    for (const flag of flags(job('vdb-bench-merge'))) expect(mergeHelp, flag).toContain(`${flag} `);
  });
});
