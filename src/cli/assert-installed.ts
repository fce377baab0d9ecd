import type { StoreSelection } from '../adapters/registry.js';
import { missingLocalInstall } from '../runtime/preflight.js';
import { storeServer, type ServerPlan } from '../runtime/start-server.js';

/** Refuses a run up front when a store it names is not installed, naming each missing one. */
export async function assertInstalled(stores: readonly StoreSelection[], plan: ServerPlan): Promise<void> {
  if (plan.runtime !== 'local') return;
  const definitions = [...new Set(stores.map((s) => s.definition))];
  const missing: string[] = [];
  for (const definition of definitions) {
    const problem = await missingLocalInstall(definition, storeServer(plan, definition).version);
    if (problem) missing.push(problem);
  }
  if (missing.length > 0) throw new Error(missing.join('; '));
}
