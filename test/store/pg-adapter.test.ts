// The pg adapter under a server that ends a connection (a restart, a failover,
// pg_terminate_backend): found by bench/soak, where a Postgres restart made API and worker
// processes exit. A transaction on the ended connection must fail as a value the caller sees,
// never as an 'error' event nobody listens to; and the pool must go on with a new connection.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, poolDb } from '../../src/store/pg-adapter.ts';
import { TEST_DATABASE_URL } from '../support/db.ts';

describe('poolDb when the server ends a connection', () => {
  const pool = createPool({ connectionString: TEST_DATABASE_URL, max: 2 });
  const db = poolDb(pool, { txGuard: false });
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  beforeAll(async () => {
    await admin.connect();
  });
  afterAll(async () => {
    await admin.end();
    await pool.end();
  });

  it('fails the transaction whose connection was ended between two statements, and the process lives', async () => {
    const unhandled: unknown[] = [];
    const onUncaught = (error: unknown) => unhandled.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      const outcome = await db
        .tx(async (tx) => {
          const { rows } = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
          await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
          // Let the termination arrive while the transaction holds the client, between statements.
          await new Promise((resolve) => setTimeout(resolve, 300));
          await tx.query('SELECT 1');
          return 'committed';
        })
        .catch((error: unknown) => error);
      expect(outcome).toBeInstanceOf(Error);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
    // The ended connection was dropped, not reused: the next transaction works.
    expect(await db.tx(async (tx) => (await tx.query<{ one: number }>('SELECT 1 AS one')).rows[0])).toEqual({
      one: 1,
    });
  });
});
