import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countPendingOutbox,
  insertAcceptedMessage,
  listBusinessStatuses,
  listDeliveryAttempts,
  recordBusinessStatus,
  recordDeliveryAttempt,
  relayPushOutbox,
  setNodeWebhook,
  traceDocument,
  traceMessage,
  transitionDelivery,
} from '../../src/store/index.ts';
import { type TestDatabase, testBackends } from '../support/db.ts';
import { at, packageInput, seedPair, uniqueOrgan } from './store-fixtures.ts';

describe.each(testBackends)('trace, business statuses, attempts and outbox on $name', ({ open }) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await open();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('traces a message per recipient: state, timestamps, statuses, attempts, events', async () => {
    const pair = await seedPair(database.db);
    const second = await seedPair(database.db);
    const deliveries = [pair.recipient, second.recipient].map((r) => ({
      recipientOrganId: r.organId,
      addressedOrganId: r.organId,
      nodeId: r.nodeId,
      route: 'local' as const,
    }));
    const sent = await insertAcceptedMessage(database.db, packageInput(pair.sender, deliveries));
    if (sent.kind !== 'accepted') throw new Error('setup');
    const first = sent.deliveries.find((d) => d.nodeId === pair.recipient.nodeId)!;
    await transitionDelivery(database.db, {
      deliveryId: first.id,
      to: 'sending',
      at: at(1),
      actor: 'worker',
    });
    await recordDeliveryAttempt(database.db, {
      deliveryId: first.id,
      attempt: 1,
      startedAt: at(1),
      finishedAt: at(2),
      outcome: 'ok',
      httpStatus: 200,
    });
    await transitionDelivery(database.db, {
      deliveryId: first.id,
      to: 'delivered',
      at: at(2),
      actor: 'worker',
      deliveredBy: 'webhook',
    });
    await recordBusinessStatus(database.db, {
      documentMessageId: sent.message.id,
      recipientOrganId: pair.recipient.organId,
      code: '01',
      at: at(3),
      recordedAt: at(4),
      inconsistent: false,
      actor: `node:${pair.recipient.nodeId}`,
    });
    await recordBusinessStatus(database.db, {
      documentMessageId: sent.message.id,
      recipientOrganId: pair.recipient.organId,
      code: '06',
      at: at(10),
      recordedAt: at(11),
      inconsistent: false,
      actor: 'n',
    });
    await recordBusinessStatus(database.db, {
      documentMessageId: sent.message.id,
      recipientOrganId: pair.recipient.organId,
      code: '02',
      at: at(12),
      recordedAt: at(13),
      inconsistent: true,
      note: '02 (refused) after 06 (completed)',
      actor: 'n',
    });

    const trace = await traceMessage(database.db, sent.message.id);
    expect(trace?.message.id).toBe(sent.message.id);
    expect(trace?.deliveries).toHaveLength(2);
    const mine = trace!.deliveries.find((d) => d.delivery.id === first.id)!;
    expect(mine.delivery).toMatchObject({
      state: 'delivered',
      deliveredAt: at(2),
      deliveredBy: 'webhook',
      attempts: 1,
    });
    expect(mine.statuses.map((s) => [s.code, s.at, s.inconsistent])).toEqual([
      ['01', at(3), false],
      ['06', at(10), false],
      ['02', at(12), true],
    ]);
    expect(mine.attempts.map((a) => [a.attempt, a.outcome, a.httpStatus])).toEqual([[1, 'ok', 200]]);
    expect(mine.events.map((e) => e.type)).toEqual([
      'delivery.queued',
      'delivery.sending',
      'delivery.delivered',
    ]);
    const other = trace!.deliveries.find((d) => d.delivery.id !== first.id)!;
    expect(other.statuses).toEqual([]);
    expect(trace?.events.map((e) => e.type)).toEqual([
      'message.accepted',
      'business_status.recorded',
      'business_status.recorded',
      'business_status.recorded',
    ]);

    const asRecipient = await traceMessage(database.db, sent.message.id, {
      recipientNodeId: second.recipient.nodeId,
    });
    expect(asRecipient?.deliveries.map((d) => d.delivery.nodeId)).toEqual([second.recipient.nodeId]);
    expect(asRecipient?.events.map((e) => e.type)).toEqual(['message.accepted']);

    const byDocument = await traceDocument(database.db, {
      senderOrganId: pair.sender.organId,
      documentId: sent.message.documentId,
    });
    expect(byDocument.map((t) => t.message.id)).toEqual([sent.message.id]);
    expect(await traceMessage(database.db, '00000000-0000-4000-8000-000000000000')).toBeNull();
    expect(
      await traceDocument(database.db, { senderOrganId: uniqueOrgan(), documentId: sent.message.documentId }),
    ).toEqual([]);
  });

  it('records a status message once per recipient, and attempts once per number', async () => {
    const pair = await seedPair(database.db);
    const to = [
      {
        recipientOrganId: pair.recipient.organId,
        addressedOrganId: pair.recipient.organId,
        nodeId: pair.recipient.nodeId,
        route: 'local' as const,
      },
    ];
    const sent = await insertAcceptedMessage(database.db, packageInput(pair.sender, to));
    const status = await insertAcceptedMessage(database.db, packageInput(pair.recipient, []));
    if (sent.kind !== 'accepted' || status.kind !== 'accepted') throw new Error('setup');
    const input = {
      documentMessageId: sent.message.id,
      recipientOrganId: pair.recipient.organId,
      code: '03' as const,
      statusMessageId: status.message.id,
      at: at(1),
      recordedAt: at(1),
      inconsistent: false,
      actor: 'n',
    };
    const a = await recordBusinessStatus(database.db, input);
    const b = await recordBusinessStatus(database.db, { ...input, recordedAt: at(9) });
    expect(b.id).toBe(a.id);
    expect(await listBusinessStatuses(database.db, { documentMessageId: sent.message.id })).toHaveLength(1);
    const attempt = {
      deliveryId: sent.deliveries[0]!.id,
      attempt: 1,
      startedAt: at(1),
      outcome: 'retryable' as const,
    };
    await recordDeliveryAttempt(database.db, { ...attempt, error: 'timeout' });
    await recordDeliveryAttempt(database.db, { ...attempt, error: 'other' });
    expect((await listDeliveryAttempts(database.db, attempt.deliveryId)).map((x) => x.error)).toEqual([
      'timeout',
    ]);
  });

  it('relays the outbox urgent first, keeps rows when publishing fails', async () => {
    // Drain what earlier tests left.
    await relayPushOutbox(database.db, { limit: 10_000, at: at(0) }, async () => {});
    const pair = await seedPair(database.db);
    // A node with a webhook: its deliveries are published (a polling node's are only marked dispatched).
    await setNodeWebhook(database.db, {
      nodeId: pair.recipient.nodeId,
      url: 'http://127.0.0.1:9/hook',
      secret: 'whsec_test',
      at: at(0),
      actor: 'test',
    });
    const to = [
      {
        recipientOrganId: pair.recipient.organId,
        addressedOrganId: pair.recipient.organId,
        nodeId: pair.recipient.nodeId,
        route: 'local' as const,
      },
    ];
    const normal = await insertAcceptedMessage(database.db, packageInput(pair.sender, to, { priority: 0 }));
    const urgent = await insertAcceptedMessage(database.db, packageInput(pair.sender, to, { priority: 4 }));
    if (normal.kind !== 'accepted' || urgent.kind !== 'accepted') throw new Error('setup');
    expect(await countPendingOutbox(database.db)).toBe(2);

    const failing = relayPushOutbox(database.db, { limit: 10, at: at(1) }, async () => {
      throw new Error('queue down');
    });
    await expect(failing).rejects.toThrow('queue down');
    expect(await countPendingOutbox(database.db)).toBe(2);

    const items: Array<{ id: string; nodeId: string; priority: number }> = [];
    const relayed = await relayPushOutbox(database.db, { limit: 10, at: at(2) }, async (batch) => {
      items.push(...batch);
    });
    expect(items.map((i) => i.id)).toEqual([urgent.deliveries[0]!.id, normal.deliveries[0]!.id]);
    expect(items[0]).toMatchObject({ nodeId: pair.recipient.nodeId, priority: 4 });
    expect(relayed).toEqual({ claimed: 2, published: 2 });
    expect(await countPendingOutbox(database.db)).toBe(0);
    // An operator retry of a failed delivery goes through the outbox again.
    await transitionDelivery(database.db, {
      deliveryId: normal.deliveries[0]!.id,
      to: 'failed',
      at: at(5),
      actor: 'w',
      error: 'gone',
    });
    await transitionDelivery(database.db, {
      deliveryId: normal.deliveries[0]!.id,
      to: 'queued',
      at: at(6),
      actor: 'operator:ops',
    });
    expect(await countPendingOutbox(database.db)).toBe(1);
  });
});
