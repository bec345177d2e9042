/**
 * The storage port. Repository functions take a `Db` (or the `tx` handed to a transaction) as their
 * first argument, so whoever calls them owns the transaction. No driver type crosses this line.
 */

import type { BlobStore } from './blob-store.ts';

/** Rows and the number of rows a statement touched. */
export interface QueryResult<R> {
  readonly rows: R[];
  /** Rows returned (SELECT) or affected (INSERT/UPDATE/DELETE). */
  readonly rowCount: number;
}

/** Per-statement hints; adapters that cannot honour one ignore it. */
export interface QueryOptions {
  /**
   * A hot statement with fixed text: on a Postgres server it becomes a named prepared statement per
   * connection, planned once instead of on every call. Ignored on embedded Postgres (pglite-socket
   * shares one session between connections, so names would collide).
   */
  readonly prepare?: boolean;
}

/** A database session: the pool outside a transaction, one connection inside one. */
export interface Db {
  /**
   * One statement; params are $1..$n. On every adapter int8 and numeric come back as string, bytea
   * as Buffer, date as 'YYYY-MM-DD', timestamptz as Date, json/jsonb parsed. Pass jsonb parameters
   * as JSON text (JSON.stringify), never as objects: the adapters serialise arrays differently.
   */
  query<R = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
    options?: QueryOptions,
  ): Promise<QueryResult<R>>;
  /**
   * Runs fn in one transaction: committed when fn resolves, rolled back when it throws. Inside, use
   * only the `tx` given: touching the outer db from inside throws STORE_TX_MISUSE (on embedded
   * Postgres it would wait forever). `tx.tx(...)` nests with a savepoint.
   */
  tx<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  /**
   * Where large message bodies live beside the database (embedded Postgres: files in the data
   * directory); absent: in the database (`message_bodies.raw`). See blob-store.ts.
   */
  readonly blobs?: BlobStore;
}

/** `server`: a Postgres server; `embedded`: this process owns a PGlite data directory; `embedded-client`: another process owns it and serves it over a local socket. */
export type DatabaseMode = 'server' | 'embedded' | 'embedded-client';

/** An open database and what is needed to close it. */
export interface Database {
  readonly db: Db;
  readonly mode: DatabaseMode;
  /**
   * A pg-compatible connection string for other clients (e.g. BullMQ's Postgres backend), or null
   * when the database is embedded without a socket. It carries no schema: a non-public schema
   * must be passed to such clients separately.
   */
  readonly connectionString: string | null;
  /** The schema the hub's tables live in. */
  readonly schema: string;
  /** Absolute embedded data directory, or null (server mode, in-memory). */
  readonly dataDir: string | null;
  /** Closes pools, the socket server and PGlite; removes the socket and lock files it wrote. */
  close(): Promise<void>;
}

/** Options of {@link openDatabase}. */
export interface OpenDatabaseOptions {
  /** A Postgres server; when absent the database is embedded (PGlite) under dataDir. */
  readonly databaseUrl?: string | undefined;
  /** Embedded data directory (default ./data); ':memory:' keeps everything in memory (tests). */
  readonly dataDir?: string | undefined;
  /** Server mode only: the schema for the hub's tables (created if missing; default public). */
  readonly schema?: string | undefined;
  /** Apply pending migrations on open (default true). */
  readonly migrate?: boolean | undefined;
  /**
   * Embedded mode only: serve the data directory to other processes over 127.0.0.1 (random port,
   * written to `<dataDir>/hub.socket.json`), so the CLI works while the hub runs.
   */
  readonly serveSocket?: boolean | undefined;
  /** Embedded mode: how long to wait for another process that holds the data directory to publish its socket (default 15000 ms). */
  readonly waitForOwnerMs?: number | undefined;
  /** Server mode: pool size (default 10). */
  readonly poolSize?: number | undefined;
  /**
   * Server mode: refuse the outer handle inside a transaction (see TxGuard; default true). Off in a
   * production hub (LIENTHONG_TX_GUARD): the check needs async context on every await. Embedded
   * Postgres always keeps it, since there the mistake hangs.
   */
  readonly txGuard?: boolean | undefined;
}
