import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Database } from '../../src/store/index.ts';
import { openDatabase } from '../../src/store/index.ts';

/** The real Postgres of this machine (override with TEST_DATABASE_URL). */
export const TEST_DATABASE_URL =
  process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** An open test database; `close` also removes what it created (schema, temp folder). */
export interface TestDatabase extends Database {
  /** Server: the unique schema; embedded: 'public'. */
  readonly schema: string;
}

/** A schema name no other test file uses. */
export function uniqueSchemaName(prefix = 'lt_test'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

/** Fresh, migrated schema on the real Postgres; dropped on close. */
export async function openServerTestDatabase(options: { poolSize?: number } = {}): Promise<TestDatabase> {
  const schema = uniqueSchemaName();
  const database = await openDatabase({ databaseUrl: TEST_DATABASE_URL, schema, poolSize: options.poolSize });
  return {
    ...database,
    schema,
    close: async () => {
      await database.close();
      await dropSchema(schema);
    },
  };
}

/** Drops a test schema (and everything in it), and the `<schema>_bullmq` a hub's queue made beside it. */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.query(`DROP SCHEMA IF EXISTS "${`${schema}_bullmq`.slice(0, 63)}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** Fresh in-memory PGlite with the migrations applied; `serveSocket` puts pg.Pool over pglite-socket in front. */
export async function openEmbeddedTestDatabase(
  options: { serveSocket?: boolean } = {},
): Promise<TestDatabase> {
  const database = await openDatabase({ dataDir: ':memory:', serveSocket: options.serveSocket ?? false });
  return { ...database, schema: 'public' };
}

/** A temporary folder for an embedded data directory; removed by the returned cleanup. */
export async function makeTempDataDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lienthong-data-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** The backends every store test runs on. */
export const testBackends: ReadonlyArray<{
  readonly name: string;
  readonly open: () => Promise<TestDatabase>;
}> = [
  { name: 'postgres', open: () => openServerTestDatabase() },
  { name: 'pglite', open: () => openEmbeddedTestDatabase() },
];
