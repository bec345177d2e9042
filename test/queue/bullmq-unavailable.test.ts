import { describe, expect, it } from 'vitest';
import { isLienthongError } from '../../src/core/index.ts';
import { createBullmqScheduler } from '../../src/queue/bullmq-scheduler.ts';

// Port 1 on loopback: nothing listens there, so connections are refused at once.
describe('createBullmqScheduler with its backend down', () => {
  it('gives up on Redis after readyTimeoutMs with QUEUE_BACKEND_UNAVAILABLE (ioredis would retry forever)', async () => {
    const started = Date.now();
    const attempt = createBullmqScheduler({
      connection: { backend: 'redis', url: 'redis://127.0.0.1:1' },
      readyTimeoutMs: 500,
    });
    await expect(attempt).rejects.toSatisfy((e) => isLienthongError(e, 'QUEUE_BACKEND_UNAVAILABLE'));
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('fails on Postgres with QUEUE_BACKEND_UNAVAILABLE when migrations cannot connect', async () => {
    const attempt = createBullmqScheduler({
      connection: { backend: 'postgres', connectionString: 'postgres://postgres@127.0.0.1:1/none' },
      readyTimeoutMs: 500,
    });
    await expect(attempt).rejects.toSatisfy((e) => isLienthongError(e, 'QUEUE_BACKEND_UNAVAILABLE'));
  });

  it('refuses an unsafe schema name with QUEUE_INVALID_OPTIONS before touching the database', async () => {
    const attempt = createBullmqScheduler({
      connection: {
        backend: 'postgres',
        connectionString: 'postgres://postgres@127.0.0.1:5432/test',
        schema: 'x"; DROP TABLE y; --',
        embedded: true,
      },
    });
    await expect(attempt).rejects.toSatisfy((e) => isLienthongError(e, 'QUEUE_INVALID_OPTIONS'));
  });
});
