import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createBullmqScheduler } from '../../src/queue/bullmq-scheduler.ts';
import { runSchedulerContract } from './scheduler.contract.ts';

const connectionString = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
// BullMQ's tables go into a schema of their own per test file, dropped afterwards.
const schema = `lt_sched_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
let queues = 0;

runSchedulerContract({
  name: 'BullMQ on Postgres',
  create: ({ errorDelayMs, onError }) =>
    createBullmqScheduler({
      connection: { backend: 'postgres', connectionString, schema },
      queueName: `q${++queues}`,
      errorDelayMs,
      onError,
    }),
  cleanup: async () => {
    const client = new pg.Client({ connectionString });
    await client.connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } finally {
      await client.end();
    }
  },
});
