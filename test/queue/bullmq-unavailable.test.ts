import { randomUUID } from 'node:crypto';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { Redis } from 'ioredis';
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

describe('createBullmqScheduler when Redis goes away after start', () => {
  it('schedule() fails fast with QUEUE_BACKEND_UNAVAILABLE instead of queueing commands offline', async () => {
    // A loopback TCP proxy to the real Redis that the test can cut.
    const sockets = new Set<Socket>();
    const proxy = createServer((client) => {
      const upstream = connect(6379, '127.0.0.1');
      sockets.add(client).add(upstream);
      client.pipe(upstream).pipe(client);
      const drop = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const { port } = proxy.address() as AddressInfo;
    const prefix = `lt-test-${randomUUID()}`;
    const scheduler = await createBullmqScheduler({
      connection: { backend: 'redis', url: `redis://127.0.0.1:${port}`, prefix },
      onError: () => {},
    });
    const item = { deliveryId: 'd1', nodeId: 'n', priority: 0, kind: 'package' } as const;
    await scheduler.schedule([item]);
    expect(await scheduler.heldIds()).toEqual(new Set(['d1']));

    await new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      proxy.close(() => resolve());
    });
    const started = Date.now();
    await expect(scheduler.schedule([{ ...item, deliveryId: 'd2' }])).rejects.toSatisfy((e) =>
      isLienthongError(e, 'QUEUE_BACKEND_UNAVAILABLE'),
    );
    expect(Date.now() - started).toBeLessThan(2_000);
    await Promise.race([scheduler.close(), new Promise((resolve) => setTimeout(resolve, 2_000))]);

    const redis = new Redis('redis://127.0.0.1:6379');
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });
});
