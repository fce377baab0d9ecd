import { describe, expect, it } from 'vitest';
import type { LocalRecipe } from '../../src/runtime/local-recipe.js';
import { missingLocalInstall } from '../../src/runtime/preflight.js';

const recipe = (command: string, checkInstalled?: LocalRecipe['checkInstalled']): LocalRecipe => ({
  ports: ['http'],
  defaultVersion: '1',
  versions: ['1'],
  installScript: 'scripts/install-thing.sh',
  command: (ctx) => ({ command, args: ['--port', String(ctx.ports.http)] }),
  isReady: async () => true,
  startTimeoutSeconds: 1,
  ...(checkInstalled ? { checkInstalled } : {}),
});

describe('missingLocalInstall', () => {
  it('names the missing binary and the install script', async () => {
    expect(await missingLocalInstall({ name: 'thing', local: recipe('/nonexistent/bin/thing') }, '1')).toBe(
      'thing 1: /nonexistent/bin/thing is not installed; run scripts/install-thing.sh',
    );
  });

  it('passes an installed binary, a command on PATH, and a store with no local recipe', async () => {
    expect(await missingLocalInstall({ name: 'thing', local: recipe(process.execPath) }, '1')).toBeUndefined();
    expect(await missingLocalInstall({ name: 'thing', local: recipe('sh') }, '1')).toBeUndefined();
    expect(await missingLocalInstall({ name: 'thing' }, '1')).toBeUndefined();
  });

  it("reports the recipe's own check (an extension missing beside an installed binary), first line only", async () => {
    const check = async (): Promise<void> => {
      throw new Error('thing: plugin 2 is not installed; run scripts/install-thing.sh\n  (more detail)');
    };
    expect(await missingLocalInstall({ name: 'thing', local: recipe(process.execPath, check) }, '1')).toBe(
      'thing: plugin 2 is not installed; run scripts/install-thing.sh',
    );
  });
});
