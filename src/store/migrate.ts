import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PGlite } from '@electric-sql/pglite';
import { runner } from 'node-pg-migrate';
import pg from 'pg';
import { LienthongError } from '../core/index.ts';
import type { Db } from './db.ts';
import { pgliteMigrationClient } from './pglite-adapter.ts';

/** The SQL migrations, applied in file-name order (node-pg-migrate's "-- Up Migration" format). */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

/** node-pg-migrate's bookkeeping table (its default name, so its own CLI can be pointed at the database too). */
export const MIGRATIONS_TABLE = 'pgmigrations';

/** Where to apply the migrations. */
export type MigrationTarget =
  | { readonly kind: 'server'; readonly connectionString: string; readonly schema: string }
  | { readonly kind: 'pglite'; readonly pglite: PGlite };

const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/**
 * Applies pending migrations in one transaction and returns the names applied. Concurrent starters
 * wait on an advisory lock (one per schema, so test schemas do not queue behind each other).
 */
export async function applyMigrations(target: MigrationTarget): Promise<string[]> {
  const common = {
    dir: MIGRATIONS_DIR,
    migrationsTable: MIGRATIONS_TABLE,
    direction: 'up' as const,
    checkOrder: true,
    singleTransaction: true,
    advisoryLockMode: 'wait' as const,
    logger: silent,
  };
  try {
    if (target.kind === 'pglite') {
      // PGlite is one session that only this process uses: no lock needed, and the ClientBase shape
      // node-pg-migrate asks for is only ever called as query(text, values).
      const dbClient = pgliteMigrationClient(target.pglite) as unknown as pg.ClientBase;
      const applied = await runner({ ...common, dbClient, noLock: true });
      return applied.map((m) => m.name);
    }
    const client = new pg.Client({ connectionString: target.connectionString });
    client.on('error', () => {});
    await client.connect();
    try {
      const applied = await runner({
        ...common,
        dbClient: client,
        schema: target.schema,
        createSchema: true,
        lockValue: lockValueFor(target.schema),
      });
      return applied.map((m) => m.name);
    } finally {
      await client.end();
    }
  } catch (error) {
    throw new LienthongError('STORE_MIGRATION_FAILED', 'Applying the database migrations failed.', {
      where: 'store/migrate',
      cause: error,
    });
  }
}

/** node-pg-migrate's well-known lock id for `public`, a stable per-schema id otherwise. */
function lockValueFor(schema: string): number {
  if (schema === 'public') return 7241865325823964;
  return createHash('sha256').update(`lienthong-migrate:${schema}`).digest().readUInt32BE(0);
}

/**
 * Migrations in `migrations/` that the database has not applied (readiness: a process started
 * against a database that an older version migrated, or one whose migration failed half-way).
 */
export async function pendingMigrations(db: Db): Promise<string[]> {
  const files = readdirSync(MIGRATIONS_DIR)
    .filter((f) => /\.(sql|js|ts)$/.test(f))
    .map((f) => f.replace(/\.(sql|js|ts)$/, ''))
    .sort();
  const { rows } = await db.query<{ name: string }>(`SELECT name FROM ${MIGRATIONS_TABLE}`);
  const applied = new Set(rows.map((r) => r.name));
  return files.filter((f) => !applied.has(f));
}
