// Worker thread for exact ground truth: scans one range of doc rows for every query. Vectors
// arrive as views over SharedArrayBuffers, so no worker copies them. Plain JavaScript: see
// exact-knn-kernel.mjs. Message in: { docs, queries, dims, metric, docStart, docEnd, k }.
import { parentPort } from 'node:worker_threads';
import { scanTopK } from './exact-knn-kernel.mjs';

parentPort.on('message', (job) => {
  const result = scanTopK(job.docs, job.queries, job.dims, job.metric, job.docStart, job.docEnd, job.k);
  parentPort.postMessage(result, [result.scores.buffer, result.rows.buffer]);
});
