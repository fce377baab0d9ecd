/**
 * Every string inside a JSON-like value passed through `f`; numbers, booleans and structure kept
 * as they are. Fields named in `encoded` (base64 histograms: numbers, never text) are left alone,
 * so a rewrite meant for text cannot corrupt one.
 */
export function mapJsonStrings<T>(value: T, f: (text: string) => string, encoded: ReadonlySet<string> = ENCODED_FIELDS): T {
  if (typeof value === 'string') return f(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => mapJsonStrings(v, f, encoded)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, encoded.has(k) && typeof v === 'string' ? v : mapJsonStrings(v, f, encoded)]),
    ) as T;
  }
  return value;
}

const ENCODED_FIELDS: ReadonlySet<string> = new Set(['histogram']);
