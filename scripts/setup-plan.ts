/**
 * Prints the install commands `npm run setup` runs, one per line as `store<TAB>command<TAB>lane`,
 * from the stores' own local recipes (install script, default version, every version), so no
 * store fact is repeated in scripts/setup.sh. The lane is `background` for a recipe whose install
 * runs long (installRunsLong), else `foreground`.
 *
 *   tsx scripts/setup-plan.ts [--all-versions | --test-versions] [store[@version[+version...]] ...]
 *
 * No store: every registered store. No version: the recipe's default version (every version it
 * runs with --all-versions; the versions the tests need, its testVersions, with --test-versions). Unknown stores or versions exit 2 with the known ones listed.
 */
import { STORES } from '../src/adapters/registry.js';
import type { StoreDefinition } from '../src/adapters/store-definition.js';

function fail(message: string): never {
  process.stderr.write(`setup: ${message}\n`);
  process.exit(2);
}

function find(name: string): StoreDefinition {
  const found = STORES.find((s) => s.name === name || s.aliases?.includes(name));
  if (!found) fail(`unknown store "${name}"; known stores: ${STORES.map((s) => s.name).join(', ')}`);
  return found;
}

const args = process.argv.slice(2);
const allVersions = args.includes('--all-versions');
const testVersions = args.includes('--test-versions');
const named = args.filter((a) => !a.startsWith('--'));
const unknownFlag = args.find((a) => a.startsWith('--') && a !== '--all-versions' && a !== '--test-versions');
if (unknownFlag) fail(`unknown flag ${unknownFlag}; use --all-versions, --tests, --docker, or store names`);

const requests = named.length > 0 ? named : STORES.map((s) => s.name);
const plan = new Map<string, { script: string; versions: Set<string>; runsLong: boolean }>();
for (const request of requests) {
  const [name = '', versionList] = request.split('@');
  const store = find(name);
  const recipe = store.local;
  if (!recipe) fail(`${store.name} has no local recipe: nothing to install`);
  const versions = versionList
    ? versionList.split('+').filter(Boolean)
    : allVersions
      ? [...recipe.versions]
      : testVersions
        ? [...(recipe.testVersions ?? recipe.versions)]
        : [recipe.defaultVersion];
  for (const v of versions) {
    if (!recipe.versions.includes(v)) fail(`${store.name} has no version ${v}; known: ${recipe.versions.join(', ')}`);
  }
  const entry = plan.get(store.name) ?? {
    script: recipe.installScript,
    versions: new Set<string>(),
    runsLong: recipe.installRunsLong === true,
  };
  for (const v of versions) entry.versions.add(v);
  plan.set(store.name, entry);
}
for (const [name, { script, versions, runsLong }] of plan) {
  process.stdout.write(`${name}\tbash ${script} ${[...versions].join(' ')}\t${runsLong ? 'background' : 'foreground'}\n`);
}
