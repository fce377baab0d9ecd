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
import { compareVersions } from './weaviate-package.js';
import type { WeaviateRest } from './weaviate-rest.js';

/** Hybrid's fusionType (relativeScore) arrived in Weaviate 1.20; 1.19 always ranks (rankedFusion). */
const FUSION_TYPE_SINCE = '1.20.0';

interface GetAnswer {
  readonly Get: Record<string, readonly Record<string, unknown>[] | null>;
}

interface AdditionalFields {
  readonly distance?: number;
  readonly score?: number | string;
}

/**
 * Dify ≤ 1.8's transport: the Python v3 client with gRPC switched off, i.e. REST for schema,
 * batch insert and deletes, GraphQL `Get` for every search and `Aggregate` for counts. Works with
 * every server from 1.19 on; the class has Weaviate's single, unnamed vector.
 */
export class WeaviateGraphqlDriver implements WeaviateDriver {
  readonly api = 'REST + GraphQL (fetch)';

  constructor(
    private readonly rest: WeaviateRest,
    private readonly serverVersion: string,
  ) {}

  fusionFor(requested: 'relativeScore' | 'ranked'): 'relativeScore' | 'ranked' {
    return compareVersions(this.serverVersion, FUSION_TYPE_SINCE) < 0 ? 'ranked' : requested;
  }

  async createClass(definition: ClassDefinition): Promise<void> {
    await this.rest.request('POST', '/schema', {
      class: definition.name,
      properties: definition.properties.map((p) => ({
        name: p.name,
        dataType: [p.dataType],
        ...(p.tokenization ? { tokenization: p.tokenization } : {}),
      })),
    });
  }

  insert(className: string, objects: readonly WeaviateObject[]): Promise<void> {
    return restBatchInsert(this.rest, className, objects);
  }

  async count(className: string): Promise<number> {
    const data = await this.rest.graphql<{ Aggregate: Record<string, { meta?: { count?: number } }[] | null> }>(
      `{ Aggregate { ${className} { meta { count } } } }`,
    );
    return data.Aggregate[className]?.[0]?.meta?.count ?? 0;
  }

  nearVector(className: string, vector: readonly number[], o: SearchOptions): Promise<FoundObject[]> {
    return this.get(className, `nearVector: { vector: ${numbers(vector)} }`, o, ['distance']);
  }

  bm25(className: string, text: string, queryProperties: readonly string[], o: SearchOptions): Promise<FoundObject[]> {
    return this.get(className, `bm25: { query: ${str(text)}, properties: ${strings(queryProperties)} }`, o, ['score']);
  }

  hybrid(className: string, text: string, vector: readonly number[], o: HybridOptions): Promise<FoundObject[]> {
    const fusion = this.fusionFor(o.fusion);
    const args = [
      `query: ${str(text)}`,
      `vector: ${numbers(vector)}`,
      `alpha: ${o.alpha}`,
      `properties: ${strings(o.queryProperties)}`,
      ...(compareVersions(this.serverVersion, FUSION_TYPE_SINCE) >= 0
        ? [`fusionType: ${fusion === 'relativeScore' ? 'relativeScoreFusion' : 'rankedFusion'}`]
        : []),
    ];
    return this.get(className, `hybrid: { ${args.join(', ')} }`, o, ['score']);
  }

  async deleteWhere(className: string, filter: TextFilter): Promise<number> {
    const answer = (await this.rest.request('DELETE', '/batch/objects', {
      match: { class: className, where: jsonWhere(filter) },
      output: 'minimal',
    })) as { results?: { successful?: number; failed?: number; matches?: number } };
    const failed = answer.results?.failed ?? 0;
    if (failed > 0) throw new Error(`weaviate: batch delete failed for ${failed} of ${answer.results?.matches} objects`);
    return answer.results?.successful ?? 0;
  }

  deleteById(className: string, id: string): Promise<void> {
    return this.rest.deleteIfPresent(`/objects/${className}/${id}`);
  }

  async dropClass(className: string): Promise<void> {
    await this.rest.request('DELETE', `/schema/${className}`);
  }

  async close(): Promise<void> {}

  private async get(
    className: string,
    search: string,
    o: SearchOptions,
    additional: readonly ('distance' | 'score')[],
  ): Promise<FoundObject[]> {
    const args = [search, `limit: ${o.limit}`, ...(o.filter ? [`where: ${graphqlWhere(o.filter)}`] : [])];
    const fields = [...o.returnProperties, `_additional { ${[...additional, ...(o.includeVector ? ['vector'] : [])].join(' ')} }`];
    const data = await this.rest.graphql<GetAnswer>(`{ Get { ${className}(${args.join(', ')}) { ${fields.join(' ')} } } }`);
    return (data.Get[className] ?? []).map((row) => {
      const { _additional: extra, ...properties } = row as { _additional?: AdditionalFields };
      const found: { properties: Record<string, unknown>; distance?: number; score?: number } = { properties };
      if (typeof extra?.distance === 'number') found.distance = extra.distance;
      // GraphQL returns BM25 and hybrid scores as strings.
      if (extra?.score !== undefined && extra.score !== null) found.score = Number(extra.score);
      return found;
    });
  }
}

/** A GraphQL string literal: JSON's escapes are all valid GraphQL escapes. */
function str(s: string): string {
  return JSON.stringify(s);
}

function strings(xs: readonly string[]): string {
  return `[${xs.map(str).join(', ')}]`;
}

function numbers(xs: readonly number[]): string {
  return `[${xs.map((x) => String(x)).join(',')}]`;
}

function values(filter: TextFilter): readonly string[] {
  if (filter.values.length === 0) throw new Error('weaviate: a filter needs at least one value');
  if (filter.kind === 'equal' && filter.values.length !== 1) throw new Error('weaviate: an equal filter takes one value');
  return filter.values;
}

function graphqlWhere(filter: TextFilter): string {
  const path = `path: [${str(filter.property)}]`;
  const equal = (v: string): string => `{ ${path}, operator: Equal, valueText: ${str(v)} }`;
  const vs = values(filter);
  switch (filter.kind) {
    case 'equal':
      return equal(vs[0] as string);
    case 'orEqual':
      return vs.length === 1 ? equal(vs[0] as string) : `{ operator: Or, operands: [${vs.map(equal).join(', ')}] }`;
    case 'containsAny':
      return `{ ${path}, operator: ContainsAny, valueText: ${strings(vs)} }`;
  }
}

function jsonWhere(filter: TextFilter): unknown {
  const path = [filter.property];
  const equal = (v: string): unknown => ({ path, operator: 'Equal', valueText: v });
  const vs = values(filter);
  switch (filter.kind) {
    case 'equal':
      return equal(vs[0] as string);
    case 'orEqual':
      return vs.length === 1 ? equal(vs[0] as string) : { operator: 'Or', operands: vs.map(equal) };
    case 'containsAny':
      return { path, operator: 'ContainsAny', valueTextArray: vs };
  }
}
