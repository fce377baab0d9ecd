import type { MemoryProbe } from '../memory-probe.js';
import type { RunningServer } from '../running-server.js';
import { redact } from '../secret.js';
import { ServerStartError } from '../server-start-error.js';
import { AccessDenied, type ExternalRecipe, type ExternalTarget } from './external-recipe.js';
import { parseExternalUrl, shownUrl } from './external-url.js';
import { PrometheusMemory } from './prometheus-memory.js';

/** Attempts (1 s apart) before an external server that does not answer is given up on. */
const READY_ATTEMPTS = 10;

export interface ExternalStartOptions {
  /** Where Dify's credential variables are read; process.env by default. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * A server that runs elsewhere, reached at a URL: nothing is started or stopped, no log is
 * kept, and memory is what the store's own metrics say (or recorded as not visible, with why).
 * The harness only creates and drops its own collections there (run-store.ts).
 */
export async function startExternalServer(
  store: string,
  recipe: ExternalRecipe,
  spec: string,
  options: ExternalStartOptions = {},
): Promise<RunningServer> {
  const url = parseExternalUrl(store, recipe, spec);
  const shown = shownUrl(url);
  let target: ExternalTarget;
  try {
    target = recipe.target({ url, env: options.env ?? process.env });
  } catch (error) {
    throw new ServerStartError(redact(`--endpoint ${store}: ${error instanceof Error ? error.message : String(error)}`));
  }
  const { endpoint } = target;
  let lastError = 'no answer';
  for (let attempt = 0; attempt < READY_ATTEMPTS; attempt++) {
    const ready = await recipe.isReady(endpoint).then(
      (ok) => ok,
      (error: unknown) => {
        lastError = error instanceof Error ? error.message : String(error);
        if (error instanceof AccessDenied) throw new ServerStartError(redact(`${store}: ${shown} refused the credentials: ${lastError}`));
        return false;
      },
    );
    if (ready) break;
    if (attempt === READY_ATTEMPTS - 1) {
      throw new ServerStartError(redact(`${store}: ${shown} does not answer after ${READY_ATTEMPTS} attempts: ${lastError}`));
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  const memory = await memoryOf(target.memory);
  return {
    runtime: 'external',
    endpoint,
    memory: 'read' in memory ? memory : undefined,
    ...('notVisible' in memory ? { memoryNotVisible: redact(memory.notVisible) } : {}),
    description: `external ${shown}`,
    facts: { endpoint: shown, tls: endpoint.access?.tls ?? 'off', credential: endpoint.access?.secret ? `from ${recipe.env[0]}` : 'none' },
    dataBytes: async () => undefined,
    logTail: () => [],
    exit: () => undefined,
    oomKills: async () => undefined,
    // Not ours to stop: the harness leaves the server as it found it (its collections are dropped by the run).
    stop: async () => undefined,
  };
}

async function memoryOf(source: ExternalTarget['memory']): Promise<MemoryProbe | { readonly notVisible: string }> {
  if ('notVisible' in source) return source;
  return PrometheusMemory.find(source.url, source.metrics, source.headers);
}
