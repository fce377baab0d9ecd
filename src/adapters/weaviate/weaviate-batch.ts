import type { WeaviateObject } from './weaviate-driver.js';
import type { WeaviateRest } from './weaviate-rest.js';

interface BatchObjectAnswer {
  readonly result?: { readonly errors?: { readonly error?: readonly { readonly message?: string }[] } };
}

/**
 * POST /v1/batch/objects: one request for all `objects`, failing if any object failed.
 * `namedVector` puts the vector under that name (`vectors: {default: [...]}`, Weaviate ≥ 1.24);
 * otherwise it is the class's single vector (`vector: [...]`).
 */
export async function restBatchInsert(
  rest: WeaviateRest,
  className: string,
  objects: readonly WeaviateObject[],
  namedVector?: string,
): Promise<void> {
  const answer = (await rest.request('POST', '/batch/objects', {
    objects: objects.map((o) => ({
      class: className,
      id: o.id,
      properties: o.properties,
      ...(namedVector ? { vectors: { [namedVector]: o.vector } } : { vector: o.vector }),
    })),
  })) as readonly BatchObjectAnswer[];
  const failed = answer.filter((a) => a.result?.errors?.error?.length);
  if (failed.length > 0) {
    const first = failed[0]?.result?.errors?.error?.[0]?.message ?? 'unknown';
    throw new Error(`weaviate: ${failed.length} of ${objects.length} objects failed to insert; first: ${first}`);
  }
}
