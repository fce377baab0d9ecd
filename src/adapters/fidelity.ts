/**
 * How closely a store's `dify` profile (or the harness's Dify hybrid) follows Dify's own code,
 * one row per aspect: Dify's file, the harness's file, same or not, and why. Shown by `bench
 * stores` and as the README's fidelity table, so a reader can check a figure against its source.
 */
export const FIDELITY_ASPECTS = [
  'schema',
  'index parameters',
  'insert',
  'vector query',
  'score and threshold',
  'full text',
  'delete',
  'client setup',
] as const;
export type FidelityAspect = (typeof FIDELITY_ASPECTS)[number];

export interface FidelityRow {
  readonly aspect: FidelityAspect;
  /** `same`: the same requests/SQL in effect; `partly`: same in effect with a stated exception; `different`. */
  readonly same: 'same' | 'partly' | 'different';
  /** Dify's file (under langgenius/dify) and, where it helps, the function. */
  readonly dify: string;
  /** The harness's file(s), under src/. */
  readonly harness: string;
  readonly why: string;
}

/** Dify's per-store vector code, where current Dify keeps it (api/providers/vdb/vdb-<store>/src/dify_vdb_<store>/). */
export function difyVectorFile(store: string, file = `${store}_vector.py`): string {
  return `api/providers/vdb/vdb-${store}/src/dify_vdb_${store}/${file}`;
}
