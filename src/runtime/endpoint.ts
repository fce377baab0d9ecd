/**
 * Where a started server listens. `ports` holds every named port the recipe asked for. It lives
 * in the runtime layer because runtimes produce it; adapters and recipes depend on it, never the
 * reverse.
 */
export interface Endpoint {
  readonly host: string;
  readonly ports: Readonly<Record<string, number>>;
}
