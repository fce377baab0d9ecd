import type { ChromaClient } from 'chromadb';
import type {
  Capabilities,
  CollectionSpec,
  StoreAdapter,
  StoreInfo,
  StoreSession,
} from '../store-adapter.js';
import type { Endpoint } from '../../runtime/endpoint.js';
import type { ChromaConfig } from './chroma-config.js';
import { ChromaCollection, newChromaClient, type ChromaServer } from './chroma-collection.js';
import { chromaCollectionName } from './chroma-collection-name.js';
import { chromaClientVersion } from './chroma-package.js';
import { chromaAuthHeaders } from './chroma-auth.js';

/** Rows per upsert/delete when the server does not say (it always does: pre-flight-checks). */
const FALLBACK_BATCH = 1000;
/** Collections per listCollections page when looking one up by name. */
const LIST_PAGE = 100;

/**
 * Chroma over its v2 HTTP API with the `chromadb` JS client, the calls Dify's chroma_vector.py
 * makes (see ChromaCollection). The same client serves every local version (0.5.20 serves
 * /api/v2 as well as /api/v1).
 */
export class ChromaAdapter implements StoreAdapter {
  constructor(
    private readonly capabilities: Capabilities,
    private readonly config: ChromaConfig,
  ) {}

  async connect(endpoint: Endpoint): Promise<StoreSession> {
    const port = endpoint.ports.http;
    if (port === undefined) throw new Error('chroma: endpoint has no "http" port');
    // One client config from the endpoint (scheme, auth header): the session's client and Dify's
    // per-retrieval clients (openRetrievalClient) reach the server the same way.
    const server: ChromaServer = {
      host: endpoint.host,
      port,
      ssl: endpoint.access !== undefined && endpoint.access.tls !== 'off',
      headers: () => chromaAuthHeaders(endpoint),
    };
    const client = newChromaClient(server);
    const version = await client.version();
    const maxBatch = (await client.getMaxBatchSize()) || FALLBACK_BATCH;
    const base64 = await client.supportsBase64Encoding();
    const info: StoreInfo = {
      version,
      settings: {
        client: `chromadb (npm) ${chromaClientVersion()}`,
        api: 'v2',
        maxBatchSize: maxBatch,
        base64Embeddings: base64,
        space: this.config.space === 'dify' ? 'Chroma default (l2), as Dify' : 'hnsw:space from the dataset metric',
        scoreThreshold: this.config.scoreThreshold ?? 'none',
        collectionLookupPerCall: this.config.lookUpCollectionPerCall,
        difyClient: 'a new HttpClient per retrieval (GET tenant, GET database), then get_or_create_collection',
      },
    };
    return new ChromaSession(client, info, this.capabilities, this.config, maxBatch, server);
  }
}

/** hnsw:space only where the profile sets it (Dify sets none), hnsw:search_ef only where a tuned profile does. */
function collectionMetadata(config: ChromaConfig, metric: CollectionSpec['metric']): Record<string, string | number> | undefined {
  const metadata: Record<string, string | number> = {
    ...(config.space === 'spec' ? { 'hnsw:space': metric } : {}),
    ...(config.searchEf !== undefined ? { 'hnsw:search_ef': Math.trunc(config.searchEf) } : {}),
  };
  return Object.keys(metadata).length > 0 ? metadata : undefined;
}

/** One HTTP client; the JS client holds no connection, so closing it only forgets it. */
class ChromaSession implements StoreSession {
  constructor(
    private readonly client: ChromaClient,
    readonly info: StoreInfo,
    readonly capabilities: Capabilities,
    private readonly config: ChromaConfig,
    private readonly maxBatch: number,
    private readonly server: ChromaServer,
  ) {}

  /** As Dify: get_or_create_collection, with hnsw:space only where the profile sets it. */
  async createCollection(spec: CollectionSpec): Promise<ChromaCollection> {
    const collection = new ChromaCollection(this.client, this.config, {
      name: chromaCollectionName(spec.name),
      datasetId: spec.name,
      metadata: collectionMetadata(this.config, spec.metric),
      maxBatch: this.maxBatch,
      server: this.server,
    });
    await collection.open();
    return collection;
  }

  async collectionExists(name: string): Promise<boolean> {
    const wanted = chromaCollectionName(name);
    // Paged: the server may hold any number of collections; bounded by what it reports holding.
    const total = await this.client.countCollections();
    for (let offset = 0; offset < total; offset += LIST_PAGE) {
      const page = await this.client.listCollections({ limit: LIST_PAGE, offset });
      if (page.some((c) => c.name === wanted)) return true;
      if (page.length === 0) break;
    }
    return false;
  }

  async removeCollection(name: string): Promise<void> {
    if (await this.collectionExists(name)) await this.client.deleteCollection({ name: chromaCollectionName(name) });
  }

  async close(): Promise<void> {}
}
