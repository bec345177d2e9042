// Urgent first, on every backend: 2 000 ordinary packages queued for one node, then one hỏa tốc
// package (Priority 3) and one status package. Both overtake the backlog: each is delivered while
// most of the 2 000 are still waiting. Every one of the 2 002 arrives exactly once.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWebhookSecret, insertAcceptedMessage } from '../../src/store/index.ts';
import { waitFor } from '../queue/wait-for.ts';
import {
  acceptPackages,
  addEngineNode,
  ENGINE_BACKENDS,
  type EngineEnv,
  openEngineEnv,
} from '../support/engine-harness.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';

const BACKLOG = 2_000;

for (const backend of ENGINE_BACKENDS) {
  describe(`urgent first (${backend})`, () => {
    let env: EngineEnv;
    let rx: WebhookReceiver;
    beforeAll(async () => {
      env = await openEngineEnv(backend);
    }, 90_000);
    afterAll(async () => {
      await env?.close();
      await rx?.close();
    });

    it('delivers a hỏa tốc package and a status before a backlog of 2 000 ordinary ones drains', async () => {
      const secret = generateWebhookSecret();
      // 2 ms per push, 4 at a time: the backlog takes seconds to drain, long enough to overtake.
      rx = await startWebhookReceiver({ secret, mode: { kind: 'ok', delayMs: 2 } });
      const sender = await addEngineNode(env.db, { role: 'sender' });
      const node = await addEngineNode(env.db, { role: 'busy', webhookUrl: rx.url, secret });
      const backlog = new Set<string>();
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          for (const id of await acceptPackages(env.db, sender, [node], BACKLOG / 8)) backlog.add(id);
        }),
      );
      await env.engine({ concurrency: 16, perNodeConcurrency: 4 });
      await waitFor(() => rx.accepted.size >= 50, 60_000, 'the backlog under way');

      const [urgent] = await acceptPackages(env.db, sender, [node], 1, { priority: 3 });
      const documentId = `${sender.organId},2026/11/25,${randomBytes(3).toString('hex')}/URGENT`;
      const status = await insertAcceptedMessage(env.db, {
        kind: 'status',
        senderNodeId: sender.nodeId,
        senderOrganId: sender.organId,
        documentId,
        businessDocType: null,
        statusCode: '03',
        priority: 0,
        raw: Buffer.from(`<edXMLEnvelope>status ${documentId}</edXMLEnvelope>`),
        summary: { documentId },
        verdict: { policy: 'test' },
        receivedAt: new Date(),
        actor: `node:${sender.nodeId}`,
        deliveries: [
          {
            recipientOrganId: node.organId,
            addressedOrganId: node.organId,
            nodeId: node.nodeId,
            route: 'local',
          },
        ],
      });
      if (status.kind !== 'accepted') throw new Error('status not accepted');
      const statusId = status.message.id;

      await waitFor(() => rx.accepted.has(urgent!) && rx.accepted.has(statusId), 30_000, 'urgent and status');
      const order = rx.receptions.filter((r) => r.status === 200).map((r) => r.messageId);
      const backlogBefore = (id: string) =>
        order.slice(0, order.indexOf(id)).filter((x) => backlog.has(x)).length;
      if (process.env['LT_TEST_DEBUG']) {
        console.log(
          backend,
          'backlog delivered before urgent',
          backlogBefore(urgent!),
          'before status',
          backlogBefore(statusId),
        );
      }
      // Delivered while most of the backlog still waited (it had just started when they came).
      expect(backlogBefore(urgent!)).toBeLessThan(BACKLOG / 4);
      expect(backlogBefore(statusId)).toBeLessThan(BACKLOG / 4);
      expect(rx.receptions.find((r) => r.messageId === statusId)?.kind).toBe('status');

      await waitFor(() => rx.accepted.size === BACKLOG + 2, 180_000, 'the whole backlog');
      expect(rx.duplicates()).toEqual([]);
      expect([...backlog].every((id) => rx.accepted.get(id) === 1)).toBe(true);
    }, 300_000);
  });
}
