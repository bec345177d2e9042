import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Db, QueryOptions, QueryResult } from './db.ts';
import { TxGuard, transactionDb, UNGUARDED } from './session.ts';

const OID_INT8 = 20;
const OID_NUMERIC = 1700;
const OID_DATE = 1082;

/**
 * Parsers fixed per pool rather than taken from pg's process-wide registry, so that another library
 * changing a global parser (BullMQ's backend shares the process) cannot change what the store reads.
 * A date stays 'YYYY-MM-DD': pg would otherwise build a Date at local midnight.
 */
const poolTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === OID_INT8 || oid === OID_NUMERIC || oid === OID_DATE) return (value: string) => value;
    return format === 'binary' ? pg.types.getTypeParser(oid, 'binary') : pg.types.getTypeParser(oid, 'text');
  }) as typeof pg.types.getTypeParser,
};

/** What {@link createPool} needs. */
export interface PoolOptions {
  readonly connectionString: string;
  /** Sets search_path on every connection (server mode; ignored by pglite-socket). */
  readonly schema?: string | undefined;
  readonly max?: number | undefined;
}

/** A pg.Pool with the store's type parsers and, when given, a search_path per connection. */
export function createPool(options: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    types: poolTypes,
    ...(options.schema ? { options: `-c search_path=${quoteIdent(options.schema)}` } : {}),
  });
  // An idle client that loses its server emits 'error' on the pool; without a listener that would
  // crash the process. The next checkout simply opens a new connection.
  pool.on('error', () => {});
  return pool;
}

/** Double-quotes an identifier for SQL (schemas come from configuration, not from requests). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function normalise(result: pg.QueryResult): QueryResult<Record<string, unknown>> {
  return { rows: result.rows, rowCount: result.rowCount ?? result.rows.length };
}

/** A statement for pg: named (prepared once per connection) when asked and allowed. */
function statement(sql: string, params: readonly unknown[] | undefined, named: boolean): pg.QueryConfig {
  const values = params ? [...params] : undefined;
  if (!named) return { text: sql, ...(values ? { values } : {}) };
  // The name is a digest of the text: the same text is the same statement on every connection.
  const name = `lt_${createHash('sha1').update(sql).digest('hex').slice(0, 24)}`;
  return { name, text: sql, ...(values ? { values } : {}) };
}

/** How {@link poolDb} talks to its pool. */
export interface PoolDbOptions {
  /** Honour `{ prepare: true }` (a server; never over pglite-socket, whose connections share one session). */
  readonly namedStatements?: boolean;
  /**
   * Refuse the outer handle inside a transaction (default true). Over pglite-socket the mistake
   * hangs, so it stays on there; on a server it is a development check (see TxGuard for the cost).
   */
  readonly txGuard?: boolean;
}

/** The `Db` port over a pg.Pool (a Postgres server, or PGlite served over its socket). */
export function poolDb(pool: pg.Pool, options: PoolDbOptions = {}): Db {
  const guard = options.txGuard === false ? UNGUARDED : new TxGuard();
  const named = options.namedStatements === true;
  return {
    query: async <R>(sql: string, params?: readonly unknown[], queryOptions?: QueryOptions) => {
      guard.assertOutside();
      const config = statement(sql, params, named && queryOptions?.prepare === true);
      return normalise(await pool.query(config)) as QueryResult<R>;
    },
    tx: async <T>(fn: (tx: Db) => Promise<T>) => {
      guard.assertOutside();
      const client = await pool.connect();
      let broken: unknown;
      // While a transaction holds the client the pool does not listen to it: a server that ends the
      // connection between two statements (restart, failover, pg_terminate_backend) would emit an
      // 'error' nobody handles and take the process down. The next statement fails instead, the
      // transaction with it, and the client is destroyed rather than reused.
      const onError = (error: Error) => {
        broken = error;
      };
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        return await guard.run(async (scope) => {
          const execute = async (sql: string, params?: readonly unknown[], queryOptions?: QueryOptions) =>
            normalise(await client.query(statement(sql, params, named && queryOptions?.prepare === true)));
          try {
            const result = await fn(transactionDb(execute, scope));
            await client.query('COMMIT');
            return result;
          } catch (error) {
            await client.query('ROLLBACK').catch((rollbackError: unknown) => {
              broken = rollbackError;
            });
            throw error;
          }
        });
      } finally {
        client.off('error', onError);
        // A connection whose ROLLBACK failed (or that the server ended) is in an unknown state:
        // destroy it rather than reuse it.
        client.release(broken instanceof Error ? broken : undefined);
      }
    },
  };
}
