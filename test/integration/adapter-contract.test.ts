import { afterAll, beforeAll, describe } from 'vitest';
import { STORES, allProfiles, type StoreSelection } from '../../src/adapters/registry.js';
import type { StoreDefinition } from '../../src/adapters/store-definition.js';
import { startLocalServer } from '../../src/runtime/local-runtime.js';
import type { RunningServer } from '../../src/runtime/running-server.js';
import { describeAdapterContract } from './contract/adapter-contract.js';

/**
 * The adapter contract for every store and profile in the registry, each store on a real local
 * server at its recipe's default version (one server per store, or per server environment a
 * profile needs). A store that is not installed fails here with its install command; a store
 * with no local recipe fails saying so. Adding a store to STORES adds it here.
 */
for (const definition of STORES) {
  describe(definition.name, () => {
    for (const [env, selections] of byServerEnv(allProfiles([definition]))) {
      describe(`server${env ? ` with ${env}` : ''}`, () => {
        let server: RunningServer | undefined;
        let failure: unknown;

        // A start failure is kept, not thrown: every test then fails with it (e.g. "… is not
        // installed; run scripts/install-….sh") instead of being skipped behind a failed hook.
        beforeAll(async () => {
          server = await startDefault(definition, selections[0]?.profile.serverEnv).catch((error: unknown) => {
            failure = error;
            return undefined;
          });
        });

        afterAll(async () => {
          await server?.stop();
        });

        const running = (): RunningServer => {
          if (!server) throw failure instanceof Error ? failure : new Error(`${definition.name}: the server did not start`);
          return server;
        };
        for (const selection of selections) describeAdapterContract(selection, running);
      });
    }
  });
}

/** Profiles that can share one server: those asking for the same server environment. */
function byServerEnv(selections: readonly StoreSelection[]): Map<string, StoreSelection[]> {
  const groups = new Map<string, StoreSelection[]>();
  for (const s of selections) {
    const env = Object.entries(s.profile.serverEnv ?? {}).map(([k, v]) => `${k}=${v}`).join(' ');
    groups.set(env, [...(groups.get(env) ?? []), s]);
  }
  return groups;
}

async function startDefault(definition: StoreDefinition, env: Readonly<Record<string, string>> | undefined): Promise<RunningServer> {
  const recipe = definition.local;
  if (!recipe) throw new Error(`${definition.name} has no local recipe: the contract suite needs one to run against`);
  const started = Date.now();
  const server = await startLocalServer(definition.name, recipe, env ? { env } : {});
  console.log(`${definition.name} ${recipe.defaultVersion}: ready in ${Date.now() - started} ms (${server.description})`);
  return server;
}
