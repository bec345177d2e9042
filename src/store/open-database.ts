import type { Database, OpenDatabaseOptions } from './db.ts';
import { openEmbedded } from './embedded.ts';
import { applyMigrations } from './migrate.ts';
import { createPool, poolDb } from './pg-adapter.ts';

/**
 * Opens the hub's database: a Postgres server when `databaseUrl` is set, embedded Postgres (PGlite)
 * under `dataDir` otherwise. Migrations are applied first unless `migrate: false` (an
 * `embedded-client` never migrates: the owning process did when it opened the directory).
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const migrate = options.migrate ?? true;
  if (options.databaseUrl) {
    const schema = options.schema ?? 'public';
    if (migrate) await applyMigrations({ kind: 'server', connectionString: options.databaseUrl, schema });
    const pool = createPool({
      connectionString: options.databaseUrl,
      schema: schema === 'public' ? undefined : schema,
      max: options.poolSize,
    });
    return {
      db: poolDb(pool, { namedStatements: true, txGuard: options.txGuard ?? true }),
      mode: 'server',
      connectionString: options.databaseUrl,
      schema,
      dataDir: null,
      close: () => pool.end(),
    };
  }
  return openEmbedded({
    dataDir: options.dataDir ?? './data',
    migrate,
    serveSocket: options.serveSocket ?? false,
    waitForOwnerMs: options.waitForOwnerMs ?? 15_000,
  });
}

/**
 * The database options the environment selects: DATABASE_URL (a server), otherwise
 * LIENTHONG_DATA_DIR (embedded, default ./data); LIENTHONG_DB_SCHEMA picks a non-public schema on
 * a server (tests, several hubs in one database).
 */
export function databaseOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): OpenDatabaseOptions {
  const databaseUrl = env['DATABASE_URL'] || undefined;
  return {
    databaseUrl,
    dataDir: env['LIENTHONG_DATA_DIR'] || './data',
    schema: env['LIENTHONG_DB_SCHEMA'] || undefined,
  };
}

/** Opens the database, runs `fn`, and closes it whatever happens (one-shot commands). */
export async function withDatabase<T>(
  options: OpenDatabaseOptions,
  fn: (database: Database) => Promise<T>,
): Promise<T> {
  const database = await openDatabase(options);
  try {
    return await fn(database);
  } finally {
    await database.close();
  }
}
