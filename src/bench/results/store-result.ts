import type { StoreSelection } from '../../adapters/registry.js';
import type { Capabilities } from '../../adapters/store-adapter.js';
import type { StoreResult } from './results-schema.js';

/** A store's entry before anything is measured: which store, which profile, what it can do. */
export function newStoreResult(selection: StoreSelection): StoreResult {
  return {
    store: selection.definition.name,
    profile: selection.profileName,
    status: 'ok',
    capabilities: capabilitiesRecord(selection.profile.capabilities),
    workloads: {},
  };
}

/** Capabilities as the results file keeps them (mutable arrays, every flag incl. fullTextRanked). */
export function capabilitiesRecord(c: Capabilities): StoreResult['capabilities'] {
  return { ...c, metrics: [...c.metrics], notes: [...c.notes] };
}
