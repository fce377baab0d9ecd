import { createRequire } from 'node:module';
import pg from 'pg';

/**
 * A search's rows through node-postgres without its Query and Result machinery.
 *
 * node-postgres's Query is an EventEmitter that builds a Result, reads the row description into
 * it and decodes each row field by field through a type-parser lookup into an object built key
 * by key. A search knows its columns, so this is a Submittable (node-postgres's own extension
 * point, the one pg-cursor uses) that decodes each row with the statement's own RowShape. It
 * sends the messages node-postgres's Query and libpq's PQexecPrepared send (Parse when the
 * statement is new to the connection, Bind, Describe portal, Execute, Sync, in one write), so the
 * server is asked exactly what it was asked before. What it saves is measured by
 * `scripts/pgvector-client-variants.ts` (README "Selftest").
 */

/** node-postgres's parameter encoding (Buffer → binary, array → array literal, …), as its Query uses. */
const { prepareValue } = createRequire(import.meta.url)('pg/lib/utils.js') as { prepareValue(value: unknown): unknown };

/** The part of node-postgres's Connection (absent from its typings) that an extended-protocol query drives. */
interface ProtocolConnection {
  readonly stream: { cork?: () => void; uncork?: () => void };
  readonly parsedStatements: Record<string, string | undefined>;
  readonly submittedNamedStatements: Record<string, string | undefined>;
  parse(query: { text: string; name: string }): void;
  bind(config: { statement: string; values: readonly unknown[] }): void;
  describe(message: { type: 'P'; name: string }): void;
  execute(config: Record<string, never>): void;
  sync(): void;
}

export interface RowsStatement {
  /** A prepared statement's name, parsed once per connection; absent: unnamed, parsed every time. */
  readonly name?: string;
  readonly text: string;
  readonly values: readonly unknown[];
}

/** A statement's columns, in order, and how one row of them (text format) becomes a value. */
export interface RowShape<R> {
  readonly columns: readonly string[];
  decode(fields: ReadonlyArray<string | null>): R;
}

class RowsQuery<R> implements pg.Submittable {
  /** Read by node-postgres when the server confirms a Parse: it then marks the statement parsed. */
  readonly name: string;
  readonly text: string;
  readonly rows: Promise<R[]>;
  private readonly values: readonly unknown[];
  private readonly collected: R[] = [];
  private decodeError: unknown;
  private settled = false;
  private resolve: (rows: R[]) => void = () => undefined;
  private reject: (error: unknown) => void = () => undefined;

  constructor(
    statement: RowsStatement,
    private readonly shape: RowShape<R>,
  ) {
    this.name = statement.name ?? '';
    this.text = statement.text;
    // Encoded before anything is sent, so a value that cannot be encoded throws here, not mid-protocol.
    this.values = statement.values.map((value) => prepareValue(value));
    this.rows = new Promise<R[]>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  submit(connection: pg.Connection): void {
    const c = connection as unknown as ProtocolConnection;
    const parsed = this.name !== '' && (c.parsedStatements[this.name] !== undefined || c.submittedNamedStatements[this.name] !== undefined);
    // One write for the whole exchange, as node-postgres's Query corks it.
    c.stream.cork?.();
    try {
      if (!parsed) {
        c.parse({ text: this.text, name: this.name });
        if (this.name !== '') c.submittedNamedStatements[this.name] = this.text;
      }
      c.bind({ statement: this.name, values: this.values });
      c.describe({ type: 'P', name: '' });
      c.execute({});
      c.sync();
    } finally {
      c.stream.uncork?.();
    }
  }

  handleRowDescription(message: { fields: ReadonlyArray<{ name: string }> }): void {
    const got = message.fields.map((f) => f.name);
    const want = this.shape.columns;
    if (got.length !== want.length || got.some((name, i) => name !== want[i])) {
      this.decodeError = new Error(`pgvector: expected the columns ${want.join(', ')}, the server answered with ${got.join(', ')}`);
    }
  }

  handleDataRow(message: { fields: ReadonlyArray<string | null> }): void {
    if (this.decodeError !== undefined) return;
    try {
      this.collected.push(this.shape.decode(message.fields));
    } catch (error) {
      // As node-postgres: the rest of the answer is read (the protocol must reach ReadyForQuery), then the query fails.
      this.decodeError = error;
    }
  }

  handleCommandComplete(): void {}

  handleEmptyQuery(): void {}

  /** A server error (the client then never passes this query ReadyForQuery) or a dead connection. */
  handleError(error: unknown): void {
    this.settle(error);
  }

  handleReadyForQuery(): void {
    this.settle(this.decodeError);
  }

  private settle(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    if (error !== undefined) this.reject(error);
    else this.resolve(this.collected);
  }
}

/**
 * Runs `statement` on `db` and returns its rows, each decoded by `shape`. A pool lends a
 * connection for the query and, as pg-pool's own query does, drops it after any error.
 */
export async function queryRows<R>(db: pg.Pool | pg.Client, statement: RowsStatement, shape: RowShape<R>): Promise<R[]> {
  const query = new RowsQuery<R>(statement, shape);
  if (!(db instanceof pg.Pool)) {
    db.query(query);
    return query.rows;
  }
  const client = await db.connect();
  // A connection that dies mid-query fails the query (handleError) and is also emitted on the
  // client; without a listener that emit would end the process.
  const ignore = (): undefined => undefined;
  client.on('error', ignore);
  let failure: Error | undefined;
  try {
    client.query(query);
    return await query.rows;
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    client.off('error', ignore);
    client.release(failure);
  }
}
