import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { findStore } from '../../src/adapters/registry.js';
import type { ExternalRecipe } from '../../src/runtime/external/external-recipe.js';
import { parseExternalUrl, shownUrl } from '../../src/runtime/external/external-url.js';
import { prometheusValue } from '../../src/runtime/external/prometheus-text.js';
import { mapJsonStrings } from '../../src/runtime/json-strings.js';
import { REDACTED, Secret, redact } from '../../src/runtime/secret.js';
import { checkEndpointsCover, parseEndpoints } from '../../src/cli/endpoint-options.js';
import { pgConnection } from '../../src/adapters/pgvector/pgvector-connection.js';

function recipe(store: string): ExternalRecipe {
  const r = findStore(store)?.external;
  if (!r) throw new Error(`${store} has no external recipe`);
  return r;
}

describe('Secret and redact', () => {
  it('never prints its value, however it is turned into text', () => {
    const s = new Secret('hunter2-very-secret');
    expect(String(s)).toBe(REDACTED);
    expect(`${s}`).toBe(REDACTED);
    expect(JSON.stringify({ s })).toBe(`{"s":"${REDACTED}"}`);
    expect(inspect({ s })).toBe(`{ s: ${REDACTED} }`);
    expect(s.reveal()).toBe('hunter2-very-secret');
  });

  it('scrubs every known secret and URL passwords from text and from every string of a value', () => {
    new Secret('s3cr3t-token');
    expect(redact('auth failed for Bearer s3cr3t-token (again s3cr3t-token)')).toBe(
      `auth failed for Bearer ${REDACTED} (again ${REDACTED})`,
    );
    expect(redact('postgres://bench:pw@127.0.0.1:5432/db and http://u:p@h/x')).toBe(
      `postgres://bench:${REDACTED}@127.0.0.1:5432/db and http://u:${REDACTED}@h/x`,
    );
    expect(mapJsonStrings({ a: ['x s3cr3t-token', 3, true, null], b: { c: 's3cr3t-token' } }, redact)).toEqual({
      a: [`x ${REDACTED}`, 3, true, null],
      b: { c: REDACTED },
    });
    // A histogram is base64 of numbers: a short secret occurring in it by chance must not corrupt it.
    new Secret('HISTF');
    expect(mapJsonStrings({ latency: { histogram: 'HISTFAAAAA==' }, note: 'HISTF' }, redact)).toEqual({
      latency: { histogram: 'HISTFAAAAA==' },
      note: REDACTED,
    });
  });
});

describe('prometheusValue', () => {
  const page = [
    '# HELP process_resident_memory_bytes Resident memory size in bytes.',
    '# TYPE process_resident_memory_bytes gauge',
    'process_resident_memory_bytes 1.2345e+08',
    'process_resident_memory_bytes_total 99',
    'memory_resident_bytes{shard="a"} 100 1700000000000',
    'memory_resident_bytes{shard="b"} 250',
    'broken_metric{x="1"} NaN',
  ].join('\n');

  it('reads a metric by its exact name, summed over its series', () => {
    expect(prometheusValue(page, 'process_resident_memory_bytes')).toBe(123_450_000);
    expect(prometheusValue(page, 'memory_resident_bytes')).toBe(350);
  });

  it('is undefined for a metric the page does not serve (or serves no number for)', () => {
    expect(prometheusValue(page, 'go_memstats_heap_inuse_bytes')).toBeUndefined();
    expect(prometheusValue(page, 'broken_metric')).toBeUndefined();
  });
});

describe('external URLs', () => {
  it('refuses a password in the URL without repeating it', () => {
    expect(() => parseExternalUrl('pgvector', recipe('pgvector'), 'postgres://bench:topsecret@127.0.0.1:5432/db')).toThrow(
      '--endpoint pgvector: the URL holds a password; put it in PGVECTOR_PASSWORD instead (Dify\'s variable)',
    );
    try {
      parseExternalUrl('pgvector', recipe('pgvector'), 'postgres://bench:topsecret@127.0.0.1:5432/db');
    } catch (error) {
      expect((error as Error).message).not.toContain('topsecret');
    }
  });

  it('refuses another scheme, an unknown parameter and a non-URL, naming the store', () => {
    expect(() => parseExternalUrl('weaviate', recipe('weaviate'), 'postgres://h:1')).toThrow(
      '--endpoint weaviate: scheme "postgres" is not one of http, https; expected e.g. https://weaviate.example:8080?grpc=50051&metrics=2112',
    );
    expect(() => parseExternalUrl('weaviate', recipe('weaviate'), 'http://127.0.0.1:8080?grcp=1')).toThrow(
      '--endpoint weaviate: unknown URL parameter "grcp"; it takes grpc, metrics',
    );
    expect(() => parseExternalUrl('qdrant', recipe('qdrant'), 'not a url')).toThrow('--endpoint qdrant: not a URL; expected e.g. https://qdrant.example:6333');
  });

  it('shows a URL without password or fragment', () => {
    expect(shownUrl(new URL('http://127.0.0.1:8080/?grpc=1#x'))).toBe('http://127.0.0.1:8080/?grpc=1');
  });
});

describe('external recipes', () => {
  const env = { PGVECTOR_PASSWORD: 'pg-pass-123', WEAVIATE_API_KEY: 'wv-key-456', QDRANT_API_KEY: 'qd-key', CHROMA_AUTH_CREDENTIALS: 'u:p', CHROMA_AUTH_PROVIDER: 'chromadb.auth.basic_authn.BasicAuthClientProvider', OCEANBASE_VECTOR_PASSWORD: 'ob' };

  it('pgvector: user, database, port, sslmode and PGVECTOR_PASSWORD', () => {
    const t = recipe('pgvector').target({ url: new URL('postgres://bench@127.0.0.1:6543/benchdb?sslmode=require'), env });
    expect(t.endpoint.host).toBe('127.0.0.1');
    expect(t.endpoint.ports).toEqual({ postgres: 6543 });
    expect(t.endpoint.access?.tls).toBe('unverified');
    expect(pgConnection(t.endpoint)).toEqual({
      host: '127.0.0.1',
      port: 6543,
      user: 'bench',
      database: 'benchdb',
      password: 'pg-pass-123',
      ssl: { rejectUnauthorized: false },
    });
    expect(t.memory).toEqual({ notVisible: 'PostgreSQL serves no memory metrics of its own' });
    const plain = recipe('pgvector').target({ url: new URL('postgresql://[::1]'), env: {} });
    expect(pgConnection(plain.endpoint)).toEqual({ host: '::1', port: 5432, user: 'postgres', database: 'postgres' });
    expect(() => recipe('pgvector').target({ url: new URL('postgres://h/db?sslmode=prefer'), env })).toThrow(
      'parameter sslmode: "prefer" is not one of disable, require, verify-ca, verify-full',
    );
  });

  it('weaviate: gRPC and metrics ports from the URL, https means TLS', () => {
    const t = recipe('weaviate').target({ url: new URL('https://127.0.0.1?grpc=50052&metrics=2113'), env });
    expect(t.endpoint.ports).toEqual({ http: 8080, grpc: 50052 });
    expect(t.endpoint.access?.tls).toBe('verify');
    expect(t.endpoint.access?.secret?.reveal()).toBe('wv-key-456');
    expect(t.memory).toEqual({
      url: 'http://127.0.0.1:2113/metrics',
      metrics: ['process_resident_memory_bytes', 'go_memstats_heap_inuse_bytes'],
    });
    const bare = recipe('weaviate').target({ url: new URL('http://127.0.0.1:8080'), env: {} });
    expect(bare.endpoint.ports).toEqual({ http: 8080, grpc: 50051 });
    expect(bare.endpoint.access).toEqual({ tls: 'off' });
    expect('notVisible' in bare.memory).toBe(true);
    expect(() => recipe('weaviate').target({ url: new URL('http://h?grpc=x'), env })).toThrow('parameter grpc: "x" is not a port');
  });

  it('qdrant reads its own /metrics with the key; chroma takes basic auth from CHROMA_AUTH_PROVIDER', () => {
    const q = recipe('qdrant').target({ url: new URL('http://127.0.0.1:7000'), env });
    expect(q.memory).toEqual({ url: 'http://127.0.0.1:7000/metrics', metrics: ['memory_resident_bytes'], headers: { 'api-key': 'qd-key' } });
    const c = recipe('chroma').target({ url: new URL('http://127.0.0.1'), env });
    expect(c.endpoint.ports).toEqual({ http: 8000 });
    expect(c.endpoint.access?.scheme).toBe('basic');
    const o = recipe('oceanbase').target({ url: new URL('mysql://root%40test@127.0.0.1/test'), env });
    expect(o.endpoint.ports).toEqual({ mysql: 2881 });
    expect(o.endpoint.access?.user).toBe('root@test');
    expect(o.endpoint.access?.database).toBe('test');
  });
});

describe('--endpoint', () => {
  it('maps stores (and aliases) to URLs and needs the external runtime', () => {
    expect([...parseEndpoints('seekdb=mysql://root@127.0.0.1:2881/test, weaviate=http://127.0.0.1:8080', 'external')]).toEqual([
      ['oceanbase', 'mysql://root@127.0.0.1:2881/test'],
      ['weaviate', 'http://127.0.0.1:8080'],
    ]);
    expect(() => parseEndpoints('weaviate=http://127.0.0.1:8080', 'local')).toThrow('--endpoint needs --runtime external');
    expect(() => parseEndpoints('milvus=http://h:1', 'external')).toThrow('--endpoint: an entry is not store=URL with a known store');
    expect(() => parseEndpoints('weaviate=http://h:1,weaviate=http://h:2', 'external')).toThrow('--endpoint weaviate: given twice');
  });

  it('names every store the run measures that has no URL', () => {
    expect(() => checkEndpointsCover(['pgvector', 'chroma'], new Map([['pgvector', 'postgres://h']]))).toThrow(
      '--endpoint: --runtime external needs a URL for chroma (e.g. --endpoint chroma=<url>)',
    );
    expect(() => checkEndpointsCover(['pgvector'], new Map([['pgvector', 'postgres://h']]))).not.toThrow();
  });
});
