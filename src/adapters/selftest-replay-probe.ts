import type { Endpoint } from '../runtime/endpoint.js';
import type { LocalRecipe } from '../runtime/local-recipe.js';
import { openExchangeReplay, outcomeMismatches } from '../runtime/replay/exchange-replay.js';
import type { RecordedExchange, ReplayProtocol } from '../runtime/replay/recorded-exchange.js';
import { checkReplayedAnswer } from './selftest-answer-check.js';
import { captureHarnessSearch } from './selftest-capture.js';
import type { HarnessVia, SelftestProbe, SelftestQuery, SelftestSession } from './selftest-probe.js';
import { replayReferenceClient } from './selftest-replay-client.js';

/** What a store adds to the generic replaying probe: which ports its adapter's search uses, and how to read an answer. */
export interface ReplaySelftestSpec {
  readonly store: string;
  readonly localRecipe: LocalRecipe;
  /** Every endpoint port the adapter's search reaches, and the protocol it speaks there. */
  readonly protocols: Readonly<Record<string, ReplayProtocol>>;
  /**
   * The ids in the server's answer to the query, in the server's order, found among one search's
   * exchanges (the answering request may not be the last: a lookup can come first).
   */
  answerIds(exchanges: readonly RecordedExchange[]): readonly string[];
  /** What a reader should know about this store's requests. */
  readonly notes?: readonly string[];
}

/** The recorded exchanges with the replay's answers in place of the recorded ones. */
function withAnswers(exchanges: readonly RecordedExchange[], answers: readonly RecordedExchange['response'][]): RecordedExchange[] {
  return exchanges.map((e, i) => ({ ...e, response: answers[i] ?? e.response }));
}

/**
 * A selftest probe for a store spoken to over HTTP or gRPC: the reference client sends exactly
 * what the harness's adapter sends for the selftest query. The adapter's own search is captured
 * through recording proxies on 127.0.0.1 (captureHarnessSearch), replayed once and its answer
 * compared with the adapter's (checkReplayedAnswer), then replayed in a closed loop at each
 * client count (replayReferenceClient). No server-side timing.
 */
export function replaySelftestProbe(spec: ReplaySelftestSpec): SelftestProbe {
  return {
    localRecipe: spec.localRecipe,
    async open(endpoint: Endpoint, _query: SelftestQuery, harness: HarnessVia): Promise<SelftestSession> {
      const { exchanges, hits } = await captureHarnessSearch(spec.store, endpoint, spec.protocols, harness);
      const replay = openExchangeReplay(endpoint, exchanges, 1);
      let answers: RecordedExchange['response'][];
      try {
        answers = await replay.once(0);
      } finally {
        await replay.close();
      }
      const mismatches = outcomeMismatches(exchanges, answers);
      if (mismatches.length > 0) throw new Error(`${spec.store} selftest: the replayed requests were not answered as the adapter's: ${mismatches.join('; ')}`);
      const answerCheck = checkReplayedAnswer(
        spec.store,
        { adapter: spec.answerIds(exchanges), replay: spec.answerIds(withAnswers(exchanges, answers)), hits },
        exchanges.length,
      );
      return {
        referenceClients: [replayReferenceClient(endpoint, exchanges)],
        answerCheck,
        notes: [
          `The reference replays the adapter's own requests for the query, captured through a recording proxy on 127.0.0.1 from a ` +
            `second session of the same profile (one untimed search, then two recorded ones that must send the same bytes); one replay ` +
            `was answered with the same ${answerCheck.ids.length} ids as the adapter's request before anything was timed. A reference ` +
            (exchanges.length === 1
              ? '"request" is one query, as the harness\'s.'
              : `"request" is one query: all ${exchanges.length} of the adapter's requests, in order.`),
          ...(spec.notes ?? []),
        ],
        close: async () => undefined,
      };
    },
  };
}
