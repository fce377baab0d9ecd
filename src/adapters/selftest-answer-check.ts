import type { AnswerCheck } from './selftest-probe.js';

const list = (ids: readonly string[]): string => `[${ids.join(', ')}]`;

function isSubsequence(part: readonly string[], whole: readonly string[]): boolean {
  let i = 0;
  for (const id of whole) if (i < part.length && part[i] === id) i++;
  return i === part.length;
}

/**
 * Checks, once before timing, that a replay measures the harness's query: the server answered the
 * replayed request with the same ids, in the same order, as the adapter's own request, that
 * answer is not empty (an empty one would match anything), and the adapter's hits (after its own
 * score rule) are among those ids in that order (so the ids were read from the answer right).
 * Throws a message naming what differs.
 */
export function checkReplayedAnswer(
  store: string,
  answer: { readonly adapter: readonly string[]; readonly replay: readonly string[]; readonly hits: readonly string[] },
  requestsPerQuery: number,
): AnswerCheck {
  const { adapter, replay, hits } = answer;
  if (adapter.length === 0) {
    throw new Error(`${store} selftest: the server's answer to the adapter's request holds no ids, so a replay's answer cannot be checked against it`);
  }
  if (adapter.length !== replay.length || adapter.some((id, i) => replay[i] !== id)) {
    throw new Error(
      `${store} selftest: the replayed request got a different answer than the adapter's: ${list(replay)} instead of ${list(adapter)}; ` +
        'the reference client would not measure the same query',
    );
  }
  if (!isSubsequence(hits, adapter)) {
    throw new Error(`${store} selftest: the adapter's hits ${list(hits)} are not, in order, among the ids read from the server's answer ${list(adapter)}`);
  }
  return { ids: [...adapter], adapterHits: [...hits], requestsPerQuery };
}
