import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { afterAll, beforeAll } from 'vitest';
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
