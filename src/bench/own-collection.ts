import { randomBytes } from 'node:crypto';
import type { Collection, CollectionSpec, StoreSession } from '../adapters/store-adapter.js';
import { onInterruptStop } from '../runtime/cleanup.js';
import { redact } from '../runtime/secret.js';
import type { StoreResult } from './results/results-schema.js';
import { withCallTimeout } from './call-timeout.js';

/**
 * The one collection a store's run creates. On a server the harness did not start (an external
 * endpoint) it must leave nothing behind and touch nothing else: so the name is unique (time and
 * randomness: several workers may run against one cluster at once), a name the server already
 * holds is refused rather than used, and the collection is removed at the end, after a failure
 * and on Ctrl-C.
 */
export interface OwnCollection {
  readonly name: string;
  readonly session: StoreSession;
  /** Unregisters the Ctrl-C cleanup once the collection is removed. */
  readonly forget: () => void;
}

interface RunWithCollection {
  collection?: OwnCollection;
}

export function ownCollectionName(): string {
  return `vdb_bench_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

export async function createOwnCollection(
  run: RunWithCollection,
  session: StoreSession,
  spec: CollectionSpec,
): Promise<Collection> {
  if (await session.collectionExists(spec.name)) {
    throw new Error(`refusing collection ${spec.name}: the server already holds it and this run did not create it`);
  }
  // Registered before the create: a create that fails halfway can leave the collection behind.
  const forget = onInterruptStop(() => session.removeCollection(spec.name));
  run.collection = { name: spec.name, session, forget };
  return session.createCollection(spec);
}

/**
 * Removes the run's collection, whatever happened before. A removal that fails is a failure of
 * the store's run (a collection left on someone's server), recorded in phase `cleanup`.
 */
export async function removeOwnCollection(run: RunWithCollection, result: StoreResult, timeoutSeconds?: number): Promise<void> {
  const own = run.collection;
  if (!own) return;
  try {
    const removal = own.session.removeCollection(own.name);
    // Bounded: a hung server must not hold the run (the failure is recorded like any other).
    await (timeoutSeconds === undefined ? removal : withCallTimeout(removal, timeoutSeconds, 'cleanup'));
    own.forget();
    run.collection = undefined;
  } catch (error) {
    const message = redact(`collection ${own.name} may be left on the server: ${error instanceof Error ? error.message : String(error)}`);
    if (result.status === 'failed' && result.error) {
      result.error = { ...result.error, message: `${result.error.message}\n${message}` };
    } else {
      result.status = 'failed';
      result.error = { phase: 'cleanup', message, logTail: [] };
    }
    own.forget();
  }
}
