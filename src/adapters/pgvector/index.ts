import type { Capabilities } from '../store-adapter.js';
import type { StoreDefinition } from '../store-definition.js';
import { PgvectorAdapter } from './pgvector-adapter.js';
import { DIFY_PGVECTOR_CONFIG } from './pgvector-config.js';
import { pgvectorLocalRecipe } from './pgvector-local-recipe.js';

const difyCapabilities: Capabilities = {
  documentIdFilter: true,
  fullText: true,
  nativeHybrid: false,
  metrics: ['cosine', 'l2', 'ip'],
  notes: [
    "Full text as Dify: to_tsvector(text) @@ plainto_tsquery(query) ranked by ts_rank, with no tsvector index (a scan per query); the 'english' default text search configuration.",
    'HNSW (m=16, ef_construction=64) created with the table, before inserts, as Dify does; hnsw.ef_search left at its default (40).',
    "The document_id filter is a WHERE on meta->>'document_id' applied to HNSW's candidates: with pgvector 0.8's default (no iterative scan) a filtered query can return fewer than k rows.",
    'As Dify with no score threshold set (0.0): hits with cosine similarity below 0 are dropped.',
  ],
};

export const pgvectorStore: StoreDefinition = {
  name: 'pgvector',
  description: "PostgreSQL + pgvector as Dify's pgvector.py uses it (node-postgres client)",
  defaultProfile: 'dify',
  profiles: {
    dify: {
      description: "Dify's table, HNSW index and queries",
      capabilities: difyCapabilities,
      createAdapter: () => new PgvectorAdapter(difyCapabilities, DIFY_PGVECTOR_CONFIG),
    },
  },
  local: pgvectorLocalRecipe,
};
