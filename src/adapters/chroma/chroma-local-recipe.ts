import type { Endpoint } from '../../runtime/endpoint.js';
import type { LocalRecipe } from '../../runtime/local-recipe.js';
import { CHROMA_ROUTES, chromaRoute } from './chroma-routes.js';

/** Runs `chroma run` from the route the chosen version comes from (see chroma-routes.ts). */
export const chromaLocalRecipe: LocalRecipe = {
  ports: ['http'],
  defaultVersion: '0.5.20',
  versions: CHROMA_ROUTES.map((r) => r.version),
  installScript: 'scripts/install-chroma.sh',
  command: (ctx) => chromaRoute(ctx.version).command(ctx),
  async isReady(endpoint: Endpoint): Promise<boolean> {
    const res = await fetch(`http://${endpoint.host}:${endpoint.ports.http}/api/v2/heartbeat`, {
      signal: AbortSignal.timeout(2000),
    });
    await res.arrayBuffer();
    return res.ok;
  },
  startTimeoutSeconds: 60,
};
