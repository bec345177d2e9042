import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBullmqScheduler } from '../../src/queue/bullmq-scheduler.ts';
import { runSchedulerContract } from './scheduler.contract.ts';

// The embedded database exactly as the hub runs it without DATABASE_URL: PGlite served over
// pglite-socket on loopback, with BullMQ's Postgres backend on top (`embedded: true`).
let db: PGlite | undefined;
let server: PGLiteSocketServer | undefined;
let connectionString = '';
let queues = 0;

beforeAll(async () => {
  db = await PGlite.create('memory://');
  server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 32 });
  await server.start();
  connectionString = `postgres://postgres@${server.getServerConn()}/postgres`;
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await db?.close();
});

runSchedulerContract({
  name: 'BullMQ on embedded PGlite (pglite-socket)',
  create: ({ errorDelayMs, onError }) =>
    createBullmqScheduler({
      connection: { backend: 'postgres', connectionString, schema: 'bullmq', embedded: true },
      queueName: `q${++queues}`,
      errorDelayMs,
      onError,
    }),
  // Idle workers poll every 200 ms there (NOTIFY does not cross pglite-socket connections).
  pickupSlackMs: 400,
});

describe('BullMQ on the shared PGlite session', () => {
  it("keeps the hub's schema first on the session's search_path, BullMQ's after it", async () => {
    const scheduler = await createBullmqScheduler({
      connection: { backend: 'postgres', connectionString, schema: 'bullmq', embedded: true },
      queueName: 'search-path-probe',
    });
    const client = new pg.Client({ connectionString });
    await client.connect();
    try {
      const { rows } = await client.query<{ schemas: string }>(
        "SELECT array_to_string(current_schemas(false), ',') AS schemas",
      );
      expect(rows[0]?.schemas).toBe('public,bullmq');
      // The store's unqualified DDL and queries still land in public, not in BullMQ's schema.
      await client.query('CREATE TABLE lt_probe (id int)');
      const where = await client.query<{ schema: string }>(
        "SELECT table_schema AS schema FROM information_schema.tables WHERE table_name = 'lt_probe'",
      );
      expect(where.rows.map((r) => r.schema)).toEqual(['public']);
      await client.query('DROP TABLE lt_probe');
    } finally {
      await client.end();
      await scheduler.close();
    }
  });
});
