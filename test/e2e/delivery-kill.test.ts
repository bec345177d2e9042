// Fault: the process pushing deliveries is killed with SIGKILL in the middle of its pushes and
// started again. Real processes: `lienthong serve --role worker` on Postgres with the queue on
// Redis or in BullMQ's Postgres tables; on embedded Postgres the one `lienthong serve` (it runs the
// in-process queue). Receivers are slow (800 ms per push), so pushes are in flight at the kill.
//
// What "zero lost, zero duplicated" means here. A push cut off by the kill may already have reached
// the receiver (it stores the message before answering, as docs/webhooks.md asks), and the hub can
// not know: delivery is at least once, and such a message is pushed again, with the same
// Lienthong-Message-Id and a higher Lienthong-Delivery-Attempt, once its send lease has run out.
// The receiver deduplicates on the id. So the test asserts:
//   - nothing lost: every message id reached every receiver, and every delivery ends `delivered`;
//   - the only ids that arrived twice are pushes that were in flight at the kill (the deliveries
//     Postgres shows `sending` right after it), their second copy has a higher attempt number, and
//     Postgres records their cut-off attempt as QUEUE_SEND_INTERRUPTED (and no other's);
//   - every other id arrived exactly once; after deduplication each receiver stored each id once.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type Database,
  generateWebhookSecret,
  listDeliveries,
  listDeliveryAttempts,
  openDatabase,
} from '../../src/store/index.ts';
import { waitFor } from '../queue/wait-for.ts';
import { dropSchema, TEST_DATABASE_URL, uniqueSchemaName } from '../support/db.ts';
import { acceptPackages, addEngineNode, REDIS_URL } from '../support/engine-harness.ts';
import { type ServeProcess, spawnServe } from '../support/serve-process.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';

const MESSAGES = 50;

for (const backend of ['redis', 'postgres', 'embedded'] as const) {
  describe(`worker killed mid-push and restarted (${backend})`, () => {
    const cleanups: Array<() => Promise<void>> = [];
    afterAll(async () => {
      for (const c of cleanups.reverse()) await c().catch(() => {});
    });

    it('loses nothing; the only second copies are the pushes cut off by the kill', async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'lienthong-kill-'));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      const schema = uniqueSchemaName('lt_kill');
      if (backend !== 'embedded') cleanups.push(() => dropSchema(schema));
      const open = (): Promise<Database> =>
        backend === 'embedded'
          ? openDatabase({ dataDir: path.join(dir, 'data') })
          : openDatabase({ databaseUrl: TEST_DATABASE_URL, schema });

      // Nodes and 50 messages × 2 recipients, written before the worker starts.
      const receivers: WebhookReceiver[] = [];
      const recipients: Array<{ nodeId: string; organId: string; rx: WebhookReceiver }> = [];
      let ids: string[] = [];
      {
        const database = await open();
        try {
          const sender = await addEngineNode(database.db, { role: 'sender' });
          for (let i = 0; i < 2; i += 1) {
            const secret = generateWebhookSecret();
            const rx = await startWebhookReceiver({ secret, mode: { kind: 'ok', delayMs: 800 } });
            receivers.push(rx);
            recipients.push({
              ...(await addEngineNode(database.db, { role: `r${i}`, webhookUrl: rx.url, secret })),
              rx,
            });
          }
          ids = await acceptPackages(database.db, sender, recipients, MESSAGES);
        } finally {
          await database.close();
        }
      }
      cleanups.push(async () => {
        for (const r of receivers) await r.close();
      });

      const env: NodeJS.ProcessEnv = {
        ...(backend === 'embedded'
          ? { LIENTHONG_DATA_DIR: path.join(dir, 'data') }
          : { DATABASE_URL: TEST_DATABASE_URL, LIENTHONG_DB_SCHEMA: schema }),
        ...(backend === 'redis'
          ? { REDIS_URL, LIENTHONG_QUEUE_PREFIX: `lt-kill-${randomBytes(4).toString('hex')}` }
          : {}),
        LIENTHONG_TRUST_DIR: path.join(dir, 'trust'),
        LIENTHONG_VERIFY_THREADS: '1',
        LIENTHONG_WORKER_CONCURRENCY: '16',
        LIENTHONG_PER_NODE_CONCURRENCY: '4',
        // A push may take 3 s; a killed worker's claim is taken over 6 s after it was made.
        LIENTHONG_WEBHOOK_TIMEOUT_MS: '3000',
        LIENTHONG_WEBHOOK_REQUEST_TIMEOUT_MS: '3000',
        LIENTHONG_QUEUE_LOCK_MS: '2000',
        LIENTHONG_RELAY_INTERVAL_MS: '100',
        LIENTHONG_RECONCILE_INTERVAL_MS: '1000',
        PORT: '0',
      };
      const args = backend === 'embedded' ? [] : ['--role', 'worker'];
      let worker: ServeProcess = await spawnServe(env, args);
      cleanups.push(() => worker.kill());

      const accepted = () => recipients.reduce((n, r) => n + r.rx.accepted.size, 0);
      const inFlight = () => recipients.reduce((n, r) => n + r.rx.inFlight, 0);
      await waitFor(() => accepted() >= 16 && inFlight() >= 4, 60_000, 'pushes done and in flight');
      await worker.kill('SIGKILL');

      // What the dead worker left mid-push: Postgres says `sending`.
      let cutOff: Set<string>;
      {
        const database = await open();
        try {
          const sending = await listDeliveries(database.db, { state: 'sending', limit: 1000 });
          cutOff = new Set(sending.map((d) => `${d.delivery.nodeId}:${d.delivery.messageId}`));
        } finally {
          await database.close();
        }
      }
      expect(cutOff.size).toBeGreaterThan(0);
      expect(cutOff.size).toBeLessThanOrEqual(8); // 4 per node
      expect(accepted()).toBeLessThan(MESSAGES * 2);

      worker = await spawnServe(env, args);
      await waitFor(() => accepted() === MESSAGES * 2, 120_000, 'every delivery after the restart');

      const database = await open();
      try {
        await waitFor(
          async () =>
            (await listDeliveries(database.db, { state: 'delivered', limit: 1000 })).length === MESSAGES * 2,
          30_000,
          'all recorded as delivered',
        );
        for (const r of recipients) {
          // Nothing lost.
          expect([...r.rx.accepted.keys()].sort()).toEqual([...ids].sort());
          // Deduplicated on the message id, the receiver stored each message once.
          expect(new Set(r.rx.receptions.filter((x) => x.signatureOk).map((x) => x.messageId)).size).toBe(
            MESSAGES,
          );
          for (const [messageId, n] of r.rx.arrivals) {
            if (n === 1) continue;
            // A second copy only for a push that was in flight at the kill, sent as a later attempt.
            expect(cutOff.has(`${r.nodeId}:${messageId}`), `${messageId} arrived ${n} times`).toBe(true);
            const attempts = r.rx.arrivalAttempts.get(messageId) ?? [];
            expect(attempts).toHaveLength(n);
            expect(attempts[1]).toBeGreaterThan(attempts[0]!);
          }
        }
        // Postgres names exactly the cut-off pushes as interrupted.
        const all = await listDeliveries(database.db, { limit: 1000 });
        const interrupted = new Set<string>();
        for (const entry of all) {
          const attempts = await listDeliveryAttempts(database.db, entry.delivery.id);
          if (attempts.some((a) => a.error === 'QUEUE_SEND_INTERRUPTED')) {
            interrupted.add(`${entry.delivery.nodeId}:${entry.delivery.messageId}`);
          }
        }
        expect([...interrupted].sort()).toEqual([...cutOff].sort());
      } finally {
        await database.close();
      }
      await worker.kill('SIGTERM');
    }, 300_000);
  });
}
