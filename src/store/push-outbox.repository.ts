import type { Db } from './db.ts';
import { pushableSql } from './delivery-state.ts';
import { PUSH_TARGET_SQL } from './push-lifecycle.ts';
import { dateOrNull, str } from './sql-values.ts';

/** What the delivery engine schedules: a delivery of a package or status, or a receipt event. */
export type PushKind = 'package' | 'status' | 'receipt';

/** One outbox row claimed by the relay. */
export interface PushOutboxItem {
  /** The delivery's id, or the receipt's. */
  readonly id: string;
  readonly kind: PushKind;
  /** The node it is pushed to. */
  readonly nodeId: string;
  /** The message's Priority (0..4); 0 for receipts. */
  readonly priority: number;
}

/**
 * One item per hand-over: deliveries of one message to one peer hub cross together (the first one's
 * push claims the others), so only the first of each such group is scheduled; scheduling them all
 * would have them race to claim each other and cross in several hand-overs.
 */
function onePerHandOver<T extends { readonly groupKey: string | null }>(items: readonly T[]): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    if (item.groupKey === null) return true;
    if (seen.has(item.groupKey)) return false;
    seen.add(item.groupKey);
    return true;
  });
}

const groupKeyOf = (row: Record<string, unknown>): string | null =>
  row['to_peer'] === true && row['message_id'] ? `${str(row, 'message_id')}\n${str(row, 'node_id')}` : null;

/**
 * The relay's step: claims up to `limit` pending outbox rows (deliveries and receipts, most urgent
 * first) with FOR UPDATE SKIP LOCKED — several relays never take the same row — hands the ones
 * worth pushing to `publish`, and marks every claimed row dispatched, all in one transaction: a
 * `publish` that throws leaves the rows pending for the next pass.
 *
 * Not published (but marked dispatched): deliveries to a node without a webhook URL and secret (it
 * polls its inbox; the delivery stays `queued` there) and deliveries or receipts already settled. If such a
 * node gets a webhook later, the reconciler schedules its unfinished deliveries.
 *
 * On embedded Postgres served over pglite-socket an open transaction holds every other connection,
 * so `publish` must not use the database through another connection (the in-process scheduler
 * does not).
 */
export async function relayPushOutbox(
  db: Db,
  options: { readonly limit: number; readonly at: Date },
  publish: (items: readonly PushOutboxItem[]) => Promise<void>,
): Promise<{ readonly claimed: number; readonly published: number }> {
  // Most passes are woken by a commit that queued nothing to push (an acknowledgement, a receipt
  // from a peer hub): one read answers those, instead of a transaction of three statements.
  const { rows: due } = await db.query<{ due: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM outbox WHERE dispatched_at IS NULL AND available_at <= $1) AS due',
    [options.at],
    { prepare: true },
  );
  if (due[0]?.due !== true) return { claimed: 0, published: 0 };
  return db.tx(async (tx) => {
    const { rows } = await tx.query(
      `SELECT o.id AS outbox_id, COALESCE(o.delivery_id, o.receipt_id) AS target_id,
              CASE WHEN o.receipt_id IS NOT NULL THEN 'receipt' ELSE m.kind END AS kind,
              COALESCE(d.node_id, r.node_id) AS node_id, o.priority, d.message_id,
              (o.delivery_id IS NOT NULL AND p.url IS NOT NULL) AS to_peer,
              (${PUSH_TARGET_SQL} AND (${pushableSql('d')} OR ${pushableSql('r')})) AS push
       FROM outbox o
       LEFT JOIN deliveries d ON d.id = o.delivery_id
       LEFT JOIN messages m ON m.id = d.message_id
       LEFT JOIN receipts r ON r.id = o.receipt_id
       JOIN nodes n ON n.id = COALESCE(d.node_id, r.node_id)
       LEFT JOIN peer_hubs p ON p.node_id = n.id
       WHERE o.dispatched_at IS NULL AND o.available_at <= $1
       ORDER BY o.priority DESC, o.id
       LIMIT $2
       FOR UPDATE OF o SKIP LOCKED`,
      [options.at, options.limit],
      { prepare: true },
    );
    if (rows.length === 0) return { claimed: 0, published: 0 };
    const items: PushOutboxItem[] = onePerHandOver(
      rows
        .filter((row) => row['push'] === true)
        .map((row) => ({
          id: str(row, 'target_id'),
          kind: str(row, 'kind') as PushKind,
          nodeId: str(row, 'node_id'),
          priority: row['priority'] as number,
          groupKey: groupKeyOf(row),
        })),
    ).map(({ groupKey: _g, ...item }) => item);
    if (items.length > 0) await publish(items);
    await tx.query('UPDATE outbox SET dispatched_at = $1 WHERE id = ANY($2::int8[])', [
      options.at,
      rows.map((row) => str(row, 'outbox_id')),
    ]);
    return { claimed: rows.length, published: items.length };
  });
}

/** An unfinished delivery or receipt of a node with a webhook, for the reconciler. */
export interface UnfinishedPush extends PushOutboxItem {
  /** Message and peer hub, for a delivery handed over with its siblings; null otherwise. */
  readonly groupKey: string | null;
  readonly state: string;
  /** Not before: the next attempt (retrying) or the end of a live lease (sending); null = now. */
  readonly notBefore: Date | null;
}

/**
 * One page of unfinished pushes (queued, retrying, sending) to nodes that have a webhook, ordered
 * by id after `afterId` (deliveries first, then receipts: pass `target`). Deliveries to polling
 * nodes are left out: nobody pushes them, their node fetches them from its inbox.
 */
export async function listUnfinishedPush(
  db: Db,
  options: {
    readonly target: 'delivery' | 'receipt';
    readonly afterId: string | null;
    readonly limit: number;
  },
): Promise<UnfinishedPush[]> {
  const sql =
    options.target === 'delivery'
      ? `SELECT d.id, m.kind, d.node_id, d.priority, d.state, d.next_attempt_at, d.send_lease_until, d.message_id,
                (p.url IS NOT NULL) AS to_peer
         FROM deliveries d
         JOIN nodes n ON n.id = d.node_id
         LEFT JOIN peer_hubs p ON p.node_id = d.node_id
         JOIN messages m ON m.id = d.message_id
         WHERE ${pushableSql('d')} AND ${PUSH_TARGET_SQL} AND ($1::uuid IS NULL OR d.id > $1::uuid)
         ORDER BY d.id LIMIT $2`
      : `SELECT r.id, 'receipt' AS kind, r.node_id, 0 AS priority, r.state, r.next_attempt_at, r.send_lease_until
         FROM receipts r
         JOIN nodes n ON n.id = r.node_id
         LEFT JOIN peer_hubs p ON p.node_id = r.node_id
         WHERE ${pushableSql('r')} AND ${PUSH_TARGET_SQL} AND ($1::uuid IS NULL OR r.id > $1::uuid)
         ORDER BY r.id LIMIT $2`;
  const { rows } = await db.query(sql, [options.afterId, options.limit], { prepare: true });
  return rows.map((row) => {
    const state = str(row, 'state');
    return {
      id: str(row, 'id'),
      kind: str(row, 'kind') as PushKind,
      nodeId: str(row, 'node_id'),
      priority: Number(row['priority']),
      groupKey: groupKeyOf(row),
      state,
      notBefore:
        state === 'retrying'
          ? dateOrNull(row, 'next_attempt_at')
          : state === 'sending'
            ? dateOrNull(row, 'send_lease_until')
            : null,
    };
  });
}

/**
 * Pages of every unfinished push, deliveries then receipts (what `reconcile` iterates): of the
 * deliveries of one message to one peer hub, only the first (they cross together).
 */
export async function* unfinishedPushPages(
  db: Db,
  pageSize = 1000,
): AsyncGenerator<UnfinishedPush[], void, undefined> {
  for (const target of ['delivery', 'receipt'] as const) {
    let afterId: string | null = null;
    for (;;) {
      const page = await listUnfinishedPush(db, { target, afterId, limit: pageSize });
      if (page.length > 0) yield onePerHandOver(page);
      if (page.length < pageSize) break;
      afterId = page[page.length - 1]?.id ?? null;
    }
  }
}

/** Outbox rows not yet dispatched. */
export async function countPendingOutbox(db: Db): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM outbox WHERE dispatched_at IS NULL',
  );
  return rows[0]?.n ?? 0;
}
