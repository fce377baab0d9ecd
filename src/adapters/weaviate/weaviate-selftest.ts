import { z } from 'zod';
import { grpcMessages } from '../../runtime/replay/grpc-frame.js';
import { protobufBytes, protobufString } from '../../runtime/replay/protobuf-fields.js';
import { jsonBody } from '../../runtime/replay/response-body.js';
import type { RecordedExchange } from '../../runtime/replay/recorded-exchange.js';
import { replaySelftestProbe } from '../selftest-replay-probe.js';
import { weaviateLocalRecipe } from './weaviate-local-recipe.js';

/** The gRPC method the dify profile's searches call (weaviate-client's query.nearVector). */
export const WEAVIATE_SEARCH_PATH = '/weaviate.v1.Weaviate/Search';

/**
 * Field numbers in Weaviate's v1 protos (weaviate/grpc/proto/v1/search_get.proto, properties.proto;
 * the same in weaviate-client 3.12's generated code): SearchReply.results = 2,
 * SearchResult.properties = 1, PropertiesResult.non_ref_props = 11, Properties.fields = 1 (a map:
 * entry key = 1, value = 2), Value.text_value = 13.
 */
const F = { results: 2, properties: 1, nonRefProps: 11, fields: 1, key: 1, value: 2, textValue: 13 } as const;

/** The `doc_id` text property of each result of one SearchReply message, in the reply's order. */
export function searchReplyDocIds(reply: Uint8Array): string[] {
  return protobufBytes(reply, F.results).map((result, i) => {
    const properties = protobufBytes(result, F.properties)[0];
    const nonRef = properties && protobufBytes(properties, F.nonRefProps)[0];
    const entry = nonRef && protobufBytes(nonRef, F.fields).find((e) => protobufString(e, F.key) === 'doc_id');
    const value = entry && protobufBytes(entry, F.value)[0];
    const id = value && protobufString(value, F.textValue);
    if (id === undefined || id === '') throw new Error(`weaviate selftest: result ${i + 1} of the Search reply has no doc_id text property`);
    return id;
  });
}

/** POST /v1/graphql's answer to the legacy profile's Get: data.Get.<class>[].doc_id. */
const GetAnswer = z.object({ data: z.object({ Get: z.record(z.string(), z.array(z.object({ doc_id: z.string() }))) }) });

/** The doc_ids of the recorded search answer: the gRPC Search reply (dify, gse) or the GraphQL Get (dify-legacy). */
export function weaviateAnswerIds(exchanges: readonly RecordedExchange[]): string[] {
  const grpc = exchanges.find((e) => e.protocol === 'h2c' && e.request.path === WEAVIATE_SEARCH_PATH);
  if (grpc) {
    const [reply] = grpcMessages(grpc.response.body);
    if (!reply) throw new Error(`weaviate selftest: the ${WEAVIATE_SEARCH_PATH} answer holds no message`);
    return searchReplyDocIds(reply);
  }
  const graphql = exchanges.find((e) => e.request.method === 'POST' && e.request.path === '/v1/graphql');
  if (!graphql) throw new Error(`weaviate selftest: the adapter's search called neither ${WEAVIATE_SEARCH_PATH} nor POST /v1/graphql`);
  const parsed = GetAnswer.safeParse(jsonBody(graphql.response));
  if (!parsed.success) throw new Error(`weaviate selftest: the GraphQL answer is not a Get with doc_id: ${parsed.error.message}`);
  const [hits = []] = Object.values(parsed.data.data.Get);
  return hits.map((h) => h.doc_id);
}

/**
 * Weaviate's selftest: the reference replays what the adapter sends per query. The dify profile
 * (Dify's Python client v4) checks the class first over REST (GET /v1/schema/{class}) and then
 * calls the gRPC Search method: the replay sends that GET with undici and the Search message, as
 * weaviate-client framed it, to the same path with the same headers over node:http2.
 */
export const weaviateSelftest = replaySelftestProbe({
  store: 'weaviate',
  localRecipe: weaviateLocalRecipe,
  protocols: { http: 'http1', grpc: 'h2c' },
  answerIds: weaviateAnswerIds,
  notes: [
    `Weaviate, dify profile: two requests per query, as Dify's client v4 makes them: GET /v1/schema/{class} (the exists check) ` +
      `over REST, then the gRPC call ${WEAVIATE_SEARCH_PATH} (nearVector, limit k, the class's properties, vectors). The replay ` +
      'sends the captured SearchRequest bytes (gRPC framing included) to the same path with the captured headers (named under ' +
      'Clients) on one HTTP/2 connection, as the client\'s channel does; an answer counts when its grpc-status is 0.',
  ],
});
