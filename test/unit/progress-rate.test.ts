import { describe, expect, it } from 'vitest';
import { durationText, progressLine } from '../../src/cli/progress-rate.js';
import { parseSkipList } from '../../src/bench/skippable-workloads.js';

describe('progressLine', () => {
  it('gives done/total, percent, the mean rate and the ETA at that rate', () => {
    // 120000 of 1M in 80 s: 1500/s, 880000 left → 586.67 s.
    expect(progressLine(120_000, 1_000_000, 80_000)).toBe('120000/1000000 (12%), 1500/s, ETA 9 min 47 s');
    expect(progressLine(0, 10, 0)).toBe('0/10 (0%), 0.0/s, ETA ?');
    expect(progressLine(999, 1000, 999_000)).toBe('999/1000 (99%), 1.0/s, ETA 1 s');
    expect(progressLine(110, 200, 73_000)).toBe('110/200 (55%), 1.5/s, ETA 1 min 0 s');
  });

  it('writes durations as a reader says them', () => {
    expect(durationText(42)).toBe('42 s');
    expect(durationText(754)).toBe('12 min 34 s');
    expect(durationText(7384)).toBe('2 h 3 min');
    expect(durationText(-3)).toBe('0 s');
  });
});

describe('--skip', () => {
  it('takes known workloads once each and names the flag and the choices for anything else', () => {
    const parse = parseSkipList('--skip');
    expect(parse('full-text, dify-hybrid,full-text')).toEqual(['full-text', 'dify-hybrid']);
    expect(() => parse('full-text,insert')).toThrow(
      '--skip: "insert" is not a workload that can be skipped (filtered-vector, full-text, dify-hybrid, native-hybrid, concurrency, delete, dify-insert)',
    );
  });
});
