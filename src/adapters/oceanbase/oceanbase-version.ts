/** OB_VERSION() as four numbers, e.g. "4.3.5.3" → [4, 3, 5, 3]; undefined if it is not one. */
export function parseObVersion(text: string): readonly [number, number, number, number] | undefined {
  const m = /^\s*(\d+)\.(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? 0)];
}

export function versionAtLeast(
  version: readonly [number, number, number, number],
  minimum: readonly [number, number, number, number],
): boolean {
  for (let i = 0; i < 4; i++) {
    const a = version[i] as number;
    const b = minimum[i] as number;
    if (a !== b) return a > b;
  }
  return true;
}

/** pyobvector's ObVecClient refuses kernels below this (ClusterVersionException). */
export const MIN_VECTOR_VERSION = [4, 3, 3, 0] as const;
/** Dify enables full text (its "hybrid search") only from this kernel on. */
export const MIN_FULL_TEXT_VERSION = [4, 3, 5, 1] as const;

/**
 * The one-line refusal Dify's client gives a kernel without vectors; `detail` says what was seen.
 * The words are pyobvector's ClusterVersionIsLow message.
 */
export function clusterVersionError(detail: string): Error {
  return new Error(
    `oceanbase: OceanBase Vector Store is not supported because cluster version is below 4.3.3.0 (${detail})`,
  );
}
