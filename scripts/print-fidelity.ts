/** Prints the README's fidelity table (`npx tsx scripts/print-fidelity.ts`); a unit test keeps the README equal to it. */
import { fidelityMarkdown } from '../src/report/fidelity-table.js';
import { fidelitySubjects } from '../src/report/fidelity-subjects.js';

process.stdout.write(`${fidelityMarkdown(fidelitySubjects())}\n`);
