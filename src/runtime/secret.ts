import { inspect } from 'node:util';

/**
 * A credential taken from the environment (WEAVIATE_API_KEY, PGVECTOR_PASSWORD, ...). It prints
 * as `[redacted]` however it is turned into text (String(), JSON.stringify, util.inspect, a
 * template literal), so a log line or results field that picks one up by accident shows nothing;
 * only `reveal()` hands the value to a client library. Every secret made is also remembered, so
 * `redact` can scrub text that reached the harness from elsewhere (an error message quoting a
 * header or a connection string).
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
    known.add(value);
  }

  /** The value itself, for the client library's options only. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

export const REDACTED = '[redacted]';

const known = new Set<string>();

/**
 * The text with every secret this process holds replaced, and the password of any URL in it
 * (`scheme://user:password@host`) too. What goes into results, reports and the terminal passes
 * through here.
 */
export function redact(text: string): string {
  let out = text.replace(/([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):[^\s@/]*@/gi, `$1:${REDACTED}@`);
  // Longest first: a secret that contains another is replaced whole.
  for (const value of [...known].sort((a, b) => b.length - a.length)) {
    if (value.length > 0) out = out.split(value).join(REDACTED);
  }
  return out;
}

/** The credential in `env[name]`, or undefined when the variable is unset or empty. */
export function secretFromEnv(env: Readonly<Record<string, string | undefined>>, name: string): Secret | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : new Secret(value);
}
