import { Option } from 'commander';
import { CLIENT_MODES } from '../bench/client-mode.js';
import { DEFAULT_CONFIG } from '../bench/bench-config.js';

/** `--client`: how searches reach each store (src/bench/client-mode.ts says what each mode does). */
export function clientOption(): Option {
  return new Option(
    '--client <mode>',
    "searches through one warm pooled client (pooled), or with Dify's per-retrieval client setup timed in (dify)",
  )
    .choices(CLIENT_MODES)
    .default(DEFAULT_CONFIG.clientMode);
}
