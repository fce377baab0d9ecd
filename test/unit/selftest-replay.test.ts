import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SearchReply } from '../../node_modules/weaviate-client/dist/node/esm/proto/v1/search_get.js';
import { chromaAnswerIds } from '../../src/adapters/chroma/chroma-selftest.js';
import { qdrantAnswerIds } from '../../src/adapters/qdrant/qdrant-selftest.js';
import { checkReplayedAnswer } from '../../src/adapters/selftest-answer-check.js';
import { requestDifferences } from '../../src/adapters/selftest-capture.js';
import { searchReplyDocIds, weaviateAnswerIds, WEAVIATE_SEARCH_PATH } from '../../src/adapters/weaviate/weaviate-selftest.js';
import { runClosedLoop } from '../../src/runtime/replay/closed-loop.js';
import { ExchangeRecorder } from '../../src/runtime/replay/exchange-recorder.js';
import { outcomeMismatches } from '../../src/runtime/replay/exchange-replay.js';
import { grpcFrame, grpcMessages } from '../../src/runtime/replay/grpc-frame.js';
import { protobufBytes, protobufFields, protobufString } from '../../src/runtime/replay/protobuf-fields.js';
import { outcomeOf, replayableHeaders, type RecordedExchange } from '../../src/runtime/replay/recorded-exchange.js';
import { decodedBody } from '../../src/runtime/replay/response-body.js';

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

function exchange(path: string, answer: unknown, over: Partial<RecordedExchange> = {}): RecordedExchange {
  return {
    port: 'http',
    protocol: 'http1',
    request: { method: 'POST', path, headers: {}, body: utf8('{"q":1}') },
    response: { status: 200, headers: {}, body: utf8(JSON.stringify(answer)), trailers: {} },
    ...over,
  };
}

describe('gRPC framing', () => {
  it('prefixes a message with flag 0 and its big-endian length', () => {
    expect([...grpcFrame(bytes(1, 2, 3))]).toEqual([0, 0, 0, 0, 3, 1, 2, 3]);
    expect([...grpcFrame(new Uint8Array(0))]).toEqual([0, 0, 0, 0, 0]);
    expect([...grpcFrame(new Uint8Array(256)).subarray(0, 5)]).toEqual([0, 0, 0, 1, 0]);
  });

  it('splits a body into its messages', () => {
    const body = bytes(0, 0, 0, 0, 2, 9, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 7);
    expect(grpcMessages(body).map((m) => [...m])).toEqual([[9, 8], [], [7]]);
    expect(grpcMessages(new Uint8Array(0))).toEqual([]);
  });

  it('refuses a compressed or cut frame', () => {
    expect(() => grpcMessages(bytes(1, 0, 0, 0, 1, 5))).toThrow('gRPC body: the message at byte 0 is compressed (flag 1)');
    expect(() => grpcMessages(bytes(0, 0, 0, 0, 3, 5))).toThrow("gRPC body: a 3-byte message at byte 0 runs past the body's 6 bytes");
    expect(() => grpcMessages(bytes(0, 0, 0))).toThrow('gRPC body: a frame prefix is cut at byte 0 of 3');
  });
});

describe('protobuf wire format', () => {
  it('reads varint, length-delimited, fixed64 and fixed32 fields (protobuf.dev encoding examples)', () => {
    // field 1 = 150 (08 96 01); field 2 = "testing"; field 3 fixed64 = 1; field 4 fixed32 = 2
    const message = bytes(0x08, 0x96, 0x01, 0x12, 0x07, ...utf8('testing'), 0x19, 1, 0, 0, 0, 0, 0, 0, 0, 0x25, 2, 0, 0, 0);
    const fields = protobufFields(message);
    expect(fields.map((f) => [f.field, f.wireType])).toEqual([[1, 0], [2, 2], [3, 1], [4, 5]]);
    expect(fields[0]).toEqual({ field: 1, wireType: 0, varint: 150n });
    expect(protobufString(message, 2)).toBe('testing');
    expect(protobufString(message, 9)).toBeUndefined();
    expect([...(protobufBytes(message, 4)[0] ?? [])]).toEqual([]);
  });

  it('reads field numbers above 15 and embedded messages', () => {
    // field 11 (tag 0x5a) holds a message whose field 1 is "ab"; field 20 (tag a0 01) = 3
    const inner = bytes(0x0a, 0x02, 0x61, 0x62);
    const message = bytes(0x5a, inner.length, ...inner, 0xa0, 0x01, 0x03);
    expect(protobufFields(message).map((f) => f.field)).toEqual([11, 20]);
    expect(protobufString(protobufBytes(message, 11)[0] ?? new Uint8Array(0), 1)).toBe('ab');
  });

  it('refuses a cut message and groups', () => {
    expect(() => protobufFields(bytes(0x12, 0x05, 0x61))).toThrow("protobuf: field 2 (5 bytes) runs past the message's 3 bytes");
    expect(() => protobufFields(bytes(0x08, 0x96))).toThrow('protobuf: a varint at byte 1 is cut or longer than 10 bytes');
    expect(() => protobufFields(bytes(0x0b))).toThrow('protobuf: field 1 has wire type 3 (groups are not read)');
  });
});

describe("reading each store's answer ids", () => {
  it("qdrant: the points' metadata.doc_id, in the answer's order, gzip undone", () => {
    const answer = { result: [{ id: 'u1', score: 0.3, payload: { metadata: { doc_id: 'b' } } }, { id: 'u2', score: 0.2, payload: { metadata: { doc_id: 'a' } } }], time: 0.001 };
    const plain = exchange('/collections/Vector_index_x_Node/points/search', answer);
    expect(qdrantAnswerIds([plain])).toEqual(['b', 'a']);
    const gzipped = { ...plain, response: { ...plain.response, headers: { 'content-encoding': 'gzip' }, body: gzipSync(plain.response.body) } };
    expect(decodedBody(gzipped.response).toString()).toBe(JSON.stringify(answer));
    expect(qdrantAnswerIds([gzipped])).toEqual(['b', 'a']);
    expect(() => qdrantAnswerIds([exchange('/collections', {})])).toThrow("qdrant selftest: the adapter's search sent no POST …/points/search");
  });

  it("chroma: the query answer's first id list, after the get_or_create lookup", () => {
    const lookup = exchange('/api/v2/tenants/t/databases/d/collections', { id: 'c1', name: 'x' });
    const query = exchange('/api/v2/tenants/t/databases/d/collections/c1/query', { ids: [['s-2', 's-9', 's-4']], distances: [[1.1, 1.2, 1.3]] });
    expect(chromaAnswerIds([lookup, query])).toEqual(['s-2', 's-9', 's-4']);
  });

  it("weaviate: the doc_id text property of each result of a SearchReply (encoded by weaviate-client's own protos)", () => {
    const result = (docId: string) => ({
      properties: { nonRefProps: { fields: { text: { textValue: `text of ${docId}` }, doc_id: { textValue: docId }, document_id: { textValue: 'd' } } } },
      metadata: { distance: 0.7, distancePresent: true },
    });
    const reply = SearchReply.encode(SearchReply.fromPartial({ took: 1.5, results: [result('s-7'), result('s-3')] })).finish();
    expect(searchReplyDocIds(reply)).toEqual(['s-7', 's-3']);
    const grpc = exchange(WEAVIATE_SEARCH_PATH, null, {
      port: 'grpc',
      protocol: 'h2c',
      response: { status: 200, headers: { 'content-type': 'application/grpc' }, body: grpcFrame(reply), trailers: { 'grpc-status': '0' } },
    });
    const schema = exchange('/v1/schema/C', {}, { request: { method: 'GET', path: '/v1/schema/C', headers: {}, body: new Uint8Array(0) } });
    expect(weaviateAnswerIds([schema, grpc])).toEqual(['s-7', 's-3']);
    const noDocId = SearchReply.encode(SearchReply.fromPartial({ results: [{ properties: { nonRefProps: { fields: { text: { textValue: 't' } } } } }] })).finish();
    expect(() => searchReplyDocIds(noDocId)).toThrow('weaviate selftest: result 1 of the Search reply has no doc_id text property');
  });

  it('weaviate legacy: the GraphQL Get answer', () => {
    const graphql = exchange('/v1/graphql', { data: { Get: { Vector_index_x_Node: [{ doc_id: 'g-1', text: 't' }, { doc_id: 'g-2', text: 't' }] } } });
    expect(weaviateAnswerIds([graphql])).toEqual(['g-1', 'g-2']);
  });
});

describe('the answer check', () => {
  it('passes when the replay got the same ids and the hits are among them in order', () => {
    expect(checkReplayedAnswer('s', { adapter: ['a', 'b', 'c'], replay: ['a', 'b', 'c'], hits: ['a', 'c'] }, 2)).toEqual({
      ids: ['a', 'b', 'c'],
      adapterHits: ['a', 'c'],
      requestsPerQuery: 2,
    });
    expect(checkReplayedAnswer('s', { adapter: ['a'], replay: ['a'], hits: [] }, 1).adapterHits).toEqual([]);
  });

  it('names what differs', () => {
    expect(() => checkReplayedAnswer('s', { adapter: ['a', 'b'], replay: ['b', 'a'], hits: [] }, 1)).toThrow(
      's selftest: the replayed request got a different answer than the adapter\'s: [b, a] instead of [a, b]; the reference client would not measure the same query',
    );
    expect(() => checkReplayedAnswer('s', { adapter: ['a', 'b'], replay: ['a'], hits: [] }, 1)).toThrow('[a] instead of [a, b]');
    expect(() => checkReplayedAnswer('s', { adapter: [], replay: [], hits: [] }, 1)).toThrow(
      "s selftest: the server's answer to the adapter's request holds no ids, so a replay's answer cannot be checked against it",
    );
    expect(() => checkReplayedAnswer('s', { adapter: ['a', 'b'], replay: ['a', 'b'], hits: ['b', 'a'] }, 1)).toThrow(
      "s selftest: the adapter's hits [b, a] are not, in order, among the ids read from the server's answer [a, b]",
    );
  });
});

describe('comparing recorded requests and answers', () => {
  const a = exchange('/p', {});
  it('two recordings of the same requests do not differ; headers are not compared', () => {
    expect(requestDifferences([a], [{ ...a, request: { ...a.request, headers: { 'x-trace': '2' } } }])).toEqual([]);
  });

  it('names a different count, path or body', () => {
    expect(requestDifferences([a], [a, a])).toEqual(['1 requests, then 2']);
    expect(requestDifferences([a], [{ ...a, request: { ...a.request, path: '/q' } }])).toEqual(['request 1: POST /p (port http), then POST /q (port http)']);
    expect(requestDifferences([a], [{ ...a, request: { ...a.request, body: utf8('{"q":2}') } }])).toEqual([
      'request 1 (POST /p): its body changed (7 B, then 7 B)',
    ]);
  });

  it('an outcome is the HTTP status and, for gRPC, grpc-status from the trailers or a trailers-only answer', () => {
    expect(outcomeOf({ status: 200, headers: {}, trailers: {} })).toBe('HTTP 200');
    expect(outcomeOf({ status: 200, headers: {}, trailers: { 'grpc-status': '0' } })).toBe('HTTP 200, grpc-status 0');
    expect(outcomeOf({ status: 200, headers: { 'grpc-status': '5' }, trailers: {} })).toBe('HTTP 200, grpc-status 5');
    const answer = { status: 404, headers: {}, body: new Uint8Array(0), trailers: {} };
    expect(outcomeMismatches([a], [a.response])).toEqual([]);
    expect(outcomeMismatches([a], [answer])).toEqual(['request 1 (POST /p): expected HTTP 200, got HTTP 404']);
    expect(outcomeMismatches([a, a], [a.response])).toEqual(['2 requests recorded, 1 answered']);
  });

  it('keeps replayable headers only: lower-case, arrays joined, no pseudo or hop-by-hop headers', () => {
    expect(
      replayableHeaders({ ':path': '/x', Host: 'h:1', Connection: 'keep-alive', 'keep-alive': 'timeout=5', 'transfer-encoding': 'chunked', accept: ['a', 'b'], 'content-length': 3, none: undefined }),
    ).toEqual({ host: 'h:1', accept: 'a, b', 'content-length': '3' });
  });
});

describe('the exchange recorder', () => {
  it('files exchanges in the order their requests arrived, whatever order they complete in', async () => {
    const recorder = new ExchangeRecorder();
    const [first, second] = [exchange('/1', {}), exchange('/2', {})];
    const { value, exchanges } = await recorder.record(async () => {
      const fileFirst = recorder.begin();
      const fileSecond = recorder.begin();
      fileSecond(second);
      fileFirst(first);
      return 'done';
    });
    expect(value).toBe('done');
    expect(exchanges.map((e) => e.request.path)).toEqual(['/1', '/2']);
  });

  it('keeps nothing outside a recording, and says when a request was left unanswered', async () => {
    const recorder = new ExchangeRecorder();
    recorder.begin()(exchange('/outside', {}));
    expect((await recorder.record(async () => 1)).exchanges).toEqual([]);
    await expect(recorder.record(async () => void recorder.begin())).rejects.toThrow(
      'recording proxy: 1 request(s) still unanswered when the call returned',
    );
  });
});

describe('the closed loop', () => {
  it('counts successes and failures apart, and throws the first error when every call failed', async () => {
    let calls = 0;
    const run = await runClosedLoop(2, 0.05, async () => {
      await new Promise((r) => setTimeout(r, 1));
      return calls++ % 2 === 0;
    });
    expect(run.clients).toBe(2);
    expect(run.requests + run.failed).toBe(calls);
    expect(run.requests).toBeGreaterThan(0);
    expect(run.failed).toBeGreaterThan(0);
    expect(run.qps).toBeCloseTo(run.requests / run.seconds, 9);
    await expect(runClosedLoop(1, 0.01, () => Promise.reject(new Error('refused')))).rejects.toThrow(/^every one of \d+ calls from 1 client\(s\) failed: refused$/);
  });
});
