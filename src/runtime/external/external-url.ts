import type { ExternalRecipe } from './external-recipe.js';

/**
 * Parses and checks one `--endpoint` URL against a store's external recipe. Errors name the flag
 * and the store and never repeat the URL as given: it might hold a password.
 */
export function parseExternalUrl(store: string, recipe: ExternalRecipe, spec: string): URL {
  const what = `--endpoint ${store}`;
  let url: URL;
  try {
    url = new URL(spec);
  } catch {
    throw new Error(`${what}: not a URL; expected e.g. ${recipe.example}`);
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (!recipe.schemes.includes(scheme)) {
    throw new Error(`${what}: scheme "${scheme}" is not one of ${recipe.schemes.join(', ')}; expected e.g. ${recipe.example}`);
  }
  if (url.password !== '') {
    throw new Error(`${what}: the URL holds a password; put it in ${recipe.env[0] ?? 'the environment'} instead (Dify's variable)`);
  }
  if (url.hostname === '') throw new Error(`${what}: the URL names no host; expected e.g. ${recipe.example}`);
  for (const key of new Set(url.searchParams.keys())) {
    if (!recipe.params.includes(key)) {
      const known = recipe.params.length ? `; it takes ${recipe.params.join(', ')}` : '; it takes none';
      throw new Error(`${what}: unknown URL parameter "${key}"${known}`);
    }
  }
  return url;
}

/** The URL as results and reports show it: no user password (refused anyway), no fragment. */
export function shownUrl(url: URL): string {
  const copy = new URL(url.href);
  copy.password = '';
  copy.hash = '';
  return copy.href;
}
