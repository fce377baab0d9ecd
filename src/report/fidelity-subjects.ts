import { STORES } from '../adapters/registry.js';
import { HYBRID_FIDELITY } from '../bench/hybrid/hybrid-fidelity.js';
import type { FidelitySubject } from './fidelity-table.js';

/** Every store of the registry, then Dify's hybrid: the README's fidelity table, in that order. */
export function fidelitySubjects(): FidelitySubject[] {
  return [...STORES.map((s) => ({ name: s.name, rows: s.fidelity })), { name: 'Dify hybrid', rows: HYBRID_FIDELITY }];
}
