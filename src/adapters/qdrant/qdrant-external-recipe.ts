import { AccessDenied, urlPort, type ExternalRecipe } from '../../runtime/external/external-recipe.js';
import { httpTls } from '../../runtime/external/tls-mode.js';
import type { Endpoint } from '../../runtime/endpoint.js';
import { secretFromEnv } from '../../runtime/secret.js';

const DEFAULT_HTTP = 6333;

/** Qdrant's API-key header, as Dify's client sends QDRANT_API_KEY. */
export function qdrantAuthHeaders(endpoint: Endpoint): Record<string, string> {
  const secret = endpoint.access?.secret;
  return secret ? { 'api-key': secret.reveal() } : {};
}

function baseUrl(endpoint: Endpoint): string {
  const scheme = endpoint.access && endpoint.access.tls !== 'off' ? 'https' : 'http';
  return `${scheme}://${endpoint.host}:${endpoint.ports.http}`;
}

/**
 * Qdrant running elsewhere: `http(s)://host:6333` (Dify's QDRANT_URL), the key in QDRANT_API_KEY.
 * Memory from its own /metrics (on the same port, behind the same key): `memory_resident_bytes`
 * where the server reports it (its allocator's figure), else not visible.
 */
export const qdrantExternalRecipe: ExternalRecipe = {
  schemes: ['http', 'https'],
  example: 'https://qdrant.example:6333',
  env: ['QDRANT_API_KEY'],
  params: [],
  target({ url, env }) {
    const secret = secretFromEnv(env, 'QDRANT_API_KEY');
    const endpoint: Endpoint = {
      host: url.hostname,
      ports: { http: urlPort(url, DEFAULT_HTTP) },
      access: { tls: httpTls(url), ...(secret ? { secret } : {}) },
    };
    return {
      endpoint,
      memory: { url: `${baseUrl(endpoint)}/metrics`, metrics: ['memory_resident_bytes'], headers: qdrantAuthHeaders(endpoint) },
    };
  },
  async isReady(endpoint) {
    // GET / (version info) needs the key, unlike /readyz: it proves the key is accepted too.
    const res = await fetch(`${baseUrl(endpoint)}/`, { headers: qdrantAuthHeaders(endpoint), signal: AbortSignal.timeout(5000) });
    const body = await res.text();
    if (res.status === 401 || res.status === 403) throw new AccessDenied(`GET / answered ${res.status}: ${body.slice(0, 200)}`);
    return res.ok;
  },
};
