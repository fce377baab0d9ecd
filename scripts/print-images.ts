/**
 * Prints one line per docker image the registered stores' recipes run: `<store> <version> <image>`,
 * default version first. For scripts that must agree with the recipes (build-images.sh):
 *
 *   node --import tsx scripts/print-images.ts | awk '$1 == "weaviate" { print $2 }'
 */
import { STORES } from '../src/adapters/registry.js';
import { runtimeVersions } from '../src/runtime/start-server.js';

for (const store of STORES) {
  const docker = store.docker;
  if (!docker) continue;
  for (const version of runtimeVersions(store, 'docker')) {
    process.stdout.write(`${store.name} ${version} ${docker.images[version] ?? ''}\n`);
  }
}
