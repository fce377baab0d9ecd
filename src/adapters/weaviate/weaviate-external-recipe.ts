import { AccessDenied, portParam, urlPort, type ExternalRecipe } from '../../runtime/external/external-recipe.js';
import { httpTls } from '../../runtime/external/tls-mode.js';
import { secretFromEnv } from '../../runtime/secret.js';
import { weaviateAuthHeaders } from './weaviate-rest.js';

/** Dify's compose: REST on 8080, gRPC on 50051; PROMETHEUS_MONITORING_PORT's default is 2112. */
const DEFAULT_HTTP = 8080;
const DEFAULT_GRPC = 50051;

/**
 * Weaviate running elsewhere (a cluster's service, say): `http(s)://host:8080?grpc=50051&metrics=2112`,
 * the key in WEAVIATE_API_KEY as Dify reads it. gRPC is on the same host; TLS follows the scheme
 * for both. Memory comes from the Prometheus port when `metrics` names it (the server must run
 * with PROMETHEUS_MONITORING_ENABLED=true): the process's resident memory, else Go's heap in use.
 */
export const weaviateExternalRecipe: ExternalRecipe = {
  schemes: ['http', 'https'],
  example: 'https://weaviate.example:8080?grpc=50051&metrics=2112',
  env: ['WEAVIATE_API_KEY'],
  params: ['grpc', 'metrics'],
  target({ url, env }) {
    const secret = secretFromEnv(env, 'WEAVIATE_API_KEY');
    const grpc = portParam(url, 'grpc', DEFAULT_GRPC) ?? DEFAULT_GRPC;
    const metrics = portParam(url, 'metrics', undefined);
    return {
      endpoint: {
        host: url.hostname,
        ports: { http: urlPort(url, DEFAULT_HTTP), grpc },
        access: { tls: httpTls(url), ...(secret ? { secret } : {}) },
      },
      memory:
        metrics === undefined
          ? { notVisible: 'no metrics port given (add ?metrics=<PROMETHEUS_MONITORING_PORT> to the URL)' }
          : {
              url: `http://${url.hostname}:${metrics}/metrics`,
              metrics: ['process_resident_memory_bytes', 'go_memstats_heap_inuse_bytes'],
            },
    };
  },
  async isReady(endpoint) {
    const scheme = endpoint.access?.tls === 'off' ? 'http' : 'https';
    // /v1/meta, not the open /.well-known/ready: it proves the key is accepted too.
    const res = await fetch(`${scheme}://${endpoint.host}:${endpoint.ports.http}/v1/meta`, {
      headers: weaviateAuthHeaders(endpoint),
      signal: AbortSignal.timeout(5000),
    });
    const body = await res.text();
    if (res.status === 401 || res.status === 403) throw new AccessDenied(`GET /v1/meta answered ${res.status}: ${body.slice(0, 200)}`);
    return res.ok;
  },
};
