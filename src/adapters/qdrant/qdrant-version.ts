/** Compares dotted release versions ("1.8.3" < "1.18.3"); a leading v and a pre-release suffix are ignored. */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string): number[] =>
    (v.replace(/^v/, '').split(/[-+]/)[0] ?? '').split('.').map((n) => Number(n) || 0);
  const [x, y] = [parse(a), parse(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * The first server version with the Query API (`POST /collections/{name}/points/query`: prefetch +
 * fusion) and the `modifier: idf` of sparse vectors; both arrived in Qdrant 1.10.0. Earlier servers
 * (Dify's pin 1.8.3) answer 404 to the one and refuse the other, so the native profile declares
 * native hybrid and server-side IDF from this version only.
 */
export const QUERY_API_SINCE = '1.10.0';

/** What a server version offers that the adapter uses conditionally. */
export interface QdrantFeatures {
  /** Query API with prefetch and RRF fusion (native hybrid). */
  readonly queryApi: boolean;
  /** `modifier: idf` on a sparse vector: the server weighs query terms by inverse document frequency. */
  readonly sparseIdf: boolean;
}

export function qdrantFeatures(version: string): QdrantFeatures {
  const modern = compareVersions(version, QUERY_API_SINCE) >= 0;
  return { queryApi: modern, sparseIdf: modern };
}
