import { z } from 'zod';
import { jsonBody } from '../../runtime/replay/response-body.js';
import type { RecordedExchange } from '../../runtime/replay/recorded-exchange.js';
import { replaySelftestProbe } from '../selftest-replay-probe.js';
import { qdrantLocalRecipe } from './qdrant-local-recipe.js';

/** POST /collections/{name}/points/search's answer: each point's payload carries Dify's metadata.doc_id. */
const SearchAnswer = z.object({
  result: z.array(z.object({ payload: z.object({ metadata: z.object({ doc_id: z.string() }) }) })),
});

/** The doc_ids of the points in the recorded /points/search answer, in Qdrant's order. */
export function qdrantAnswerIds(exchanges: readonly RecordedExchange[]): string[] {
  const search = exchanges.find((e) => e.request.method === 'POST' && /\/points\/search$/.test(e.request.path));
  if (!search) throw new Error('qdrant selftest: the adapter\'s search sent no POST …/points/search');
  const parsed = SearchAnswer.safeParse(jsonBody(search.response));
  if (!parsed.success) throw new Error(`qdrant selftest: the /points/search answer is not a list of points with metadata.doc_id: ${parsed.error.message}`);
  return parsed.data.result.map((p) => p.payload.metadata.doc_id);
}

/**
 * Qdrant's selftest: the reference replays the adapter's POST /collections/{name}/points/search
 * (the adapter's read pool, undici's request; Dify's filter on group_id, limit k, payload and
 * vectors, score_threshold 0, Accept-Encoding identity) with undici on the REST port.
 */
export const qdrantSelftest = replaySelftestProbe({
  store: 'qdrant',
  localRecipe: qdrantLocalRecipe,
  protocols: { http: 'http1' },
  answerIds: qdrantAnswerIds,
  notes: [
    'Qdrant: one REST request per query, POST /collections/{name}/points/search as the dify profile sends it (group_id filter, ' +
      'payload and vectors, score_threshold 0, Accept-Encoding identity); replayed with the same headers and JSON body bytes.',
  ],
});
