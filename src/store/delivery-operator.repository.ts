import { LienthongError } from '../core/index.ts';
import type { Db } from './db.ts';
import { type DeliveryRecord, toDeliveryRecord, transitionDelivery } from './delivery.repository.ts';
import { DELIVERY_STATES, type DeliveryState, pushableSql } from './delivery-state.ts';
import type { Audit } from './organization.repository.ts';
import { dateOrNull, str, strOrNull } from './sql-values.ts';

/** A delivery as the operator lists it: the record, its message and its last attempt (why it failed). */
export interface DeliveryListEntry {
  readonly delivery: DeliveryRecord;
  readonly documentId: string;
  readonly senderOrganId: string;
  readonly lastAttempt: {
    readonly attempt: number;
    readonly startedAt: Date;
    readonly finishedAt: Date | null;
    readonly durationMs: number | null;
    readonly httpStatus: number | null;
    readonly error: string | null;
    readonly errorDetail: string | null;
  } | null;
}

/** Filters of {@link listDeliveries}. */
export interface DeliveryListFilter {
  readonly state?: DeliveryState | undefined;
  readonly nodeId?: string | undefined;
  readonly messageId?: string | undefined;
  /** Deliveries of messages with this DocumentId (any sender). */
  readonly documentId?: string | undefined;
  /** Default 100, at most 10 000. */
  readonly limit?: number | undefined;
}

/** Deliveries matching the filter, most recently changed first, with their last attempt. */
export async function listDeliveries(db: Db, filter: DeliveryListFilter = {}): Promise<DeliveryListEntry[]> {
  if (filter.state !== undefined && !DELIVERY_STATES.includes(filter.state)) {
    throw new LienthongError('STORE_INVALID_INPUT', `Unknown delivery state ${filter.state}.`, {
      where: 'store/delivery-operator',
      details: { field: 'state', allowed: [...DELIVERY_STATES] },
    });
  }
  const limit = Math.min(10_000, Math.max(1, filter.limit ?? 100));
  const { rows } = await db.query(
    `SELECT d.*, m.document_id, m.sender_organ_id,
            a.attempt AS a_attempt, a.started_at AS a_started_at, a.finished_at AS a_finished_at,
            a.duration_ms AS a_duration_ms, a.http_status AS a_http_status, a.error AS a_error,
            a.error_detail AS a_error_detail
     FROM deliveries d
     JOIN messages m ON m.id = d.message_id
     LEFT JOIN LATERAL (SELECT * FROM delivery_attempts x WHERE x.delivery_id = d.id
                        ORDER BY x.attempt DESC LIMIT 1) a ON true
     WHERE ($1::text IS NULL OR d.state = $1::text) AND ($2::text IS NULL OR d.node_id = $2::text)
       AND ($3::uuid IS NULL OR d.message_id = $3::uuid) AND ($5::text IS NULL OR m.document_id = $5::text)
     ORDER BY d.updated_at DESC, d.id
     LIMIT $4`,
    [filter.state ?? null, filter.nodeId ?? null, filter.messageId ?? null, limit, filter.documentId ?? null],
  );
  return rows.map((row) => ({
    delivery: toDeliveryRecord(row),
    documentId: str(row, 'document_id'),
    senderOrganId: str(row, 'sender_organ_id'),
    lastAttempt:
      row['a_attempt'] === null || row['a_attempt'] === undefined
        ? null
        : {
            attempt: row['a_attempt'] as number,
            startedAt: row['a_started_at'] as Date,
            finishedAt: dateOrNull(row, 'a_finished_at'),
            durationMs: (row['a_duration_ms'] as number | null) ?? null,
            httpStatus: (row['a_http_status'] as number | null) ?? null,
            error: strOrNull(row, 'a_error'),
            errorDetail: strOrNull(row, 'a_error_detail'),
          },
  }));
}

/** Which failed deliveries an operator retries. */
export type RetryTarget =
  | { readonly deliveryId: string }
  | { readonly nodeId: string }
  | { readonly allFailed: true };

/**
 * Puts failed deliveries back in the queue (failed → queued, with a new outbox row and a
 * `delivery.queued` event, reason "operator retry"), with a fresh retry budget: the node's maximum
 * attempts and age count again from the next attempt, while attempt numbers keep growing. A
 * delivery id that is not failed gives STORE_ILLEGAL_TRANSITION; unknown, STORE_NOT_FOUND.
 */
export async function retryFailedDeliveries(
  db: Db,
  target: RetryTarget,
  audit: Audit,
): Promise<DeliveryRecord[]> {
  return db.tx(async (tx) => {
    const { rows } =
      'deliveryId' in target
        ? await tx.query('SELECT id FROM deliveries WHERE id = $1', [target.deliveryId])
        : 'nodeId' in target
          ? await tx.query(`SELECT id FROM deliveries WHERE state = 'failed' AND node_id = $1 ORDER BY id`, [
              target.nodeId,
            ])
          : await tx.query(`SELECT id FROM deliveries WHERE state = 'failed' ORDER BY id`);
    if ('deliveryId' in target && rows.length === 0) {
      throw new LienthongError('STORE_NOT_FOUND', `No delivery ${target.deliveryId}.`, {
        where: 'store/delivery-operator',
        details: { deliveryId: target.deliveryId },
      });
    }
    const retried: DeliveryRecord[] = [];
    for (const row of rows) {
      const id = str(row, 'id');
      await transitionDelivery(tx, {
        deliveryId: id,
        to: 'queued',
        from: ['failed'],
        reason: 'operator retry',
        at: audit.at,
        actor: audit.actor,
      });
      const updated = await tx.query(
        `UPDATE deliveries SET retry_base_attempts = attempts, next_attempt_at = NULL, send_lease_until = NULL
         WHERE id = $1 RETURNING *`,
        [id],
      );
      retried.push(toDeliveryRecord(updated.rows[0]!));
    }
    return retried;
  });
}

/** Deliveries waiting or failed, by state (queued, sending, retrying, failed), for queue health. */
export async function countDeliveriesByState(
  db: Db,
): Promise<Record<'queued' | 'sending' | 'retrying' | 'failed', number>> {
  const { rows } = await db.query<{ state: string; n: number }>(
    `SELECT d.state, count(*)::int AS n FROM deliveries d WHERE ${pushableSql('d')}
     GROUP BY d.state
     UNION ALL
     SELECT 'failed', count(*)::int FROM deliveries WHERE state = 'failed'`,
  );
  const counts = { queued: 0, sending: 0, retrying: 0, failed: 0 };
  for (const row of rows) counts[row.state as keyof typeof counts] = row.n;
  return counts;
}
