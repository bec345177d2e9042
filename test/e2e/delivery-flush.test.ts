// Fault: the queue loses everything in the middle of 1 000 deliveries (and their 1 000 receipts).
//   redis       FLUSHALL on a Redis server of this test's own
//   postgres    every row of BullMQ's tables deleted (its FLUSHALL)
//   in-process  the process's scheduler thrown away and a new one started (its restart)
// Postgres is the truth: the reconciler schedules again whatever is unfinished, and the send lease
// keeps a push that was in flight during the flush from being made twice. Receivers count message
// ids: every id arrives, and is answered 2xx, exactly once (strict: no worker died here).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWebhookSecret, listDeliveries } from '../../src/store/index.ts';
import { waitFor } from '../queue/wait-for.ts';
import {
  acceptPackages,
  addEngineNode,
  ENGINE_BACKENDS,
  type EngineEnv,
  openEngineEnv,
} from '../support/engine-harness.ts';
import { type PrivateRedis, startPrivateRedis } from '../support/private-redis.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';

const MESSAGES = 250;
const RECIPIENTS = 4; // 250 × 4 = 1 000 deliveries

for (const backend of ENGINE_BACKENDS) {
  describe(`queue lost during 1 000 deliveries (${backend})`, () => {
    let env: EngineEnv;
    let redis: PrivateRedis | null = null;
    const receivers: WebhookReceiver[] = [];
    beforeAll(async () => {
      redis = backend === 'redis' ? await startPrivateRedis() : null;
      env = await openEngineEnv(backend, redis ? { redisUrl: redis.url } : {});
    }, 90_000);
    afterAll(async () => {
      await env?.close();
      for (const r of receivers) await r.close();
      await redis?.close();
    });

    it('delivers every one exactly once after the flush, receipts included', async () => {
      const webhookNode = async (role: string) => {
        const secret = generateWebhookSecret();
        // 20 ms per push: the backlog is still long when the queue is lost.
        const rx = await startWebhookReceiver({ secret, mode: { kind: 'ok', delayMs: 20 } });
        receivers.push(rx);
        return { ...(await addEngineNode(env.db, { role, webhookUrl: rx.url, secret })), rx };
      };
      const sender = await webhookNode('sender');
      const recipients: Array<Awaited<ReturnType<typeof webhookNode>>> = [];
      for (let i = 0; i < RECIPIENTS; i += 1) recipients.push(await webhookNode(`r${i}`));
      const ids = await acceptPackages(env.db, sender, recipients, MESSAGES);

      let rescheduled = 0;
      const engine = await env.engine({ onReconciled: (r) => (rescheduled += r.scheduled) });
      const accepted = () => recipients.reduce((n, r) => n + r.rx.accepted.size, 0);
      await waitFor(() => accepted() >= 300, 60_000, '300 deliveries before the flush');
      const beforeFlush = accepted();
      const rescheduledBefore = rescheduled;
      // More is held than the workers can have in hand: some of it only the queue knew about.
      const heldBefore = (await engine.scheduler.heldIds()).size;
      expect(heldBefore).toBeGreaterThan(16);

      if (backend === 'in-process') {
        // The in-process queue lives in the process: losing it is a restart of the engine.
        await env.stopEngines();
        await env.engine({ onReconciled: (r) => (rescheduled += r.scheduled) });
      } else {
        await (redis ? redis.flushAll() : env.flushQueue());
        expect((await engine.scheduler.heldIds()).size).toBeLessThan(heldBefore);
      }

      await waitFor(() => accepted() === MESSAGES * RECIPIENTS, 120_000, 'all 1 000 deliveries');
      await waitFor(() => sender.rx.accepted.size === MESSAGES * RECIPIENTS, 60_000, 'all 1 000 receipts');
      await waitFor(
        async () => (await listDeliveries(env.db, { state: 'delivered', limit: 10_000 })).length === 1000,
        30_000,
        'every delivery recorded as delivered',
      );

      // The flush happened mid-run and the reconciler had to put work back.
      expect(beforeFlush).toBeLessThan(MESSAGES * RECIPIENTS);
      expect(rescheduled - rescheduledBefore).toBeGreaterThan(0);
      for (const r of recipients) {
        expect([...r.rx.accepted.keys()].sort()).toEqual([...ids].sort());
        expect(r.rx.duplicates()).toEqual([]);
        // Stricter: no id even arrived twice (nothing in flight was sent again).
        expect([...r.rx.arrivals.values()].every((n) => n === 1)).toBe(true);
      }
      expect(sender.rx.duplicates()).toEqual([]);
      expect([...sender.rx.arrivals.values()].every((n) => n === 1)).toBe(true);
      const all = await listDeliveries(env.db, { limit: 10_000 });
      expect(all.every((d) => d.delivery.state === 'delivered' && d.delivery.deliveredBy === 'webhook')).toBe(
        true,
      );
    }, 300_000);
  });
}
