import { describe, expect, it } from 'vitest';
import { serverEnvironment } from '../../src/runtime/server-env.js';

describe('serverEnvironment', () => {
  it('passes where programs are and the locale, never the harness secrets; the recipe wins', () => {
    const parent = {
      PATH: '/usr/bin',
      HOME: '/root',
      LANG: 'C.UTF-8',
      LC_ALL: 'C.UTF-8',
      PGPASSWORD: 'hunter2',
      OPENAI_API_KEY: 'sk-secret',
      DATABASE_URL: 'postgres://u:pw@127.0.0.1/db',
      AWS_SECRET_ACCESS_KEY: 'x',
    };
    expect(serverEnvironment(parent, { TELEMETRY_ENABLED: 'false', HOME: '/data' })).toEqual({
      PATH: '/usr/bin',
      HOME: '/data',
      LANG: 'C.UTF-8',
      LC_ALL: 'C.UTF-8',
      TELEMETRY_ENABLED: 'false',
    });
  });
});
