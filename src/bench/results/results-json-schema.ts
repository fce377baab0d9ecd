import { z } from 'zod';
import { resultsSchema } from './results-schema.js';

/** The JSON Schema of results files, as committed in results/schema.json for other tools. */
export function resultsJsonSchema(): unknown {
  return {
    ...z.toJSONSchema(resultsSchema),
    $id: 'https://vdb-bench.invalid/results/schema.json',
    title: 'vdb-bench results',
  };
}
