// The console's reads (src/store/console-read.repository.ts) and node activity
// (src/store/node-activity.repository.ts) on a migrated schema of the real Postgres.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appendEvent,
  type Db,
  insertAcceptedMessage,
  listAuditEvents,
  listDeliveriesForMessage,
  listEvents,
  listNodeActivity,
  listStatisticsRows,
  listUndeliveredSince,
  recordDeliveryAttempt,
  searchMessages,
  setNodePaused,
  touchNodeSeen,
  transitionDelivery,
} from '../../src/store/index.ts';
import { openServerTestDatabase, type TestDatabase } from '../support/db.ts';
import { acceptPackages, addEngineNode } from '../support/engine-harness.ts';

type Party = { nodeId: string; organId: string };

let database: TestDatabase;
let db: Db;

beforeAll(async () => {
  database = await openServerTestDatabase();
  db = database.db;
});
afterAll(async () => {
  await database?.close();
});

const HOUR = 3_600_000;
const MINUTE = 60_000;

/** One package from `sender` to `recipients`, received at `receivedAt`; its id and deliveries by recipient. */
async function accept(
  sender: Party,
  recipients: readonly Party[],
  receivedAt: Date,
  priority: number,
  subject: string,
): Promise<{ messageId: string; documentId: string; delivery: (to: Party) => string }> {
  const documentId = `${sender.organId},2025/07/15,${randomBytes(4).toString('hex')}/TEST`;
  const [messageId] = await acceptPackages(db, sender, recipients, 1, {
    documentId,
    priority,
    receivedAt,
    summary: { documentId, subject },
  });
  const deliveries = await listDeliveriesForMessage(db, messageId!);
  return {
    messageId: messageId!,
    documentId,
    delivery: (to) => {
      const found = deliveries.find((d) => d.recipientOrganId === to.organId);
      if (!found) throw new Error(`no delivery to ${to.organId}`);
      return found.id;
    },
  };
}

/** queued → sending → `to` (retrying or failed), with the attempt recorded. */
async function failAttempt(
  deliveryId: string,
  to: 'retrying' | 'failed',
  startedAt: Date,
  options: { readonly outcome?: 'retryable' | 'permanent' } = {},
) {
  await transitionDelivery(db, { deliveryId, to: 'sending', at: startedAt, actor: 'test' });
  await recordDeliveryAttempt(db, {
    deliveryId,
    attempt: 1,
    startedAt,
    finishedAt: new Date(startedAt.getTime() + 1_000),
    outcome: options.outcome ?? (to === 'failed' ? 'permanent' : 'retryable'),
    httpStatus: 503,
    error: 'WEBHOOK_HTTP_5XX',
  });
  await transitionDelivery(db, {
    deliveryId,
    to,
    at: new Date(startedAt.getTime() + 1_000),
    actor: 'test',
    error: 'WEBHOOK_HTTP_5XX',
    ...(to === 'retrying' ? { nextAttemptAt: new Date(startedAt.getTime() + 60_000) } : {}),
  });
}

describe('console reads: messages, undelivered, statistics', () => {
  // Every message of this block arrives in July 2025; the other blocks use later times.
  const T0 = new Date('2025-07-15T03:00:00.000Z');
  const t = (ms: number) => new Date(T0.getTime() + ms);
  let a: Party;
  let b: Party;
  let r1: Party;
  let r2: Party;
  let m1: Awaited<ReturnType<typeof accept>>;
  let m2: Awaited<ReturnType<typeof accept>>;
  let m3: Awaited<ReturnType<typeof accept>>;
  let m4: Awaited<ReturnType<typeof accept>>;
  let statusId: string;

  beforeAll(async () => {
    a = await addEngineNode(db, { role: 'sa' });
    b = await addEngineNode(db, { role: 'sb' });
    r1 = await addEngineNode(db, { role: 'r1' });
    r2 = await addEngineNode(db, { role: 'r2', webhookUrl: 'https://r2.example.invalid/hook' });
    await db.query("UPDATE organizations SET name = 'Ủy ban nhân dân tỉnh A' WHERE organ_id = $1", [
      a.organId,
    ]);

    m4 = await accept(b, [r1], t(-24 * HOUR), 0, 'Hôm trước');
    m1 = await accept(a, [r1, r2], T0, 0, 'Công văn số 1');
    m2 = await accept(a, [r1], t(HOUR), 2, 'Thượng khẩn');
    m3 = await accept(b, [r2], t(24 * HOUR), 3, 'Hỏa tốc');
    // A status from r1 about m1, two hours after it.
    const status = await insertAcceptedMessage(db, {
      kind: 'status',
      senderNodeId: r1.nodeId,
      senderOrganId: r1.organId,
      documentId: m1.documentId,
      businessDocType: null,
      statusCode: '03',
      priority: 1,
      raw: Buffer.from(`<edXMLEnvelope>status ${randomBytes(8).toString('hex')}</edXMLEnvelope>`),
      summary: { documentId: m1.documentId },
      verdict: { policy: 'test' },
      receivedAt: t(2 * HOUR),
      actor: `node:${r1.nodeId}`,
      deliveries: [
        { recipientOrganId: a.organId, addressedOrganId: a.organId, nodeId: a.nodeId, route: 'local' },
      ],
    });
    if (status.kind !== 'accepted') throw new Error('setup: status not accepted');
    statusId = status.message.id;

    // m1→r1 delivered (acknowledged), m1→r2 failed, m2→r1 retrying, m3→r2 queued, m4→r1 forwarded.
    await transitionDelivery(db, {
      deliveryId: m1.delivery(r1),
      to: 'delivered',
      at: t(30 * MINUTE),
      actor: 'test',
      deliveredBy: 'ack',
    });
    await failAttempt(m1.delivery(r2), 'failed', t(10 * MINUTE));
    await failAttempt(m2.delivery(r1), 'retrying', t(HOUR + MINUTE));
    await transitionDelivery(db, {
      deliveryId: m4.delivery(r1),
      to: 'forwarded',
      at: t(-23 * HOUR),
      actor: 'test',
    });
  });

  const ids = (found: ReadonlyArray<{ id: string }>) => found.map((m) => m.id);

  it('finds by DocumentId the package and the statuses about it, newest first; kind narrows', async () => {
    const found = await searchMessages(db, { documentId: m1.documentId, limit: 10 });
    expect(ids(found)).toEqual([statusId, m1.messageId]);
    expect(found[1]).toEqual({
      id: m1.messageId,
      kind: 'package',
      documentId: m1.documentId,
      senderOrganId: a.organId,
      senderNodeId: a.nodeId,
      subject: 'Công văn số 1',
      businessDocType: 0,
      statusCode: null,
      priority: 0,
      receivedAt: T0,
      deliveries: [
        { organId: r1.organId, state: 'delivered' },
        { organId: r2.organId, state: 'failed' },
      ].sort((x, y) => (x.organId < y.organId ? -1 : 1)),
    });
    expect(found[0]).toMatchObject({
      kind: 'status',
      statusCode: '03',
      businessDocType: null,
      subject: null,
    });
    expect(ids(await searchMessages(db, { documentId: m1.documentId, kind: 'package', limit: 10 }))).toEqual([
      m1.messageId,
    ]);
    expect(ids(await searchMessages(db, { documentId: m1.documentId, kind: 'status', limit: 10 }))).toEqual([
      statusId,
    ]);
    expect(await searchMessages(db, { documentId: `${m1.documentId}x`, limit: 10 })).toEqual([]);
  });

  it('finds by sender organization', async () => {
    expect(ids(await searchMessages(db, { senderOrganId: b.organId, limit: 10 }))).toEqual([
      m3.messageId,
      m4.messageId,
    ]);
    expect(ids(await searchMessages(db, { senderOrganId: a.organId, limit: 10 }))).toEqual([
      m2.messageId,
      m1.messageId,
    ]);
  });

  it('finds by recipient, by delivery state, and by both on the same delivery', async () => {
    expect(ids(await searchMessages(db, { recipientOrganId: r1.organId, limit: 10 }))).toEqual([
      m2.messageId,
      m1.messageId,
      m4.messageId,
    ]);
    expect(
      ids(await searchMessages(db, { recipientOrganId: r1.organId, state: 'retrying', limit: 10 })),
    ).toEqual([m2.messageId]);
    // m1 is failed to r2, delivered to r1: recipient and state must hold for one delivery.
    expect(await searchMessages(db, { recipientOrganId: r1.organId, state: 'failed', limit: 10 })).toEqual(
      [],
    );
    expect(
      ids(await searchMessages(db, { recipientOrganId: r2.organId, state: 'failed', limit: 10 })),
    ).toEqual([m1.messageId]);
    const failedAnywhere = ids(await searchMessages(db, { state: 'failed', limit: 100 }));
    expect(failedAnywhere).toContain(m1.messageId);
    expect(failedAnywhere).not.toContain(m2.messageId);
  });

  it('finds by priority', async () => {
    expect(ids(await searchMessages(db, { priority: 3, limit: 10 }))).toEqual([m3.messageId]);
    expect(ids(await searchMessages(db, { priority: 1, limit: 10 }))).toEqual([statusId]);
    expect(ids(await searchMessages(db, { priority: 0, senderOrganId: a.organId, limit: 10 }))).toEqual([
      m1.messageId,
    ]);
  });

  it('finds by date range: from inclusive, before exclusive; limit keeps the newest', async () => {
    expect(ids(await searchMessages(db, { receivedFrom: T0, receivedBefore: t(HOUR), limit: 10 }))).toEqual([
      m1.messageId,
    ]);
    expect(
      ids(await searchMessages(db, { receivedFrom: t(HOUR), receivedBefore: t(25 * HOUR), limit: 10 })),
    ).toEqual([m3.messageId, statusId, m2.messageId]);
    expect(
      ids(await searchMessages(db, { receivedFrom: t(-48 * HOUR), receivedBefore: t(48 * HOUR), limit: 2 })),
    ).toEqual([m3.messageId, statusId]);
  });

  it('lists undelivered deliveries (queued, sending, retrying, failed) received before a time, oldest first', async () => {
    const all = await listUndeliveredSince(db, { receivedBefore: t(24 * HOUR + 1), limit: 100 });
    expect(all.map((u) => [u.messageId, u.recipientOrganId, u.state])).toEqual([
      [m1.messageId, r2.organId, 'failed'],
      [m2.messageId, r1.organId, 'retrying'],
      [statusId, a.organId, 'queued'],
      [m3.messageId, r2.organId, 'queued'],
    ]);
    expect(all[1]).toEqual({
      deliveryId: m2.delivery(r1),
      messageId: m2.messageId,
      documentId: m2.documentId,
      senderOrganId: a.organId,
      recipientOrganId: r1.organId,
      nodeId: r1.nodeId,
      state: 'retrying',
      priority: 2,
      attempts: 1,
      lastError: 'WEBHOOK_HTTP_5XX',
      receivedAt: t(HOUR),
    });
    // Before is exclusive, and the limit keeps the oldest.
    expect(
      (await listUndeliveredSince(db, { receivedBefore: t(HOUR), limit: 100 })).map((u) => u.deliveryId),
    ).toEqual([m1.delivery(r2)]);
    expect(
      (await listUndeliveredSince(db, { receivedBefore: t(48 * HOUR), limit: 2 })).map((u) => u.deliveryId),
    ).toEqual([m1.delivery(r2), m2.delivery(r1)]);
  });

  it('gives the statistics rows of packages received in a range, with organization names', async () => {
    const stats = await listStatisticsRows(db, { from: t(-24 * HOUR), to: t(24 * HOUR) });
    const byTime = <T extends { receivedAt: Date }>(rows: readonly T[]) =>
      [...rows].sort((x, y) => x.receivedAt.getTime() - y.receivedAt.getTime());
    // m3 arrives exactly at `to` (excluded); the status is no package.
    expect(byTime(stats.sent)).toEqual([
      { organId: b.organId, receivedAt: t(-24 * HOUR) },
      { organId: a.organId, receivedAt: T0 },
      { organId: a.organId, receivedAt: t(HOUR) },
    ]);
    const deliveries = byTime(stats.deliveries).map((d) => ({ ...d }));
    expect(deliveries).toEqual(
      expect.arrayContaining([
        {
          recipientOrganId: r1.organId,
          priority: 0,
          receivedAt: t(-24 * HOUR),
          doneAt: t(-23 * HOUR),
          state: 'forwarded',
        },
        {
          recipientOrganId: r1.organId,
          priority: 0,
          receivedAt: T0,
          doneAt: t(30 * MINUTE),
          state: 'delivered',
        },
        { recipientOrganId: r2.organId, priority: 0, receivedAt: T0, doneAt: null, state: 'failed' },
        { recipientOrganId: r1.organId, priority: 2, receivedAt: t(HOUR), doneAt: null, state: 'retrying' },
      ]),
    );
    expect(deliveries).toHaveLength(4);
    expect(stats.names.get(a.organId)).toBe('Ủy ban nhân dân tỉnh A');
    expect([...stats.names.keys()].sort()).toEqual([a.organId, b.organId, r1.organId, r2.organId].sort());

    const empty = await listStatisticsRows(db, { from: t(-96 * HOUR), to: t(-48 * HOUR) });
    expect(empty).toEqual({ sent: [], deliveries: [], names: new Map() });
  });
});

describe('node pause, last seen and activity', () => {
  it('setNodePaused writes node.paused / node.resumed once each, and is false for an unknown node', async () => {
    const n = await addEngineNode(db, { role: 'pause', webhookUrl: 'https://p.example.invalid/hook' });
    const at = new Date('2026-02-02T02:00:00.000Z');
    const later = new Date(at.getTime() + MINUTE);
    const pause = (paused: boolean, when: Date, actor = 'console:ann') =>
      setNodePaused(db, { nodeId: n.nodeId, paused, at: when, actor, from: '203.0.113.5' });
    const types = async () =>
      (await listEvents(db, { nodeId: n.nodeId }))
        .map((e) => e.type)
        .filter((x) => x.startsWith('node.p') || x.startsWith('node.r'));

    expect(await pause(true, at)).toBe(true);
    expect(await pause(true, later)).toBe(true);
    const [paused] = await db
      .query<{ paused_at: Date | null }>('SELECT paused_at FROM nodes WHERE id = $1', [n.nodeId])
      .then((r) => r.rows);
    expect(paused?.paused_at?.toISOString()).toBe(at.toISOString());
    expect(await types()).toEqual(['node.paused']);

    expect(await pause(false, later, 'operator:root')).toBe(true);
    expect(await pause(false, later, 'operator:root')).toBe(true);
    expect(await types()).toEqual(['node.paused', 'node.resumed']);
    const events = (await listEvents(db, { nodeId: n.nodeId })).filter(
      (e) => e.type.startsWith('node.') && e.type !== 'node.created',
    );
    expect(events.map((e) => [e.type, e.actor, e.data, e.at.toISOString()])).toEqual(
      expect.arrayContaining([
        ['node.paused', 'console:ann', { from: '203.0.113.5' }, at.toISOString()],
        ['node.resumed', 'operator:root', { from: '203.0.113.5' }, later.toISOString()],
      ]),
    );
    const [resumed] = (
      await db.query<{ paused_at: Date | null }>('SELECT paused_at FROM nodes WHERE id = $1', [n.nodeId])
    ).rows;
    expect(resumed?.paused_at).toBeNull();

    const before = (await listEvents(db, { limit: 100_000 })).length;
    expect(await setNodePaused(db, { nodeId: 'no-such-node', paused: true, at, actor: 'console:ann' })).toBe(
      false,
    );
    expect((await listEvents(db, { limit: 100_000 })).length).toBe(before);
  });

  it('touchNodeSeen writes only when the stored time is older than staleBefore', async () => {
    const n = await addEngineNode(db, { role: 'seen' });
    const seen = async () =>
      (
        await db.query<{ last_seen_at: Date | null }>('SELECT last_seen_at FROM nodes WHERE id = $1', [
          n.nodeId,
        ])
      ).rows[0]?.last_seen_at?.toISOString() ?? null;
    const t1 = new Date('2026-02-02T03:00:00.000Z');
    const s = (secs: number) => new Date(t1.getTime() + secs * 1_000);
    expect(await seen()).toBeNull();
    await touchNodeSeen(db, { nodeId: n.nodeId, at: t1, staleBefore: s(-30) });
    expect(await seen()).toBe(t1.toISOString());
    // 10 s later: the stored time is not older than 20 s ago... no write.
    await touchNodeSeen(db, { nodeId: n.nodeId, at: s(10), staleBefore: s(-20) });
    expect(await seen()).toBe(t1.toISOString());
    // Equal to staleBefore is not older: no write.
    await touchNodeSeen(db, { nodeId: n.nodeId, at: s(30), staleBefore: t1 });
    expect(await seen()).toBe(t1.toISOString());
    await touchNodeSeen(db, { nodeId: n.nodeId, at: s(40), staleBefore: s(10) });
    expect(await seen()).toBe(s(40).toISOString());
    // An unknown node is no error.
    await touchNodeSeen(db, { nodeId: 'no-such-node', at: s(40), staleBefore: s(10) });
  });

  it('listNodeActivity counts waiting, sending and failed per node, failures in the window, and the last contact', async () => {
    const base = new Date('2026-03-01T00:00:00.000Z');
    const m = (minutes: number) => new Date(base.getTime() + minutes * MINUTE);
    const sender = await addEngineNode(db, { role: 'act-s' });
    const push = await addEngineNode(db, {
      role: 'act-push',
      webhookUrl: 'https://act.example.invalid/hook',
    });
    const poll = await addEngineNode(db, { role: 'act-poll' });
    const never = await addEngineNode(db, { role: 'act-never' });

    // Five deliveries to `push`: queued (t0), retrying (t+1), sending (t+2), failed (t+3), delivered (t+4).
    const d = [];
    for (let i = 0; i < 5; i += 1) d.push((await accept(sender, [push], m(i), 0, `act ${i}`)).delivery(push));
    await failAttempt(d[1]!, 'retrying', m(110));
    await transitionDelivery(db, { deliveryId: d[2]!, to: 'sending', at: m(115), actor: 'test' });
    await failAttempt(d[3]!, 'failed', m(30));
    await transitionDelivery(db, { deliveryId: d[4]!, to: 'sending', at: m(100), actor: 'test' });
    await recordDeliveryAttempt(db, {
      deliveryId: d[4]!,
      attempt: 1,
      startedAt: m(100),
      finishedAt: m(101),
      outcome: 'ok',
      httpStatus: 200,
    });
    await transitionDelivery(db, {
      deliveryId: d[4]!,
      to: 'delivered',
      at: m(101),
      actor: 'test',
      deliveredBy: 'webhook',
    });
    // Two queued to `poll`; it polled at t+90.
    await accept(sender, [poll], m(50), 0, 'poll a');
    await accept(sender, [poll], m(60), 0, 'poll b');
    await touchNodeSeen(db, { nodeId: poll.nodeId, at: m(90), staleBefore: m(90) });
    await setNodePaused(db, { nodeId: push.nodeId, paused: true, at: m(116), actor: 'console:ann' });

    const activity = await listNodeActivity(db, { since: m(60), pushSince: m(0) });
    const of = (p: Party) => activity.find((a) => a.nodeId === p.nodeId);
    expect(of(push)).toEqual({
      nodeId: push.nodeId,
      name: push.nodeId,
      kind: 'system',
      push: true,
      pausedAt: m(116),
      waiting: 2,
      inFlight: 1,
      failed: 1,
      oldestWaitingAt: m(0),
      // The failed attempt at t+30 is before the window; the retryable one at t+110 is in it.
      failuresSince: 1,
      lastContactAt: m(101),
    });
    expect(of(poll)).toMatchObject({
      push: false,
      pausedAt: null,
      waiting: 2,
      inFlight: 0,
      failed: 0,
      oldestWaitingAt: m(50),
      failuresSince: 0,
      lastContactAt: m(90),
    });
    expect(of(never)).toMatchObject({
      waiting: 0,
      inFlight: 0,
      failed: 0,
      oldestWaitingAt: null,
      failuresSince: 0,
      lastContactAt: null,
    });
    // Every node is listed once, sorted by id.
    const nodeIds = activity.map((a) => a.nodeId);
    expect(nodeIds).toEqual([...nodeIds].sort());
    expect(new Set(nodeIds).size).toBe(nodeIds.length);

    // A wider window counts both failures; a push search that starts after the last push finds none.
    const wide = await listNodeActivity(db, { since: m(0), pushSince: m(0) });
    expect(wide.find((a) => a.nodeId === push.nodeId)?.failuresSince).toBe(2);
    const late = await listNodeActivity(db, { since: m(105), pushSince: m(105) });
    expect(late.find((a) => a.nodeId === push.nodeId)).toMatchObject({
      failuresSince: 1,
      lastContactAt: null,
    });
  });
});

describe('listAuditEvents', () => {
  it('returns only changes by people (operator:… and console:…), newest first, up to the limit', async () => {
    const at = new Date('2026-04-01T00:00:00.000Z');
    const mk = (actor: string, type: string) => appendEvent(db, { type, actor, at, data: { marker: type } });
    const byOperator = await mk('operator:root', 'audit.test.cli');
    await mk('hub', 'audit.test.hub');
    await mk('node:qlvb', 'audit.test.node');
    await mk('cli', 'audit.test.bare-cli');
    await mk('operators:root', 'audit.test.lookalike');
    await mk('test', 'audit.test.test');
    const byConsole = await mk('console:ann', 'audit.test.console');

    const audit = await listAuditEvents(db, 1_000);
    expect(audit.length).toBeGreaterThanOrEqual(2);
    for (const e of audit) expect(e.actor).toMatch(/^(operator|console):/);
    const markers = audit.filter((e) => e.type.startsWith('audit.test.')).map((e) => e.type);
    expect(markers).toEqual(['audit.test.console', 'audit.test.cli']);
    const idsDesc = audit.map((e) => BigInt(e.id));
    expect(idsDesc).toEqual([...idsDesc].sort((x, y) => (x > y ? -1 : x < y ? 1 : 0)));

    const [newest] = await listAuditEvents(db, 1);
    expect(newest).toMatchObject({
      id: byConsole.id,
      actor: 'console:ann',
      data: { marker: 'audit.test.console' },
    });
    expect((await listAuditEvents(db, 2)).map((e) => e.id)).toEqual([byConsole.id, byOperator.id]);
  });
});
