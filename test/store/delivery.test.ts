import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ackDelivery,
  type Db,
  DELIVERY_STATES,
  DELIVERY_TRANSITIONS,
  type DeliveryState,
  getDelivery,
  insertAcceptedMessage,
  listEvents,
  listInbox,
  revokeUndelivered,
  transitionDelivery,
} from '../../src/store/index.ts';
import { type TestDatabase, testBackends } from '../support/db.ts';
import { at, expectCode, packageInput, seedPair } from './store-fixtures.ts';

type Pair = Awaited<ReturnType<typeof seedPair>>;

async function send(db: Db, pair: Pair, overrides: Parameters<typeof packageInput>[2] = {}) {
  const result = await insertAcceptedMessage(
    db,
    packageInput(
      pair.sender,
      [
        {
          recipientOrganId: pair.recipient.organId,
          addressedOrganId: pair.recipient.organId,
          nodeId: pair.recipient.nodeId,
          route: 'local',
        },
      ],
      overrides,
    ),
  );
  if (result.kind !== 'accepted') throw new Error(`setup: ${result.kind}`);
  return { message: result.message, delivery: result.deliveries[0]! };
}

/** A path from queued to each state, through allowed transitions only. */
const PATH: Record<DeliveryState, DeliveryState[]> = {
  queued: [],
  sending: ['sending'],
  retrying: ['sending', 'retrying'],
  failed: ['failed'],
  delivered: ['delivered'],
  revoked: ['revoked'],
  forwarded: ['forwarded'],
};

describe.each(testBackends)('deliveries on $name', ({ open }) => {
  let database: TestDatabase;
  let pair: Pair;
  beforeAll(async () => {
    database = await open();
    pair = await seedPair(database.db);
  });
  afterAll(async () => {
    await database?.close();
  });

  it('allows exactly the transitions of the table and writes one event per change', async () => {
    for (const from of DELIVERY_STATES) {
      for (const to of DELIVERY_STATES) {
        const { delivery } = await send(database.db, pair);
        for (const step of PATH[from]) {
          await transitionDelivery(database.db, {
            deliveryId: delivery.id,
            to: step,
            at: at(1),
            actor: 'test',
          });
        }
        const allowed = DELIVERY_TRANSITIONS[from].includes(to);
        const attempt = transitionDelivery(database.db, {
          deliveryId: delivery.id,
          to,
          at: at(2),
          actor: 'test',
        });
        if (allowed) {
          expect((await attempt).state, `${from} → ${to}`).toBe(to);
        } else {
          const error = await expectCode(attempt, 'STORE_ILLEGAL_TRANSITION');
          expect((error as { details: unknown }).details).toEqual({ deliveryId: delivery.id, from, to });
          expect((await getDelivery(database.db, delivery.id))?.state).toBe(from);
        }
        const changes = (await listEvents(database.db, { deliveryId: delivery.id })).map((e) => e.type);
        expect(changes).toEqual([
          'delivery.queued',
          ...PATH[from].map((s) => `delivery.${s}`),
          ...(allowed ? [`delivery.${to}`] : []),
        ]);
      }
    }
  }, 120_000);

  it('keeps the facts of each state: attempts, next attempt, last error, delivered by', async () => {
    const { delivery } = await send(database.db, pair);
    await transitionDelivery(database.db, {
      deliveryId: delivery.id,
      to: 'sending',
      at: at(1),
      actor: 'worker',
    });
    const retrying = await transitionDelivery(database.db, {
      deliveryId: delivery.id,
      to: 'retrying',
      at: at(2),
      actor: 'worker',
      error: 'HTTP 503',
      nextAttemptAt: at(62),
    });
    expect(retrying).toMatchObject({ attempts: 1, lastError: 'HTTP 503', nextAttemptAt: at(62) });
    await transitionDelivery(database.db, {
      deliveryId: delivery.id,
      to: 'sending',
      at: at(62),
      actor: 'worker',
    });
    const delivered = await transitionDelivery(database.db, {
      deliveryId: delivery.id,
      to: 'delivered',
      at: at(63),
      actor: 'worker',
      deliveredBy: 'webhook',
      from: ['sending'],
    });
    expect(delivered).toMatchObject({
      attempts: 2,
      deliveredBy: 'webhook',
      deliveredAt: at(63),
      nextAttemptAt: null,
    });
    await expectCode(
      transitionDelivery(database.db, {
        deliveryId: delivery.id,
        to: 'failed',
        at: at(64),
        actor: 'w',
        from: ['sending'],
      }),
      'STORE_ILLEGAL_TRANSITION',
    );
    await expectCode(
      transitionDelivery(database.db, {
        deliveryId: '00000000-0000-4000-8000-000000000000',
        to: 'sending',
        at: at(1),
        actor: 'w',
      }),
      'STORE_NOT_FOUND',
    );
  });

  it('lists the inbox most urgent first, then oldest, and drops delivered ones', async () => {
    const inboxPair = await seedPair(database.db);
    const normalOld = await send(database.db, inboxPair, { priority: 0, receivedAt: at(10) });
    const urgentNew = await send(database.db, inboxPair, { priority: 3, receivedAt: at(30) });
    const normalNew = await send(database.db, inboxPair, { priority: 0, receivedAt: at(20) });
    const urgentOld = await send(database.db, inboxPair, { priority: 3, receivedAt: at(5) });
    const express = await send(database.db, inboxPair, { priority: 4, receivedAt: at(40) });
    const inbox = await listInbox(database.db, { nodeId: inboxPair.recipient.nodeId, limit: 10 });
    expect(inbox.map((i) => i.messageId)).toEqual([
      express.message.id,
      urgentOld.message.id,
      urgentNew.message.id,
      normalOld.message.id,
      normalNew.message.id,
    ]);
    expect(inbox[0]).toMatchObject({
      kind: 'package',
      senderOrganId: inboxPair.sender.organId,
      recipientOrganId: inboxPair.recipient.organId,
      priority: 4,
      state: 'queued',
      sha256: express.message.sha256,
    });
    expect(await listInbox(database.db, { nodeId: inboxPair.recipient.nodeId, limit: 2 })).toHaveLength(2);
    expect(
      await listInbox(database.db, { nodeId: inboxPair.recipient.nodeId, limit: 10, kind: 'status' }),
    ).toEqual([]);
    expect(await listInbox(database.db, { nodeId: inboxPair.sender.nodeId, limit: 10 })).toEqual([]);
    await ackDelivery(database.db, {
      nodeId: inboxPair.recipient.nodeId,
      messageId: express.message.id,
      at: at(50),
      actor: 'n',
    });
    expect(
      (await listInbox(database.db, { nodeId: inboxPair.recipient.nodeId, limit: 10 }))[0]?.messageId,
    ).toBe(urgentOld.message.id);
  });

  it('acknowledges idempotently, only for the node that receives', async () => {
    const { message, delivery } = await send(database.db, pair);
    expect(
      await ackDelivery(database.db, {
        nodeId: pair.sender.nodeId,
        messageId: message.id,
        at: at(5),
        actor: 'n',
      }),
    ).toBeNull();
    const first = await ackDelivery(database.db, {
      nodeId: pair.recipient.nodeId,
      messageId: message.id,
      at: at(5),
      actor: `node:${pair.recipient.nodeId}`,
    });
    expect(first?.changed).toBe(true);
    expect(first?.deliveries.map((d) => [d.delivery.id, d.outcome, d.delivery.deliveredBy])).toEqual([
      [delivery.id, 'delivered', 'ack'],
    ]);
    const eventsAfterFirst = (await listEvents(database.db, { deliveryId: delivery.id })).length;
    const second = await ackDelivery(database.db, {
      nodeId: pair.recipient.nodeId,
      messageId: message.id,
      at: at(6),
      actor: 'n',
    });
    expect(second?.changed).toBe(false);
    expect(second?.deliveries.map((d) => d.outcome)).toEqual(['already-delivered']);
    expect((await listEvents(database.db, { deliveryId: delivery.id })).length).toBe(eventsAfterFirst);
  });

  it('revokes the undelivered deliveries of an original by sender organization and DocumentId', async () => {
    const revokePair = await seedPair(database.db);
    const a = await send(database.db, revokePair);
    const revokedAgain = await revokeUndelivered(
      database.db,
      { senderOrganId: revokePair.sender.organId, documentId: a.message.documentId },
      { at: at(10), actor: 'node:x', reason: 'taken back' },
    );
    expect(revokedAgain.count).toBe(1);
    expect(revokedAgain.deliveries[0]).toMatchObject({ id: a.delivery.id, state: 'revoked' });
    const b = await send(database.db, revokePair);
    await ackDelivery(database.db, {
      nodeId: revokePair.recipient.nodeId,
      messageId: b.message.id,
      at: at(1),
      actor: 'n',
    });
    expect(
      (await revokeUndelivered(database.db, { messageId: b.message.id }, { at: at(10), actor: 'n' })).count,
    ).toBe(0);
    expect(
      (
        await ackDelivery(database.db, {
          nodeId: revokePair.recipient.nodeId,
          messageId: a.message.id,
          at: at(11),
          actor: 'n',
        })
      )?.deliveries[0]?.outcome,
    ).toBe('revoked');
    const events = await listEvents(database.db, { deliveryId: a.delivery.id, type: 'delivery.revoked' });
    expect(events[0]?.data).toMatchObject({ from: 'queued', to: 'revoked', reason: 'taken back' });
  });
});
