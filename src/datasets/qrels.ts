import { DatasetError } from './dataset-error.js';

/**
 * qrels.tsv: query id <TAB> doc id <TAB> relevance (integer ≥ 1), no header. Every id must exist,
 * so a typo fails loudly instead of silently lowering nDCG.
 */
export function parseQrels(
  file: string,
  text: string,
  queryIds: ReadonlySet<string>,
  docIds: ReadonlySet<string>,
): Map<string, Map<string, number>> {
  const qrels = new Map<string, Map<string, number>>();
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const lineNo = String(index + 1);
    const fields = line.split('\t');
    const [queryId, docId, relevanceText] = fields;
    if (fields.length !== 3 || queryId === undefined || docId === undefined || relevanceText === undefined) {
      throw new DatasetError(file, lineNo, `expected 3 tab-separated fields, found ${fields.length}`);
    }
    const relevance = Number(relevanceText);
    if (!Number.isInteger(relevance) || relevance < 1) {
      throw new DatasetError(file, lineNo, `relevance "${relevanceText}" is not an integer ≥ 1`);
    }
    if (!queryIds.has(queryId)) throw new DatasetError(file, lineNo, `query id "${queryId}" is not in queries.jsonl`);
    if (!docIds.has(docId)) throw new DatasetError(file, lineNo, `doc id "${docId}" is not in docs.jsonl`);
    let forQuery = qrels.get(queryId);
    if (!forQuery) qrels.set(queryId, (forQuery = new Map()));
    forQuery.set(docId, relevance);
  });
  return qrels;
}
