import { z } from 'zod';

/** dataset.json, as datasets/FORMAT.md (../shared/DATASET_FORMAT.md) defines it; extra keys are kept (embedding, chunking). */
export const datasetManifestSchema = z.looseObject({
  name: z.string().min(1),
  version: z.literal(1),
  dims: z.number().int().positive(),
  metric: z.enum(['cosine', 'l2', 'ip']),
  count: z.number().int().positive(),
  queries: z.number().int().positive(),
  language: z.string().min(1),
  description: z.string(),
  license: z.string(),
  source: z.string(),
});

export type DatasetManifest = z.infer<typeof datasetManifestSchema>;

export const docRecordSchema = z.object({
  id: z.string().min(1),
  document_id: z.string().min(1),
  text: z.string(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

export const queryRecordSchema = z.object({
  id: z.string().min(1),
  text: z.string(),
  document_ids: z.array(z.string().min(1)).min(1).optional(),
});

export type DocRecord = z.infer<typeof docRecordSchema>;
export type QueryRecord = z.infer<typeof queryRecordSchema>;
