import { QdrantClient } from '@qdrant/js-client-rest';
import { QdrantReads, type ReadsTarget } from './qdrant-reads.js';
import { z } from 'zod';
import type {
  Capabilities,
  Collection,
  CollectionSpec,
  StoreAdapter,
  StoreInfo,
  StoreSession,
} from '../store-adapter.js';
import type { Endpoint } from '../../runtime/endpoint.js';
import { QdrantCollection } from './qdrant-collection.js';
import type { QdrantConfig } from './qdrant-config.js';
import { datasetId, qdrantCollectionName } from './qdrant-names.js';
import { qdrantClientVersion } from './qdrant-package.js';
import { DIFY_TEXT_INDEX, ensureCollection } from './qdrant-schema.js';
import { QUERY_API_SINCE, qdrantFeatures, type QdrantFeatures } from './qdrant-version.js';

/** Per request; Dify's QDRANT_CLIENT_TIMEOUT is 20 s, generous here since 2 cores are shared with the harness. */
const TIMEOUT_MS = 120_000;

/** GET / of a Qdrant server: `{"title":"qdrant - vector search engine","version":"1.8.3",...}`. */
const VersionInfo = z.object({ title: z.string(), version: z.string().min(1) });

/**
 * Qdrant through @qdrant/js-client-rest (REST, as Dify's qdrant-client with gRPC off). The client's
 * version check is off: it warns when client and server minor versions differ by more than one, and
 * this one client talks to 1.8.3 and 1.18.3 alike, using only what each server has (see
 * QdrantFeatures); the client's version is recorded in settings.
 */
export class QdrantAdapter implements StoreAdapter {
  constructor(
    private readonly capabilities: Capabilities,
    private readonly config: QdrantConfig,
  ) {}

  async connect(endpoint: Endpoint): Promise<StoreSession> {
    const port = endpoint.ports.http;
    if (port === undefined) throw new Error('qdrant: endpoint has no "http" port');
    const secure = endpoint.access !== undefined && endpoint.access.tls !== 'off';
    const key = endpoint.access?.secret;
    // One target from the endpoint (scheme, API key): the session's REST client, its read pool and
    // Dify's per-retrieval read pools (newReads) reach the server the same way.
    const target: ReadsTarget = {
      origin: `${secure ? 'https' : 'http'}://${endpoint.host}:${port}`,
      ...(key ? { apiKey: key.reveal() } : {}),
      timeoutMs: TIMEOUT_MS,
    };
    const client = new QdrantClient({
      url: target.origin,
      ...(target.apiKey ? { apiKey: target.apiKey } : {}),
      checkCompatibility: false,
      timeout: TIMEOUT_MS,
      // Uncompressed answers. Node's fetch asks for "gzip, deflate" (as Dify's httpx does), and
      // Qdrant's compressed answers then stall Node's client for ~40 ms on many requests, which
      // Python's does not see (scripts/measure-qdrant-client.ts; CLIENT_STALL in index.ts).
      headers: { 'accept-encoding': 'identity' },
    });
    const newReads = (): QdrantReads => new QdrantReads(target);
    const parsed = VersionInfo.safeParse(await client.versionInfo());
    if (!parsed.success) throw new Error(`qdrant: GET / on port ${port} is not Qdrant's version info: ${parsed.error.message}`);
    const version = parsed.data.version;
    const features = qdrantFeatures(version);
    return new QdrantSession(client, newReads, this.config, features, {
      version,
      settings: settingsOf(this.config, features),
    }, capabilitiesOn(this.capabilities, this.config, version, features));
  }
}

class QdrantSession implements StoreSession {
  /** The session's own read pool (searches of collections it creates). */
  private readonly reads: QdrantReads;

  constructor(
    private readonly client: QdrantClient,
    private readonly newReads: () => QdrantReads,
    private readonly config: QdrantConfig,
    private readonly features: QdrantFeatures,
    readonly info: StoreInfo,
    readonly capabilities: Capabilities,
  ) {
    this.reads = newReads();
  }

  async createCollection(spec: CollectionSpec): Promise<Collection> {
    const name = qdrantCollectionName(spec.name);
    await ensureCollection(this.client, name, spec, this.config, this.features);
    return new QdrantCollection(this.client, this.reads, this.config, {
      name,
      datasetId: datasetId(spec.name),
      hybrid: this.capabilities.nativeHybrid,
      // Dify's collection is always Cosine; native follows the metric, and Euclid scores are distances.
      negateScore: this.config.distance === 'fromMetric' && spec.metric === 'l2',
      newReads: this.newReads,
    });
  }

  async collectionExists(name: string): Promise<boolean> {
    const { collections } = await this.client.getCollections();
    return collections.some((c) => c.name === qdrantCollectionName(name));
  }

  /** The collection itself, even for the dify profile, whose drop (as Dify's) deletes only its points. */
  async removeCollection(name: string): Promise<void> {
    if (await this.collectionExists(name)) await this.client.deleteCollection(qdrantCollectionName(name));
  }

  /** Closes the read pool; the REST client has no close (its fetch pool idles out). */
  close(): Promise<void> {
    return this.reads.close();
  }
}

/**
 * The profile's capabilities on this server. The profile declares what the default server
 * (1.8.3) can do; native hybrid needs the Query API, so a session on Qdrant ≥ 1.10 declares it
 * and its collections get searchHybrid, while on 1.8.3 they have none — a run reports "not
 * supported" instead of failing midway.
 */
function capabilitiesOn(caps: Capabilities, config: QdrantConfig, version: string, f: QdrantFeatures): Capabilities {
  if (!config.hybrid) return caps;
  if (f.queryApi) return { ...caps, nativeHybrid: true };
  return {
    ...caps,
    nativeHybrid: false,
    notes: [
      ...caps.notes,
      `Qdrant ${version} has no Query API (from ${QUERY_API_SINCE}): no native hybrid, and the sparse vector has ` +
        'no IDF modifier, so the sparse full text ranks by BM25 term frequency alone.',
    ],
  };
}

function settingsOf(c: QdrantConfig, f: QdrantFeatures): StoreInfo['settings'] {
  const hnsw = Object.entries(c.hnsw).map(([k, v]) => `${k}=${String(v)}`).join(' ');
  const common = {
    client: `REST: searches, scrolls and queries by undici's request on a keep-alive pool (qdrant-reads.ts), the rest by @qdrant/js-client-rest ${qdrantClientVersion()} (compatibility check off)`,
    difyClient: 'a new read pool per retrieval, closed when it ends (Dify: a new QdrantClient; qdrant-client 1.9.0 sends nothing from its constructor)',
    collectionName: 'Vector_index_<UUIDv5 of the run collection name>_Node',
    pointIds: 'doc_id if it is a UUID, else UUIDv5(doc_id); doc_id kept in metadata.doc_id',
    payload: 'page_content, metadata {doc_id, doc_hash, document_id, dataset_id, dataset keys}' + (c.groupId ? ', group_id' : ''),
    hnsw,
    insertBatchSize: c.insertBatchSize ?? 'harness batch',
    upsertWait: true,
    queryApi: f.queryApi,
  };
  if (c.profile === 'dify') {
    return {
      ...common,
      vectors: 'one unnamed vector, Cosine',
      payloadIndexes: 'keyword group_id, metadata.doc_id, metadata.document_id; text page_content',
      textIndex: Object.entries(DIFY_TEXT_INDEX).map(([k, v]) => `${k}=${String(v)}`).join(' '),
      groupFilter: 'every search, scroll and count MUSTs group_id = the dataset id',
      scoreThreshold: c.scoreThreshold ?? 'none',
      returnVectors: c.returnVectors,
      fullText: 'one scroll per whitespace keyword (≤ 10), MatchText on page_content, merged in scroll order, unranked',
      deleteByIds: 'one delete, filter metadata.doc_id MatchAny',
      drop: 'delete points by group_id (the collection stays)',
    };
  }
  return {
    ...common,
    vectors: 'named: dense (metric from the dataset), bm25 (sparse' + (f.sparseIdf ? ', modifier idf)' : ', no modifier)'),
    payloadIndexes: 'keyword metadata.document_id',
    fullText: 'search on the sparse bm25 vector (harness-side BM25 term weights' + (f.sparseIdf ? ' × server IDF)' : ')'),
    hybrid: f.queryApi ? 'Query API: prefetch dense + sparse, max(20, 2k) each, fusion rrf' : 'not supported (no Query API)',
    deleteByIds: 'delete by point ids',
    drop: 'delete the collection',
  };
}
