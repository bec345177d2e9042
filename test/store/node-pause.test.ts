// A node paused by an operator is no push target (src/store/push-lifecycle.ts PUSH_TARGET_SQL):
// its deliveries and receipts wait, are not claimed nor listed for the reconciler, and are once it is
// resumed. Its inbox still serves it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ackDelivery,
  claimPushes,
  type Db,
  listDeliveriesForMessage,
  listInbox,
  listUnfinishedPush,
  setNodePaused,
} from '../../src/store/index.ts';
import { type TestDatabase, testBackends } from '../support/db.ts';
import { acceptPackages, addEngineNode } from '../support/engine-harness.ts';

const claim = (db: Db, table: 'delivery' | 'receipt', ids: string[]) =>
  claimPushes(db, table, {
    ids,
    at: new Date(),
    leaseUntil: new Date(Date.now() + 60_000),
    actor: 'test',
    interruptedError: 'QUEUE_SEND_INTERRUPTED',
  });

const pause = (db: Db, nodeId: string, paused: boolean) =>
  setNodePaused(db, { nodeId, paused, at: new Date(), actor: 'console:tester' });

async function unfinished(db: Db, target: 'delivery' | 'receipt'): Promise<string[]> {
  return (await listUnfinishedPush(db, { target, afterId: null, limit: 10_000 })).map((u) => u.id);
}

describe.each(testBackends)('a paused node on $name', ({ open }) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await open();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('has its deliveries claimed by no worker while paused, and claimed once resumed', async () => {
    const db = database.db;
    const sender = await addEngineNode(db, { role: 'sender' });
    const node = await addEngineNode(db, {
      role: 'paused',
      webhookUrl: 'https://paused.example.invalid/hook',
    });
    const [messageId] = await acceptPackages(db, sender, [node], 1);
    const [delivery] = await listDeliveriesForMessage(db, messageId!);
    const id = delivery!.id;

    expect(await pause(db, node.nodeId, true)).toBe(true);
    const whilePaused = (await claim(db, 'delivery', [id])).get(id);
    expect(whilePaused).toEqual({ claimed: false, state: 'queued', leaseUntil: null });
    expect((await listDeliveriesForMessage(db, messageId!))[0]).toMatchObject({
      state: 'queued',
      attempts: 0,
    });
    expect(await unfinished(db, 'delivery')).not.toContain(id);
    // The inbox still serves it.
    expect((await listInbox(db, { nodeId: node.nodeId, limit: 10 })).map((e) => e.deliveryId)).toEqual([id]);

    expect(await pause(db, node.nodeId, false)).toBe(true);
    expect(await unfinished(db, 'delivery')).toContain(id);
    const resumed = (await claim(db, 'delivery', [id])).get(id);
    expect(resumed?.claimed).toBe(true);
    if (resumed?.claimed) expect(resumed.record).toMatchObject({ id, nodeId: node.nodeId, state: 'sending' });
    expect((await listDeliveriesForMessage(db, messageId!))[0]).toMatchObject({
      state: 'sending',
      attempts: 1,
    });
  });

  it('pausing one node leaves the other deliveries of the same message claimable', async () => {
    const db = database.db;
    const sender = await addEngineNode(db, { role: 'sender' });
    const paused = await addEngineNode(db, { role: 'p', webhookUrl: 'https://p.example.invalid/hook' });
    const live = await addEngineNode(db, { role: 'l', webhookUrl: 'https://l.example.invalid/hook' });
    const [messageId] = await acceptPackages(db, sender, [paused, live], 1);
    const deliveries = await listDeliveriesForMessage(db, messageId!);
    const toPaused = deliveries.find((d) => d.nodeId === paused.nodeId)!.id;
    const toLive = deliveries.find((d) => d.nodeId === live.nodeId)!.id;
    await pause(db, paused.nodeId, true);
    const claimed = await claim(db, 'delivery', [toPaused, toLive]);
    expect(claimed.get(toPaused)?.claimed).toBe(false);
    expect(claimed.get(toLive)?.claimed).toBe(true);
  });

  it('has its receipts wait while paused, and claimed once resumed', async () => {
    const db = database.db;
    // The sender takes receipts by webhook; the recipient polls and acknowledges.
    const sender = await addEngineNode(db, { role: 'sender', webhookUrl: 'https://s.example.invalid/hook' });
    const recipient = await addEngineNode(db, { role: 'rcpt' });
    const [messageId] = await acceptPackages(db, sender, [recipient], 1);
    await pause(db, sender.nodeId, true);
    const acked = await ackDelivery(db, {
      nodeId: recipient.nodeId,
      messageId: messageId!,
      at: new Date(),
      actor: 'test',
    });
    expect(acked?.changed).toBe(true);
    const { rows } = await db.query<{ id: string }>('SELECT id FROM receipts WHERE message_id = $1', [
      messageId,
    ]);
    expect(rows).toHaveLength(1);
    const receiptId = rows[0]!.id;

    expect((await claim(db, 'receipt', [receiptId])).get(receiptId)).toMatchObject({
      claimed: false,
      state: 'queued',
    });
    expect(await unfinished(db, 'receipt')).not.toContain(receiptId);

    await pause(db, sender.nodeId, false);
    expect(await unfinished(db, 'receipt')).toContain(receiptId);
    expect((await claim(db, 'receipt', [receiptId])).get(receiptId)?.claimed).toBe(true);
  });
});
