import type { Db } from './db.ts';
import { UNDELIVERED_STATES } from './delivery-state.ts';
import { date, str } from './sql-values.ts';

/** A delivery waiting to be handed to the delivery queue. */
export interface OutboxItem {
  /** Outbox row id (int8 as string). */
  readonly id: string;
  readonly deliveryId: string;
  readonly messageId: string;
  readonly nodeId: string;
  readonly priority: number;
  readonly availableAt: Date;
}

/**
 * Hands pending outbox rows to `publish` (e.g. BullMQ `addBulk` with jobId = deliveryId, which
 * makes a replay harmless) and marks them dispatched — all in one transaction, so a publish that
 * throws leaves them pending. Rows are locked with SKIP LOCKED: several relays never publish the
 * same row at once. Returns the rows published, most urgent first.
 */
export async function relayOutbox(
  db: Db,
  options: { readonly limit: number; readonly at: Date },
  publish: (items: readonly OutboxItem[]) => Promise<void>,
): Promise<OutboxItem[]> {
  return db.tx(async (tx) => {
    const { rows } = await tx.query(
      `SELECT o.id, o.delivery_id, o.priority, o.available_at, d.message_id, d.node_id
       FROM outbox o JOIN deliveries d ON d.id = o.delivery_id
       WHERE o.dispatched_at IS NULL AND o.available_at <= $1
       ORDER BY o.priority DESC, o.id
       LIMIT $2
       FOR UPDATE OF o SKIP LOCKED`,
      [options.at, options.limit],
    );
    const items: OutboxItem[] = rows.map((row) => ({
      id: str(row, 'id'),
      deliveryId: str(row, 'delivery_id'),
      messageId: str(row, 'message_id'),
      nodeId: str(row, 'node_id'),
      priority: row['priority'] as number,
      availableAt: date(row, 'available_at'),
    }));
    if (items.length === 0) return items;
    await publish(items);
    await tx.query('UPDATE outbox SET dispatched_at = $1 WHERE id = ANY($2::int8[])', [
      options.at,
      items.map((i) => i.id),
    ]);
    return items;
  });
}

/** Outbox rows not yet dispatched. */
export async function countPendingOutbox(db: Db): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM outbox WHERE dispatched_at IS NULL',
  );
  return rows[0]?.n ?? 0;
}

/**
 * The reconciler's step after the queue lost its data (Redis flushed): every delivery still
 * waiting (queued, retrying, sending) without a pending outbox row gets one again. Returns how
 * many were re-queued. Publishing twice is harmless (jobId = delivery id).
 */
export async function requeueUnfinished(db: Db, options: { readonly at: Date }): Promise<number> {
  const { rowCount } = await db.query(
    `INSERT INTO outbox (delivery_id, priority, available_at, created_at)
     SELECT d.id, d.priority, $1, $1 FROM deliveries d
     WHERE d.state = ANY($2::text[])
       AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.delivery_id = d.id AND o.dispatched_at IS NULL)`,
    [options.at, [...UNDELIVERED_STATES]],
  );
  return rowCount;
}
