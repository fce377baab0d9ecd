import weaviate, { Filters, type FilterValue, type WeaviateClient } from 'weaviate-client';
import type {
  ClassDefinition,
  FoundObject,
  HybridOptions,
  SearchOptions,
  TextFilter,
  WeaviateDriver,
  WeaviateObject,
} from './weaviate-driver.js';
import { restBatchInsert } from './weaviate-batch.js';
import { weaviateClientVersion } from './weaviate-package.js';
import type { WeaviateRest } from './weaviate-rest.js';
import type { Endpoint } from '../../runtime/endpoint.js';

/** Current Dify's only vector: `Configure.Vectors.self_provided()` names it `default`. */
const VECTOR = 'default';

type Collection = ReturnType<WeaviateClient['collections']['use']>;
type Tokenization = NonNullable<Parameters<WeaviateClient['collections']['create']>[0]['properties']>[number]['tokenization'];

/**
 * Current Dify's transport: the official client (JS v3 here, Python v4 in Dify). gRPC carries every
 * query, deleteMany (BatchDelete) and, where the server offers it, the aggregate count (GraphQL
 * otherwise); REST carries schema calls and delete by id. The client refuses servers older than
 * 1.27.0 ("The gRPC API is not supported with Weaviate version ...").
 *
 * Inserts are the one exception: they go to REST POST /v1/batch/objects. weaviate-client's
 * `insertMany` (3.12.1) serializes one object per timer tick and polls for completion every
 * 500 ms (Serialize.batchObjects), so any call with more than one object costs ≥ 500 ms on the
 * client (measured on 1.27.0, 384 dims: 10 objects 0.51 s of which the gRPC call took 6 ms; 100
 * objects 0.54–0.64 s, call 0.12 s; 1000 objects 2.1 s; a REST batch of 100 takes 60–120 ms).
 * Dify's Python client has no such delay.
 */
export class WeaviateGrpcDriver implements WeaviateDriver {
  readonly api = `gRPC + REST (weaviate-client ${weaviateClientVersion()}); inserts via REST batch`;

  private constructor(
    private readonly client: WeaviateClient,
    private readonly rest: WeaviateRest,
  ) {}

  static async connect(rest: WeaviateRest, endpoint: Endpoint, httpPort: number, grpcPort: number): Promise<WeaviateGrpcDriver> {
    const { host, access } = endpoint;
    const secure = access !== undefined && access.tls !== 'off';
    const key = access?.secret;
    const client = await weaviate.connectToCustom({
      httpHost: host,
      httpPort,
      httpSecure: secure,
      grpcHost: host,
      grpcPort,
      grpcSecure: secure,
      ...(key ? { authCredentials: new weaviate.ApiKey(key.reveal()) } : {}),
      // As Dify (skip_init_checks=True); the adapter checked /v1/meta and the version already.
      skipInitChecks: true,
      timeout: { init: 30, query: 120, insert: 300 },
    });
    return new WeaviateGrpcDriver(client, rest);
  }

  fusionFor(requested: 'relativeScore' | 'ranked'): 'relativeScore' | 'ranked' {
    return requested;
  }

  async createClass(definition: ClassDefinition): Promise<void> {
    await this.client.collections.create({
      name: definition.name,
      properties: definition.properties.map((p) => ({
        name: p.name,
        dataType: p.dataType,
        ...(p.tokenization ? { tokenization: p.tokenization as Tokenization } : {}),
      })),
      vectorizers: weaviate.configure.vectors.selfProvided({
        name: VECTOR,
        ...(definition.ef !== undefined ? { vectorIndexConfig: weaviate.configure.vectorIndex.hnsw({ ef: definition.ef }) } : {}),
      }),
    });
  }

  insert(className: string, objects: readonly WeaviateObject[]): Promise<void> {
    return restBatchInsert(this.rest, className, objects, VECTOR);
  }

  async count(className: string): Promise<number> {
    return (await this.use(className).aggregate.overAll()).totalCount;
  }

  async nearVector(className: string, vector: readonly number[], o: SearchOptions): Promise<FoundObject[]> {
    const collection = this.use(className);
    const answer = await collection.query.nearVector([...vector], {
      limit: o.limit,
      ...this.filterOption(collection, o.filter),
      returnMetadata: ['distance'],
      returnProperties: [...o.returnProperties],
      includeVector: o.includeVector,
      targetVector: VECTOR,
    });
    return answer.objects.map((obj) => ({
      properties: obj.properties,
      ...(obj.metadata?.distance !== undefined ? { distance: obj.metadata.distance } : {}),
    }));
  }

  async bm25(
    className: string,
    text: string,
    queryProperties: readonly string[],
    o: SearchOptions,
  ): Promise<FoundObject[]> {
    const collection = this.use(className);
    const answer = await collection.query.bm25(text, {
      queryProperties: [...queryProperties],
      limit: o.limit,
      ...this.filterOption(collection, o.filter),
      returnMetadata: ['score'],
      returnProperties: [...o.returnProperties],
      includeVector: o.includeVector,
    });
    return answer.objects.map((obj) => withScore(obj.properties, obj.metadata?.score));
  }

  async hybrid(className: string, text: string, vector: readonly number[], o: HybridOptions): Promise<FoundObject[]> {
    const collection = this.use(className);
    const answer = await collection.query.hybrid(text, {
      vector: [...vector],
      alpha: o.alpha,
      fusionType: o.fusion === 'relativeScore' ? 'RelativeScore' : 'Ranked',
      queryProperties: [...o.queryProperties],
      targetVector: VECTOR,
      limit: o.limit,
      ...this.filterOption(collection, o.filter),
      returnMetadata: ['score'],
      returnProperties: [...o.returnProperties],
      includeVector: o.includeVector,
    });
    return answer.objects.map((obj) => withScore(obj.properties, obj.metadata?.score));
  }

  async deleteWhere(className: string, filter: TextFilter): Promise<number> {
    const collection = this.use(className);
    const answer = await collection.data.deleteMany(toFilter(collection, filter));
    if (answer.failed > 0) throw new Error(`weaviate: deleteMany failed for ${answer.failed} of ${answer.matches} objects`);
    return answer.successful;
  }

  async deleteById(className: string, id: string): Promise<void> {
    try {
      await this.use(className).data.deleteById(id);
    } catch (error) {
      if ((error as { code?: unknown }).code !== 404) throw error;
    }
  }

  async dropClass(className: string): Promise<void> {
    await this.client.collections.delete(className);
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  /**
   * One handle per class for the driver's life. A handle is only the class name bound to the
   * connection (collections.use asks the server nothing), but building one costs about 0.1 ms of
   * CPU (scripts/measure-weaviate-grpc.ts), which Dify's per-call `collections.use` spends in Python,
   * not here. A removed and recreated class is reached by the same name, so a kept handle stays right.
   */
  private readonly handles = new Map<string, Collection>();

  private use(className: string): Collection {
    let handle = this.handles.get(className);
    if (!handle) {
      handle = this.client.collections.use(className);
      this.handles.set(className, handle);
    }
    return handle;
  }

  private filterOption(collection: Collection, filter: TextFilter | undefined): { filters?: FilterValue } {
    return filter ? { filters: toFilter(collection, filter) } : {};
  }
}

function toFilter(collection: Collection, filter: TextFilter): FilterValue {
  const property = collection.filter.byProperty(filter.property);
  const [first, ...rest] = filter.values;
  if (first === undefined) throw new Error('weaviate: a filter needs at least one value');
  switch (filter.kind) {
    case 'equal':
      if (rest.length > 0) throw new Error('weaviate: an equal filter takes one value');
      return property.equal(first);
    case 'orEqual':
      return rest.length === 0 ? property.equal(first) : Filters.or(...filter.values.map((v) => property.equal(v)));
    case 'containsAny':
      return property.containsAny([...filter.values]);
  }
}

function withScore(properties: Readonly<Record<string, unknown>>, score: number | undefined): FoundObject {
  return score === undefined ? { properties } : { properties, score };
}
