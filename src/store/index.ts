export { type StoreCode, storeCodes } from './codes.ts';
export type { Database, DatabaseMode, Db, OpenDatabaseOptions, QueryResult } from './db.ts';
export { applyMigrations, MIGRATIONS_DIR, MIGRATIONS_TABLE, type MigrationTarget } from './migrate.ts';
export { databaseOptionsFromEnv, openDatabase } from './open-database.ts';
export { SQLSTATE, sqlConstraint, sqlState } from './sql-error.ts';
