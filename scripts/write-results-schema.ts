// Regenerates results/schema.json from the zod schema: `npm run schema`.
import { writeFile } from 'node:fs/promises';
import { resultsJsonSchema } from '../src/bench/results/results-json-schema.js';

await writeFile(new URL('../results/schema.json', import.meta.url), `${JSON.stringify(resultsJsonSchema(), null, 2)}\n`);
