import type { DockerRecipe } from './docker-recipe.js';
import type { LocalRecipe } from './local-recipe.js';
import type { ExternalRecipe } from './external/external-recipe.js';

/**
 * What the runtimes need to know about a store: its name (for logs, container labels and errors)
 * and its recipe for each runtime. A StoreDefinition is one of these, so runtimes start any store
 * without importing anything from adapters/.
 */
export interface ServerRecipes {
  readonly name: string;
  /** How to run a real server on this machine without Docker; absent if it cannot be. */
  readonly local?: LocalRecipe;
  /** How to run it as a container (`--runtime docker`); absent if no image is built for it. */
  readonly docker?: DockerRecipe;
  /** How to reach it where it already runs (`--runtime external --endpoint store=URL`). */
  readonly external?: ExternalRecipe;
}
