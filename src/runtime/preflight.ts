import { access } from 'node:fs/promises';
import type { LocalContext } from './local-recipe.js';
import type { ServerRecipes } from './server-recipes.js';

/**
 * Why a store's local server cannot start on this machine, or undefined when it can: checked
 * before the first server of a run starts, so a missing install is one line and exit 2 at once
 * instead of a failure recorded an hour into a run. Only the local runtime is checked (an image
 * is checked by the docker runtime when it starts).
 */
export async function missingLocalInstall(definition: ServerRecipes, version: string): Promise<string | undefined> {
  const recipe = definition.local;
  if (!recipe) return undefined;
  // A recipe's command is a pure function of its context; nothing is created for this look.
  const ctx: LocalContext = {
    dataDir: '/nonexistent/vdb-bench-preflight',
    ports: Object.fromEntries(recipe.ports.map((p) => [p, 1])),
    version,
  };
  try {
    await recipe.checkInstalled?.(version);
    const { command } = recipe.command(ctx);
    if (!command.startsWith('/')) return undefined; // found on PATH at spawn, as `sh` is
    const present = await access(command).then(() => true, () => false);
    return present ? undefined : `${definition.name} ${version}: ${command} is not installed; run ${recipe.installScript}`;
  } catch (error) {
    return (error as Error).message.split('\n')[0];
  }
}
