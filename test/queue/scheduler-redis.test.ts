import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createBullmqScheduler } from '../../src/queue/bullmq-scheduler.ts';
import { runSchedulerContract } from './scheduler.contract.ts';

const url = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
// One prefix for the file, so cleanup removes exactly what these tests wrote.
const prefix = `lt-test-${randomUUID()}`;
let queues = 0;

runSchedulerContract({
  name: 'BullMQ on Redis',
  create: ({ errorDelayMs, onError }) =>
    createBullmqScheduler({
      connection: { backend: 'redis', url, prefix },
      queueName: `q${++queues}`,
      errorDelayMs,
      onError,
    }),
  cleanup: async () => {
    const redis = new Redis(url);
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
  },
});
