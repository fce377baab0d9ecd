import type { Shard } from '../bench/workers/shards.js';

/** `--shard 2/4` → { index: 2, count: 4 }; errors name the flag. */
export function parseShard(flag: string) {
  return (value: string): Shard => {
    const match = /^(\d+)\/(\d+)$/.exec(value.trim());
    const index = Number(match?.[1]);
    const count = Number(match?.[2]);
    if (!match || count < 1 || index >= count) throw new Error(`${flag}: "${value}" is not i/N with 0 ≤ i < N (e.g. 0/4)`);
    return { index, count };
  };
}
