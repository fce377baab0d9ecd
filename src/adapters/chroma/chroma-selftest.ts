import { z } from 'zod';
import { jsonBody } from '../../runtime/replay/response-body.js';
import type { RecordedExchange } from '../../runtime/replay/recorded-exchange.js';
import { replaySelftestProbe } from '../selftest-replay-probe.js';
import { chromaLocalRecipe } from './chroma-local-recipe.js';

/** POST /api/v2/…/collections/{id}/query's answer: one id list per query embedding. */
const QueryAnswer = z.object({ ids: z.array(z.array(z.string())) });

/** The ids of the recorded …/query answer (its one query embedding), in Chroma's order. */
export function chromaAnswerIds(exchanges: readonly RecordedExchange[]): string[] {
  const query = exchanges.find((e) => e.request.method === 'POST' && /\/query$/.test(e.request.path));
  if (!query) throw new Error('chroma selftest: the adapter\'s search sent no POST …/query');
  const parsed = QueryAnswer.safeParse(jsonBody(query.response));
  if (!parsed.success) throw new Error(`chroma selftest: the …/query answer has no ids list: ${parsed.error.message}`);
  return parsed.data.ids[0] ?? [];
}

/**
 * Chroma's selftest: the reference replays the adapter's two requests per query (chromadb JS
 * client over Node's fetch): get_or_create_collection, which Dify calls before every operation,
 * then the query, with undici on the HTTP port. Its server is the recipe's default (0.5.20,
 * Dify's compose pin).
 */
export const chromaSelftest = replaySelftestProbe({
  store: 'chroma',
  localRecipe: chromaLocalRecipe,
  protocols: { http: 'http1' },
  answerIds: chromaAnswerIds,
  notes: [
    'Chroma, dify profile: two REST requests per query, as Dify makes them: POST …/collections (get_or_create_collection) ' +
      'then POST …/collections/{id}/query (k results with documents, metadatas and distances); both are replayed in order.',
    'Chroma, dify profile: Dify\'s score rule (1 − squared L2 ≥ 0, i.e. cosine ≥ 0.5 for unit vectors) drops the hits of the ' +
      'selftest\'s random unit vectors (their top cosines are far below 0.5), so the adapter returns none; the server still ' +
      'answers k rows, which the harness receives and decodes as the reference receives them.',
  ],
});
