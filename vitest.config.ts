import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start real servers; they share 2 cores, so files run one after another.
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 300_000,
    // The JSON report is what .ci/run reads to print its "N passed, N failed" line.
    reporters: ['default', ['json', { outputFile: '.vdb-bench/vitest-report.json' }]],
  },
});
