import type { Endpoint } from '../runtime/endpoint.js';
import type { StoreSelection } from './registry.js';

/**
 * The selection with its adapter connecting to `route(endpoint)` instead of the server's own
 * endpoint: how the CI gate's delay proxy and the fault tests' proxies sit between the harness
 * and a real server without the adapter knowing. Only this process's adapter is routed: search
 * worker processes (`--workers`) build their own from the registry.
 */
export function routedSelection(selection: StoreSelection, route: (endpoint: Endpoint) => Promise<Endpoint>): StoreSelection {
  const { profile } = selection;
  const routed = {
    ...profile,
    createAdapter: () => {
      const adapter = profile.createAdapter();
      return { connect: async (endpoint: Endpoint) => adapter.connect(await route(endpoint)) };
    },
  };
  return {
    ...selection,
    profile: routed,
    definition: { ...selection.definition, profiles: { ...selection.definition.profiles, [selection.profileName]: routed } },
  };
}
