import type { Db } from './db.ts';
import type { PushAttemptInput, PushNextState } from './delivery-push.repository.ts';
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

/** What a receipt claim did: the receipt and its node, claimed for its next attempt; or why not. */
export type ClaimReceiptResult =
  | { readonly claimed: true; readonly receipt: ReceiptRecord; readonly node: NodePushSettings }
  | { readonly claimed: false; readonly state: ReceiptState | null; readonly leaseUntil: Date | null };

/**
 * Reads a receipt and claims it for its next attempt in one statement (queued or retrying, or a
 * `sending` whose lease ran out → `sending`, attempts + 1, lease), only while its node has a
 * webhook. `receipt.attempts` is then the number of the attempt about to be made.
 */
export async function claimReceiptPush(
  db: Db,
  input: { readonly receiptId: string; readonly at: Date; readonly leaseUntil: Date },
): Promise<ClaimReceiptResult> {
  const { rows } = await db.query(
    `WITH upd AS (
       UPDATE receipts r SET state = 'sending', attempts = r.attempts + 1, updated_at = $2, send_lease_until = $3,
              first_attempt_at = COALESCE(r.first_attempt_at, $2), next_attempt_at = NULL
       FROM nodes n
       WHERE r.id = $1 AND n.id = r.node_id AND n.webhook_url IS NOT NULL AND n.webhook_secret IS NOT NULL
         AND (r.state IN ('queued', 'retrying')
              OR (r.state = 'sending' AND (r.send_lease_until IS NULL OR r.send_lease_until <= $2)))
       RETURNING r.*
     )
     SELECT r.*, m.kind AS message_kind, m.document_id, m.sender_organ_id, d.recipient_organ_id, ${NODE_PUSH_COLUMNS}
     FROM upd r
     JOIN messages m ON m.id = r.message_id
     JOIN deliveries d ON d.id = r.delivery_id
     JOIN nodes n ON n.id = r.node_id`,
    [input.receiptId, input.at, input.leaseUntil],
    { prepare: true },
  );
  const row = rows[0];
  if (row) return { claimed: true, receipt: toReceiptRecord(row), node: toNodePushSettings(row) };
  const { rows: now } = await db.query<{ state: ReceiptState; send_lease_until: Date | null }>(
    'SELECT state, send_lease_until FROM receipts WHERE id = $1',
    [input.receiptId],
  );
  return { claimed: false, state: now[0]?.state ?? null, leaseUntil: now[0]?.send_lease_until ?? null };
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
    { prepare: true },
  );
  return (rows[0]?.changed ?? 0) > 0;
}
