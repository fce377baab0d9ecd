import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The harness version from package.json, recorded in every results file. */
export const TOOL_VERSION: string = (require('../package.json') as { version: string }).version;
