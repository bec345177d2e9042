import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
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

describe('BullMQ on Postgres: workers of other schemas', () => {
  // BullMQ lists Postgres workers by application_name over the whole database; a second hub on the
  // same server (another schema, same queue name) must not show up in this hub's worker count.
  const schemas = [1, 2].map((i) => `${schema}_w${i}`);
  afterAll(async () => {
    const client = new pg.Client({ connectionString });
    await client.connect();
    try {
      for (const s of schemas) await client.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    } finally {
      await client.end();
    }
  });

  it('counts only the workers of its own queue schema', async () => {
    const [mine, other] = await Promise.all(
      schemas.map((s) =>
        createBullmqScheduler({
          connection: { backend: 'postgres', connectionString, schema: s },
          queueName: 'lienthong-deliveries',
        }),
      ),
    );
    try {
      const idle = async () => ({ kind: 'done' }) as const;
      await mine!.start(idle, { concurrency: 1, perNodeConcurrency: 1 });
      await other!.start(idle, { concurrency: 1, perNodeConcurrency: 1 });
      expect((await mine!.stats()).workers).toBe(1);
      expect((await other!.stats()).workers).toBe(1);
    } finally {
      await Promise.all([mine!.close(), other!.close()]);
    }
  });
});
