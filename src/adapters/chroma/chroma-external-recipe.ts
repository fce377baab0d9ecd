import { AccessDenied, urlPort, type ExternalRecipe } from '../../runtime/external/external-recipe.js';
import { httpTls } from '../../runtime/external/tls-mode.js';
import { secretFromEnv } from '../../runtime/secret.js';
import { chromaAuthHeaders } from './chroma-auth.js';

const DEFAULT_HTTP = 8000;

/**
 * Chroma running elsewhere: `http(s)://host:8000` (Dify's CHROMA_HOST / CHROMA_PORT), the
 * credential in CHROMA_AUTH_CREDENTIALS and its kind in CHROMA_AUTH_PROVIDER (a token unless the
 * provider names basic auth), as Dify reads them. Chroma serves no memory metrics.
 */
export const chromaExternalRecipe: ExternalRecipe = {
  schemes: ['http', 'https'],
  example: 'https://chroma.example:8000',
  env: ['CHROMA_AUTH_CREDENTIALS', 'CHROMA_AUTH_PROVIDER'],
  params: [],
  target({ url, env }) {
    const secret = secretFromEnv(env, 'CHROMA_AUTH_CREDENTIALS');
    const basic = /basic/i.test(env.CHROMA_AUTH_PROVIDER ?? '');
    return {
      endpoint: {
        host: url.hostname,
        ports: { http: urlPort(url, DEFAULT_HTTP) },
        access: { tls: httpTls(url), scheme: basic ? 'basic' : 'token', ...(secret ? { secret } : {}) },
      },
      memory: { notVisible: 'Chroma serves no memory metrics' },
    };
  },
  async isReady(endpoint) {
    const scheme = endpoint.access?.tls === 'off' ? 'http' : 'https';
    const res = await fetch(`${scheme}://${endpoint.host}:${endpoint.ports.http}/api/v2/heartbeat`, {
      headers: chromaAuthHeaders(endpoint),
      signal: AbortSignal.timeout(5000),
    });
    const body = await res.text();
    if (res.status === 401 || res.status === 403) throw new AccessDenied(`GET /api/v2/heartbeat answered ${res.status}: ${body.slice(0, 200)}`);
    return res.ok;
  },
};
