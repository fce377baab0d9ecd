import { npmPackageVersion } from '../../project-paths.js';

/** The version of the `@qdrant/js-client-rest` npm package the adapter talks with, for results. */
export function qdrantClientVersion(): string {
  return npmPackageVersion('@qdrant/js-client-rest');
}
