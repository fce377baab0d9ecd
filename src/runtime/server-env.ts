/**
 * The environment a local server runs with: the recipe's own settings over a short list taken
 * from the harness (where programs are, locale, home, temp dir), nothing else. The harness's
 * environment can hold secrets (API keys, PGPASSWORD, a DATABASE_URL with a password) that a
 * server has no use for and could print in its log, which the results quote; a container gets
 * only its recipe's env for the same reason.
 */
const PASSED = ['PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'LANGUAGE', 'TZ', 'TMPDIR', 'LD_LIBRARY_PATH'];

export function serverEnvironment(
  parent: NodeJS.ProcessEnv,
  recipe: Readonly<Record<string, string>> | undefined,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(parent)) {
    if (value !== undefined && (PASSED.includes(key) || key.startsWith('LC_'))) env[key] = value;
  }
  return { ...env, ...recipe };
}
