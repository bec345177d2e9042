import type { Db } from './db.ts';
import type { BeginPushResult, PushAttemptInput, PushNextState } from './delivery-push.repository.ts';
import type { MessageKind } from './message.repository.ts';
import { NODE_PUSH_COLUMNS, type NodePushSettings, toNodePushSettings } from './node-delivery.repository.ts';
import { date, dateOrNull, str, strOrNull } from './sql-values.ts';

/** Life of a receipt push: like a delivery's, without revocation or acknowledgement. */
export type ReceiptState = 'queued' | 'sending' | 'delivered' | 'retrying' | 'failed';

/**
 * A receipt event for a message's sender node, as stored (written by the `deliveries_receipt`
 * trigger when a delivery becomes delivered, failed or forwarded) and pushed by the engine.
 * The facts are fixed when it is written, so every retry sends the same JSON bytes.
 */
export interface ReceiptRecord {
  readonly id: string;
  readonly deliveryId: string;
  readonly messageId: string;
  /** The node the receipt goes to (the message's sender node). */
  readonly nodeId: string;
  readonly event: 'delivered' | 'failed' | 'forwarded';
  readonly occurredAt: Date;
  readonly messageKind: MessageKind;
  readonly documentId: string;
  /** Sender organization of the message. */
  readonly fromOrganId: string;
  /** Recipient organization of the delivery. */
  readonly toOrganId: string;
  readonly deliveryAttempts: number;
  readonly errorCode: string | null;
  readonly httpStatus: number | null;
  readonly state: ReceiptState;
  /** Push attempts of the receipt itself. */
  readonly attempts: number;
  readonly firstAttemptAt: Date | null;
  readonly leaseUntil: Date | null;
  readonly lastError: string | null;
  readonly createdAt: Date;
  readonly deliveredAt: Date | null;
}

const RECEIPT_SELECT = `
  SELECT r.*, m.kind AS message_kind, m.document_id, m.sender_organ_id, d.recipient_organ_id
  FROM receipts r
  JOIN messages m ON m.id = r.message_id
  JOIN deliveries d ON d.id = r.delivery_id`;

function toReceiptRecord(row: Record<string, unknown>): ReceiptRecord {
  return {
    id: str(row, 'id'),
    deliveryId: str(row, 'delivery_id'),
    messageId: str(row, 'message_id'),
    nodeId: str(row, 'node_id'),
    event: str(row, 'event') as ReceiptRecord['event'],
    occurredAt: date(row, 'occurred_at'),
    messageKind: str(row, 'message_kind') as MessageKind,
    documentId: str(row, 'document_id'),
    fromOrganId: str(row, 'sender_organ_id'),
    toOrganId: str(row, 'recipient_organ_id'),
    deliveryAttempts: row['delivery_attempts'] as number,
    errorCode: strOrNull(row, 'error_code'),
    httpStatus: (row['http_status'] as number | null) ?? null,
    state: str(row, 'state') as ReceiptState,
    attempts: row['attempts'] as number,
    firstAttemptAt: dateOrNull(row, 'first_attempt_at'),
    leaseUntil: dateOrNull(row, 'send_lease_until'),
    lastError: strOrNull(row, 'last_error'),
    createdAt: date(row, 'created_at'),
    deliveredAt: dateOrNull(row, 'delivered_at'),
  };
}

/** A receipt and its target node's push settings; null when it does not exist. */
export async function loadReceiptPush(
  db: Db,
  receiptId: string,
): Promise<{ receipt: ReceiptRecord; node: NodePushSettings } | null> {
  const { rows } = await db.query(
    `SELECT q.*, ${NODE_PUSH_COLUMNS} FROM (${RECEIPT_SELECT} WHERE r.id = $1) q JOIN nodes n ON n.id = q.node_id`,
    [receiptId],
  );
  const row = rows[0];
  return row ? { receipt: toReceiptRecord(row), node: toNodePushSettings(row) } : null;
}

/** The receipts written about a message's deliveries, oldest first (tests, operator views). */
export async function listReceiptsForMessage(db: Db, messageId: string): Promise<ReceiptRecord[]> {
  const { rows } = await db.query(`${RECEIPT_SELECT} WHERE r.message_id = $1 ORDER BY r.created_at, r.id`, [
    messageId,
  ]);
  return rows.map(toReceiptRecord);
}

/** Claims a receipt for attempt `attempt` (same rules as beginDeliveryPush, without events). */
export async function beginReceiptPush(
  db: Db,
  input: {
    readonly receiptId: string;
    readonly attempt: number;
    readonly at: Date;
    readonly leaseUntil: Date;
  },
): Promise<BeginPushResult> {
  const { rows } = await db.query<{ began: number; state: string | null; lease: Date | null }>(
    `WITH upd AS (
       UPDATE receipts SET state = 'sending', attempts = attempts + 1, updated_at = $3, send_lease_until = $4,
              first_attempt_at = COALESCE(first_attempt_at, $3), next_attempt_at = NULL
       WHERE id = $1 AND attempts = $2::int - 1
         AND (state IN ('queued', 'retrying')
              OR (state = 'sending' AND (send_lease_until IS NULL OR send_lease_until <= $3)))
       RETURNING id
     )
     SELECT (SELECT count(*) FROM upd)::int AS began, r.state, r.send_lease_until AS lease
     FROM (SELECT 1) one LEFT JOIN receipts r ON r.id = $1`,
    [input.receiptId, input.attempt, input.at, input.leaseUntil],
  );
  const row = rows[0];
  if ((row?.began ?? 0) > 0) return { began: true };
  return { began: false, state: row?.state ?? null, leaseUntil: row?.lease ?? null };
}

/**
 * Records a receipt push attempt's result on the receipt (attempts, last error and status, next
 * attempt) and, when it settles (delivered or failed) or is retried, one `receipt.<state>` event on
 * the message's log. Unchanged if the receipt is no longer `sending` this attempt.
 */
export async function recordReceiptPush(
  db: Db,
  input: {
    readonly receiptId: string;
    readonly at: Date;
    readonly actor: string;
    readonly attempt: PushAttemptInput;
    readonly next: PushNextState;
  },
): Promise<boolean> {
  const { attempt, next } = input;
  const { rows } = await db.query<{ changed: number }>(
    `WITH upd AS (
       UPDATE receipts r SET state = $3::text, updated_at = $4, send_lease_until = NULL,
         next_attempt_at = $5::timestamptz, last_error = $6::text, last_http_status = $7::int,
         delivered_at = CASE WHEN $3::text = 'delivered' THEN $4 ELSE r.delivered_at END
       WHERE r.id = $1 AND r.state = 'sending' AND r.attempts = $2
       RETURNING r.id, r.message_id, r.delivery_id, r.node_id, r.event, r.attempts
     ), ev AS (
       INSERT INTO events (at, type, actor, message_id, delivery_id, node_id, document_id, data)
       SELECT $4, 'receipt.' || $3::text, $8, upd.message_id, upd.delivery_id, upd.node_id, m.document_id,
              jsonb_strip_nulls(jsonb_build_object('receiptId', upd.id, 'event', upd.event, 'attempts', upd.attempts,
                'httpStatus', $7::int, 'error', $6::text))
       FROM upd JOIN messages m ON m.id = upd.message_id
     )
     SELECT count(*)::int AS changed FROM upd`,
    [
      input.receiptId,
      attempt.attempt,
      next.to,
      input.at,
      next.to === 'retrying' ? next.nextAttemptAt : null,
      next.to === 'delivered' ? null : next.error,
      attempt.httpStatus,
      input.actor,
    ],
  );
  return (rows[0]?.changed ?? 0) > 0;
}
