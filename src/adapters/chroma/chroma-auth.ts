import type { Endpoint } from '../../runtime/endpoint.js';

/**
 * The header Dify's Chroma client sends for CHROMA_AUTH_CREDENTIALS: a bearer token with
 * TokenAuthClientProvider (Dify's default CHROMA_AUTH_PROVIDER), `user:password` as HTTP basic
 * with BasicAuthClientProvider.
 */
export function chromaAuthHeaders(endpoint: Endpoint): Record<string, string> {
  const secret = endpoint.access?.secret;
  if (!secret) return {};
  if (endpoint.access?.scheme === 'basic') {
    return { authorization: `Basic ${Buffer.from(secret.reveal()).toString('base64')}` };
  }
  return { authorization: `Bearer ${secret.reveal()}` };
}
