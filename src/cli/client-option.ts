import { Option } from 'commander';
import { CLIENT_MODES, type ClientMode } from '../bench/client-mode.js';
import { DEFAULT_CONFIG } from '../bench/bench-config.js';

/**
 * `--client`: how searches reach each store (src/bench/client-mode.ts says what each mode does).
 * A plain Error, not commander's choices, so a bad value exits 2 with the flag named, as every
 * other bad input does.
 */
export function clientOption(): Option {
  return new Option(
    '--client <mode>',
    `searches through one warm pooled client (pooled), or with Dify's per-retrieval client setup timed in (dify)`,
  )
    .argParser(parseClientMode)
    .default(DEFAULT_CONFIG.clientMode);
}

export function parseClientMode(value: string): ClientMode {
  const mode = CLIENT_MODES.find((m) => m === value);
  if (!mode) throw new Error(`--client: "${value}" is not a client mode; use ${CLIENT_MODES.join(' or ')}`);
  return mode;
}
