// Plain JavaScript on purpose: a worker thread loads this file with no TypeScript loader
// (tsx's hooks do not reach worker threads on Node 20). Types: exact-knn-kernel.d.mts.

/**
 * Exact top-k of every query over doc rows [docStart, docEnd), by brute force. Scores: cosine
 * dot/(|q||d|), ip dot, l2 −|q−d|² (as −(|q|²+|d|²−2·dot)); higher is closer. Dot products are
 * summed in float64, 4 docs × 2 queries at a time so each loaded value serves several products
 * (V8 does not vectorise; register reuse is what makes this loop ~4× faster than one pair at a time).
 * Ties keep the lower row. Returns, per query, k slots best first (score -Infinity, row -1 pad).
 *
 * @param {Float32Array} docs
 * @param {Float32Array} queries
 * @param {number} dims
 * @param {'cosine' | 'l2' | 'ip'} metric
 * @param {number} docStart
 * @param {number} docEnd
 * @param {number} k
 * @returns {{ scores: Float64Array, rows: Int32Array }}
 */
export function scanTopK(docs, queries, dims, metric, docStart, docEnd, k) {
  const nq = queries.length / dims;
  const heap = newHeaps(nq, k);
  const qNorm = new Float64Array(nq);
  for (let q = 0; q < nq; q++) qNorm[q] = sumSquares(queries, q * dims, dims);
  const dNorm = new Float64Array(4);
  const dot = new Float64Array(8);
  for (let d = docStart; d < docEnd; d += 4) {
    const n = Math.min(4, docEnd - d);
    for (let j = 0; j < n; j++) dNorm[j] = sumSquares(docs, (d + j) * dims, dims);
    if (n < 4) {
      // Tail: fewer than 4 docs left, one pair at a time.
      for (let j = 0; j < n; j++) {
        const o = (d + j) * dims;
        for (let q = 0; q < nq; q++) {
          const qo = q * dims;
          let s = 0;
          for (let i = 0; i < dims; i++) s += queries[qo + i] * docs[o + i];
          offer(heap, q, score(metric, s, qNorm[q], dNorm[j]), d + j);
        }
      }
      continue;
    }
    const o0 = d * dims;
    const o1 = o0 + dims;
    const o2 = o1 + dims;
    const o3 = o2 + dims;
    let q = 0;
    for (; q + 1 < nq; q += 2) {
      const qa = q * dims;
      const qb = qa + dims;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
      for (let i = 0; i < dims; i++) {
        const x = queries[qa + i];
        const y = queries[qb + i];
        const e0 = docs[o0 + i];
        const e1 = docs[o1 + i];
        const e2 = docs[o2 + i];
        const e3 = docs[o3 + i];
        a0 += x * e0; a1 += x * e1; a2 += x * e2; a3 += x * e3;
        b0 += y * e0; b1 += y * e1; b2 += y * e2; b3 += y * e3;
      }
      dot[0] = a0; dot[1] = a1; dot[2] = a2; dot[3] = a3;
      dot[4] = b0; dot[5] = b1; dot[6] = b2; dot[7] = b3;
      for (let j = 0; j < 4; j++) {
        offer(heap, q, score(metric, dot[j], qNorm[q], dNorm[j]), d + j);
        offer(heap, q + 1, score(metric, dot[4 + j], qNorm[q + 1], dNorm[j]), d + j);
      }
    }
    if (q < nq) {
      const qa = q * dims;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      for (let i = 0; i < dims; i++) {
        const x = queries[qa + i];
        a0 += x * docs[o0 + i]; a1 += x * docs[o1 + i]; a2 += x * docs[o2 + i]; a3 += x * docs[o3 + i];
      }
      dot[0] = a0; dot[1] = a1; dot[2] = a2; dot[3] = a3;
      for (let j = 0; j < 4; j++) offer(heap, q, score(metric, dot[j], qNorm[q], dNorm[j]), d + j);
    }
  }
  return sortHeaps(heap);
}

/**
 * Exact top-k of one query (row `q` of `queries`) over the given doc rows only: a filtered query
 * (Dify's document_ids), whose candidates are few.
 *
 * @param {Float32Array} docs
 * @param {Float32Array} queries
 * @param {number} dims
 * @param {'cosine' | 'l2' | 'ip'} metric
 * @param {number} q
 * @param {Int32Array} candidates
 * @param {number} k
 * @returns {{ scores: Float64Array, rows: Int32Array }}
 */
export function scanTopKRows(docs, queries, dims, metric, q, candidates, k) {
  const heap = newHeaps(1, k);
  const qo = q * dims;
  const qn = sumSquares(queries, qo, dims);
  for (let c = 0; c < candidates.length; c++) {
    const row = candidates[c];
    const o = row * dims;
    let s = 0;
    for (let i = 0; i < dims; i++) s += queries[qo + i] * docs[o + i];
    offer(heap, 0, score(metric, s, qn, sumSquares(docs, o, dims)), row);
  }
  return sortHeaps(heap);
}

/**
 * Merges per-range results (each nq × k, best first) into one, keeping the k best per query.
 *
 * @param {Array<{ scores: Float64Array, rows: Int32Array }>} parts
 * @param {number} nq
 * @param {number} k
 * @returns {{ scores: Float64Array, rows: Int32Array }}
 */
export function mergeTopK(parts, nq, k) {
  const heap = newHeaps(nq, k);
  for (const part of parts) {
    for (let q = 0; q < nq; q++) {
      for (let j = 0; j < k; j++) {
        const row = part.rows[q * k + j];
        if (row >= 0) offer(heap, q, part.scores[q * k + j], row);
      }
    }
  }
  return sortHeaps(heap);
}

function sumSquares(m, offset, dims) {
  let s = 0;
  for (let i = 0; i < dims; i++) s += m[offset + i] * m[offset + i];
  return s;
}

function score(metric, dot, qq, dd) {
  if (metric === 'ip') return dot;
  if (metric === 'l2') return -(qq + dd - 2 * dot);
  return dot / (Math.sqrt(qq) * Math.sqrt(dd));
}

// One binary min-heap of size k per query, flat: the root is the worst kept (lowest score, then
// highest row), so a candidate is compared with one number before any heap work.
function newHeaps(nq, k) {
  return { k, size: new Int32Array(nq), scores: new Float64Array(nq * k), rows: new Int32Array(nq * k) };
}

function worse(sa, ra, sb, rb) {
  return sa < sb || (sa === sb && ra > rb);
}

function offer(h, q, s, row) {
  const k = h.k;
  const base = q * k;
  const size = h.size[q];
  if (size < k) {
    // Sift up.
    let i = size;
    h.size[q] = size + 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!worse(s, row, h.scores[base + p], h.rows[base + p])) break;
      h.scores[base + i] = h.scores[base + p];
      h.rows[base + i] = h.rows[base + p];
      i = p;
    }
    h.scores[base + i] = s;
    h.rows[base + i] = row;
    return;
  }
  if (!worse(h.scores[base], h.rows[base], s, row)) return;
  // Replace the root and sift down.
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= k) break;
    const r = l + 1;
    let c = l;
    if (r < k && worse(h.scores[base + r], h.rows[base + r], h.scores[base + l], h.rows[base + l])) c = r;
    if (!worse(h.scores[base + c], h.rows[base + c], s, row)) break;
    h.scores[base + i] = h.scores[base + c];
    h.rows[base + i] = h.rows[base + c];
    i = c;
  }
  h.scores[base + i] = s;
  h.rows[base + i] = row;
}

function sortHeaps(h) {
  const nq = h.size.length;
  const k = h.k;
  const scores = new Float64Array(nq * k).fill(-Infinity);
  const rows = new Int32Array(nq * k).fill(-1);
  for (let q = 0; q < nq; q++) {
    const n = h.size[q];
    const order = Array.from({ length: n }, (_, j) => j);
    const base = q * k;
    order.sort((a, b) => h.scores[base + b] - h.scores[base + a] || h.rows[base + a] - h.rows[base + b]);
    order.forEach((j, rank) => {
      scores[base + rank] = h.scores[base + j];
      rows[base + rank] = h.rows[base + j];
    });
  }
  return { scores, rows };
}
