import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countPendingOutbox,
  findMessageBySha256,
  findNewDocument,
  findPackagesByDocument,
  getMessage,
  getMessageRaw,
  insertAcceptedMessage,
  listDeliveriesForMessage,
  listEvents,
} from '../../src/store/index.ts';
import { type TestDatabase, testBackends } from '../support/db.ts';
import { at, expectCode, packageInput, seedPair } from './store-fixtures.ts';

describe.each(testBackends)('insertAcceptedMessage on $name', ({ open }) => {
  let database: TestDatabase;
  let pair: Awaited<ReturnType<typeof seedPair>>;
  let to: Parameters<typeof packageInput>[1];

  beforeAll(async () => {
    database = await open();
    pair = await seedPair(database.db);
    to = [
      {
        recipientOrganId: pair.recipient.organId,
        addressedOrganId: pair.recipient.organId,
        nodeId: pair.recipient.nodeId,
        route: 'local',
      },
    ];
  });
  afterAll(async () => {
    await database?.close();
  });

  it('writes message, exact bytes, deliveries, outbox rows and events in one go', async () => {
    const raw = Buffer.concat([
      Buffer.from('<?xml version="1.0"?>\r\n<a>Hỏa tốc</a>\r\n'),
      randomBytes(300_000),
    ]);
    const outboxBefore = await countPendingOutbox(database.db);
    const input = packageInput(pair.sender, to, { raw, priority: 3, receipt: { id: 'r-1', recipients: [] } });
    const result = await insertAcceptedMessage(database.db, input);
    expect(result.kind).toBe('accepted');
    if (result.kind !== 'accepted') return;
    const sha256 = createHash('sha256').update(raw).digest('hex');
    expect(result.message).toMatchObject({
      kind: 'package',
      senderNodeId: pair.sender.nodeId,
      senderOrganId: pair.sender.organId,
      documentId: input.documentId,
      businessDocType: 0,
      statusCode: null,
      priority: 3,
      sha256,
      sizeBytes: raw.byteLength,
      summary: input.summary,
      verdict: { status: 'verified' },
      receipt: { id: 'r-1', recipients: [] },
      hops: [],
    });
    expect(result.message.receivedAt.getTime()).toBe(input.receivedAt.getTime());
    const stored = await getMessageRaw(database.db, result.message.id);
    expect(stored && Buffer.compare(stored, raw)).toBe(0);
    expect(result.deliveries).toHaveLength(1);
    expect(result.deliveries[0]).toMatchObject({
      messageId: result.message.id,
      recipientOrganId: pair.recipient.organId,
      nodeId: pair.recipient.nodeId,
      route: 'local',
      state: 'queued',
      priority: 3,
      attempts: 0,
    });
    expect(await countPendingOutbox(database.db)).toBe(outboxBefore + 1);
    const events = await listEvents(database.db, { messageId: result.message.id });
    expect(events.map((e) => [e.type, e.actor])).toEqual([
      ['message.accepted', `node:${pair.sender.nodeId}`],
      ['delivery.queued', `node:${pair.sender.nodeId}`],
    ]);
    expect(events[1]!.deliveryId).toBe(result.deliveries[0]!.id);
    expect(JSON.stringify(events)).not.toContain('Hỏa tốc');
  });

  it('returns the original on the same bytes (duplicate), and writes nothing', async () => {
    const input = packageInput(pair.sender, to, { receipt: { first: true } });
    const first = await insertAcceptedMessage(database.db, input);
    const eventsBefore = (await listEvents(database.db)).length;
    const again = await insertAcceptedMessage(database.db, {
      ...input,
      receivedAt: at(30),
      receipt: { first: false },
    });
    expect(again.kind).toBe('duplicate');
    if (first.kind !== 'accepted' || again.kind !== 'duplicate') return;
    expect(again.message.id).toBe(first.message.id);
    expect(again.message.receipt).toEqual({ first: true });
    expect((await listEvents(database.db)).length).toBe(eventsBefore);
    expect((await findMessageBySha256(database.db, first.message.sha256))?.id).toBe(first.message.id);
  });

  it('reports a conflict for a different new package with the same DocumentId; revokes and updates may share it', async () => {
    const input = packageInput(pair.sender, to);
    const first = await insertAcceptedMessage(database.db, input);
    const other = await insertAcceptedMessage(database.db, { ...input, raw: Buffer.from(`${randomUUID()}`) });
    expect(other.kind).toBe('conflict');
    if (first.kind !== 'accepted' || other.kind !== 'conflict') return;
    expect(other.existing.id).toBe(first.message.id);
    const revoke = await insertAcceptedMessage(database.db, {
      ...input,
      raw: Buffer.from(`revoke ${randomUUID()}`),
      businessDocType: 1,
      receivedAt: at(60),
    });
    expect(revoke.kind).toBe('accepted');
    expect(
      (await findPackagesByDocument(database.db, pair.sender.organId, input.documentId)).map(
        (m) => m.businessDocType,
      ),
    ).toEqual([0, 1]);
    expect((await findNewDocument(database.db, pair.sender.organId, input.documentId))?.id).toBe(
      first.message.id,
    );
  });

  it('lets exactly one of two concurrent identical sends win (race-safe duplicate detection)', async () => {
    const input = packageInput(pair.sender, to);
    const results = await Promise.all([
      insertAcceptedMessage(database.db, input),
      insertAcceptedMessage(database.db, input),
      insertAcceptedMessage(database.db, input),
    ]);
    expect(results.map((r) => r.kind).sort()).toEqual(['accepted', 'duplicate', 'duplicate']);
    const accepted = results.find((r) => r.kind === 'accepted');
    const ids = new Set(
      results.map((r) => (r.kind === 'conflict' ? r.existing.id : r.kind === 'id-taken' ? '' : r.message.id)),
    );
    expect(ids.size).toBe(1);
    expect(
      await listDeliveriesForMessage(database.db, accepted!.kind === 'accepted' ? accepted!.message.id : ''),
    ).toHaveLength(1);
  });

  it('lets one of two concurrent different new packages with the same DocumentId win; the other is a conflict', async () => {
    const input = packageInput(pair.sender, to);
    const results = await Promise.all([
      insertAcceptedMessage(database.db, input),
      insertAcceptedMessage(database.db, { ...input, raw: Buffer.from(`other ${randomUUID()}`) }),
    ]);
    expect(results.map((r) => r.kind).sort()).toEqual(['accepted', 'conflict']);
  });

  it('rolls everything back when a part fails (no half-written message)', async () => {
    const input = packageInput(pair.sender, [{ ...to[0]!, nodeId: 'no-such-node' }]);
    const error = await insertAcceptedMessage(database.db, input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    const sha256 = createHash('sha256').update(input.raw).digest('hex');
    expect(await findMessageBySha256(database.db, sha256)).toBeNull();
    expect((await listEvents(database.db, { documentId: input.documentId })).length).toBe(0);
  });

  it('refuses two deliveries to one organization', async () => {
    await expectCode(
      insertAcceptedMessage(database.db, packageInput(pair.sender, [to[0]!, to[0]!])),
      'STORE_INVALID_INPUT',
    );
  });

  it('records a status package with its business status, and a revoke with its revocations, in the same transaction', async () => {
    const original = await insertAcceptedMessage(database.db, packageInput(pair.sender, to));
    if (original.kind !== 'accepted') throw new Error('setup');
    const status = await insertAcceptedMessage(database.db, {
      ...packageInput(pair.recipient, [
        {
          recipientOrganId: pair.sender.organId,
          addressedOrganId: pair.sender.organId,
          nodeId: pair.sender.nodeId,
          route: 'local',
        },
      ]),
      kind: 'status',
      businessDocType: null,
      statusCode: '03',
      documentId: original.message.documentId,
      businessStatus: {
        documentMessageId: original.message.id,
        recipientOrganId: pair.recipient.organId,
        code: '03',
        at: at(5),
        inconsistent: false,
      },
    });
    expect(status.kind).toBe('accepted');
    if (status.kind !== 'accepted') return;
    expect(status.businessStatus).toMatchObject({
      code: '03',
      statusMessageId: status.message.id,
      inconsistent: false,
    });
    expect(status.message.statusCode).toBe('03');

    const revoke = await insertAcceptedMessage(database.db, {
      ...packageInput(pair.sender, to),
      documentId: original.message.documentId,
      businessDocType: 1,
      revokeOriginalMessageId: original.message.id,
      receivedAt: at(90),
    });
    expect(revoke.kind).toBe('accepted');
    if (revoke.kind !== 'accepted') return;
    expect(revoke.revoked.map((d) => [d.id, d.state])).toEqual([[original.deliveries[0]!.id, 'revoked']]);
    expect((await getMessage(database.db, original.message.id))?.id).toBe(original.message.id);
  });
});
